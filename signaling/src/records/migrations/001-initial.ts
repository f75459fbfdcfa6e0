/**
 * Migration 1: contacts, cases, notes, chat, documents, the hand-off outbox, the audit log.
 * Times are timestamptz; `ms(t)` reads them back as milliseconds since epoch (float8).
 */
export default `
CREATE FUNCTION ms(t timestamptz) RETURNS float8 LANGUAGE sql IMMUTABLE STRICT
  AS $$ SELECT (extract(epoch FROM t) * 1000)::float8 $$;

CREATE TABLE contacts (
  ticket_id       text PRIMARY KEY,
  channel         text NOT NULL DEFAULT 'video',
  case_type       text NOT NULL,
  queue           text NOT NULL,
  language        text NOT NULL,
  accessibility   text[] NOT NULL DEFAULT '{}',
  priority        text NOT NULL,
  citizen_name    text,
  state           text NOT NULL DEFAULT 'waiting',
  queued_at       timestamptz NOT NULL,
  answered_at     timestamptz,
  ended_at        timestamptz,
  abandoned_at    timestamptz,
  abandoned_queue text,
  wait_seconds    float8,
  handle_seconds  float8,
  office          text,
  clerk_id        text,
  rating          smallint,
  rating_comment  text,
  rated_at        timestamptz,
  rated_call_id   text,
  closed_state    text,
  case_reference  text
);
CREATE INDEX contacts_queued_at ON contacts (queued_at);
CREATE INDEX contacts_abandoned_at ON contacts (abandoned_at) WHERE abandoned_at IS NOT NULL;
CREATE INDEX contacts_rated_at ON contacts (rated_at) WHERE rated_at IS NOT NULL;

CREATE TABLE contact_offers (
  ticket_id   text NOT NULL,
  clerk_id    text NOT NULL,
  offered_at  timestamptz NOT NULL,
  outcome     text NOT NULL DEFAULT 'pending',
  decided_at  timestamptz,
  PRIMARY KEY (ticket_id, clerk_id, offered_at)
);

CREATE TABLE contact_legs (
  call_id       text PRIMARY KEY,
  ticket_id     text NOT NULL,
  clerk_id      text NOT NULL,
  clerk_name    text NOT NULL,
  office        text,
  region        text,
  queue         text NOT NULL,
  started_at    timestamptz NOT NULL,
  wait_seconds  float8 NOT NULL,
  in_target     boolean NOT NULL,
  ended_at      timestamptz,
  end_reason    text,
  handle_seconds float8
);
CREATE INDEX contact_legs_ticket ON contact_legs (ticket_id);
CREATE INDEX contact_legs_clerk ON contact_legs (clerk_id, started_at);
CREATE INDEX contact_legs_started ON contact_legs (started_at);
CREATE INDEX contact_legs_ended ON contact_legs (ended_at) WHERE ended_at IS NOT NULL;

CREATE TABLE contact_transfers (
  from_call_id text PRIMARY KEY,
  ticket_id    text NOT NULL,
  at           timestamptz NOT NULL,
  from_clerk   text NOT NULL,
  to_queue     text,
  to_clerk     text,
  reason       text NOT NULL DEFAULT ''
);
CREATE INDEX contact_transfers_ticket ON contact_transfers (ticket_id);

-- One number for every case ever opened, on every node: the reference's year is the opening year.
CREATE SEQUENCE case_number;

CREATE TABLE cases (
  reference       text PRIMARY KEY,
  ticket_id       text NOT NULL UNIQUE,
  case_type       text NOT NULL,
  citizen_name    text NOT NULL,
  opened_at       timestamptz NOT NULL,
  opened_by       text NOT NULL,
  office          text,
  status          text NOT NULL DEFAULT 'opened',
  attempts        integer NOT NULL DEFAULT 0,
  last_attempt_at timestamptz,
  next_attempt_at timestamptz,
  delivered_at    timestamptz,
  last_error      text
);
CREATE INDEX cases_opened_at ON cases (opened_at);

CREATE TABLE case_notes (
  id          text PRIMARY KEY,
  ticket_id   text NOT NULL,
  call_id     text NOT NULL,
  clerk_id    text NOT NULL,
  at          timestamptz NOT NULL,
  text        text NOT NULL,
  outcome     text
);
CREATE INDEX case_notes_ticket ON case_notes (ticket_id, at);
CREATE INDEX case_notes_at ON case_notes (at);

CREATE TABLE chat_messages (
  id          text PRIMARY KEY,
  ticket_id   text NOT NULL,
  call_id     text NOT NULL,
  from_role   text NOT NULL,
  from_name   text NOT NULL,
  text        text NOT NULL,
  sent_at     timestamptz NOT NULL
);
CREATE INDEX chat_messages_ticket ON chat_messages (ticket_id, sent_at);
CREATE INDEX chat_messages_sent_at ON chat_messages (sent_at);

CREATE TABLE documents (
  id           text PRIMARY KEY,
  ticket_id    text NOT NULL,
  call_id      text NOT NULL,
  name         text NOT NULL,
  mime_type    text NOT NULL,
  size         integer NOT NULL,
  uploaded_by  text NOT NULL,
  uploaded_at  timestamptz NOT NULL,
  bytes        bytea NOT NULL
);
CREATE INDEX documents_ticket ON documents (ticket_id, uploaded_at);
CREATE INDEX documents_call ON documents (call_id);
CREATE INDEX documents_uploaded_at ON documents (uploaded_at);

-- Running totals per call and per citizen (ticket): a quota check and the insert are one statement.
CREATE TABLE document_usage (
  scope  text PRIMARY KEY,
  bytes  bigint NOT NULL DEFAULT 0,
  count  integer NOT NULL DEFAULT 0
);

-- Transactional outbox of hand-offs: a row is written in the transaction that closes the contact.
CREATE TABLE handoff_outbox (
  idempotency_key text PRIMARY KEY,
  case_reference  text NOT NULL UNIQUE,
  created_at      timestamptz NOT NULL,
  leased_until    timestamptz
);

CREATE TABLE audit_log (
  id              text PRIMARY KEY,
  at              timestamptz NOT NULL,
  actor_id        text NOT NULL,
  actor_role      text NOT NULL,
  action          text NOT NULL,
  case_reference  text,
  call_id         text,
  ticket_id       text,
  subject         text,
  reason          text NOT NULL
);
CREATE INDEX audit_log_case ON audit_log (case_reference, at) WHERE case_reference IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_at ON audit_log (at);

-- Append-only: no UPDATE, and DELETE only through purge_audit (retention) below. The application
-- role gets INSERT and SELECT only (granted by the migration runner); this trigger holds even for
-- an owner or a single-user PGlite.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('ablak.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();

-- Retention of the audit log itself: deletes entries older than keep_days (never fewer than 365),
-- runs with its owner's rights so the application role needs no DELETE grant; returns the count.
CREATE FUNCTION purge_audit(keep_days integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public AS $$
DECLARE n integer;
BEGIN
  IF keep_days < 365 THEN
    RAISE EXCEPTION 'audit entries are kept at least 365 days' USING ERRCODE = '22023';
  END IF;
  PERFORM set_config('ablak.audit_purge', 'on', true);
  DELETE FROM audit_log WHERE at < now() - make_interval(days => keep_days);
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('ablak.audit_purge', 'off', true);
  RETURN n;
END $$;
`;
