import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CaseReference, type CaseDetail, type MyContact } from '@ablak/protocol';
import { errorCodeOf, request, useFormat, type ClerkSocket } from '@ablak/ui';
import { CaseView } from './CaseView';
import { HandOffTag } from './HandOffTag';
import { dayStartOf } from './periods';

const PAGE = 50;
/** How often the list is read again while it is on screen (hand-off states move on their own). */
const REFRESH_MS = 15_000;

interface Props {
  socket: ClerkSocket | null;
  connected: boolean;
  token: string;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** "My cases": the contacts this clerk served, today's and earlier, and a case found by its reference. */
export function MyCases({ socket, connected, token }: Props) {
  const { t } = useTranslation('console');
  const id = useId();
  const [contacts, setContacts] = useState<MyContact[] | null>(null);
  const [more, setMore] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reference, setReference] = useState('');
  const [searchError, setSearchError] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [loaded, setLoaded] = useState(PAGE);

  const load = useCallback(async () => {
    if (!socket || !connected) return;
    try {
      const limit = Math.min(200, loaded);
      const { contacts: rows } = await request(socket, 'records:my-contacts', { limit });
      setContacts(rows);
      setMore(rows.length === limit);
      setLoadError(null);
    } catch (err) {
      setLoadError(t('cases.loadFailed', { message: message(err) }));
    }
  }, [socket, connected, loaded, t]);

  useEffect(() => {
    if (detail) return;
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load, detail]);

  const loadOlder = async () => {
    const last = contacts?.[contacts.length - 1];
    if (!socket || !last) return;
    try {
      const { contacts: rows } = await request(socket, 'records:my-contacts', { before: last.contact.queuedAt, limit: PAGE });
      setContacts((current) => [...(current ?? []), ...rows]);
      setLoaded((n) => n + rows.length);
      setMore(rows.length === PAGE);
    } catch (err) {
      setLoadError(t('cases.loadFailed', { message: message(err) }));
    }
  };

  const open = async (ref: string) => {
    if (!socket) return;
    setSearching(true);
    setSearchError(null);
    try {
      const { case: found } = await request(socket, 'case:find', { reference: ref });
      setDetail(found);
    } catch (err) {
      const code = errorCodeOf(err);
      setSearchError(code === 'NOT_FOUND' || code === 'FORBIDDEN' ? t('cases.notFound') : t('cases.loadFailed', { message: message(err) }));
    } finally {
      setSearching(false);
    }
  };

  const search = (event: FormEvent) => {
    event.preventDefault();
    const wanted = reference.trim().toUpperCase();
    if (!CaseReference.safeParse(wanted).success) {
      setSearchError(t('cases.referenceInvalid'));
      document.getElementById(`${id}-ref`)?.focus();
      return;
    }
    void open(wanted);
  };

  const today = dayStartOf(Date.now());
  const todays = contacts?.filter((c) => c.contact.queuedAt >= today) ?? [];
  const earlier = contacts?.filter((c) => c.contact.queuedAt < today) ?? [];

  return (
    <div className="records" data-testid="my-cases">
      <section className="panel" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{t('cases.heading')}</h2>
        <p className="muted">{t('cases.intro')}</p>
        <form className="search-form" role="search" aria-label={t('cases.search')} onSubmit={search} noValidate>
          <div className="field">
            <label htmlFor={`${id}-ref`}>{t('cases.referenceLabel')}</label>
            <input
              id={`${id}-ref`}
              type="search"
              autoComplete="off"
              spellCheck={false}
              value={reference}
              onChange={(e) => setReference(e.target.value)}
              aria-describedby={`${id}-hint${searchError ? ` ${id}-err` : ''}`}
              aria-invalid={searchError ? true : undefined}
            />
            <p id={`${id}-hint`} className="muted hint">
              {t('cases.referenceHint')}
            </p>
          </div>
          <button type="submit" className="ab-button" disabled={searching}>
            {t('cases.find')}
          </button>
        </form>
        {searchError && (
          <p id={`${id}-err`} role="alert" className="form-error">
            {searchError}
          </p>
        )}
      </section>

      {detail ? (
        <CaseView detail={detail} token={token} onClose={() => setDetail(null)} />
      ) : (
        <>
          {loadError && (
            <p role="alert" className="form-error">
              {loadError}{' '}
              <button type="button" className="ab-button ab-button--secondary" onClick={() => void load()}>
                {t('cases.retry')}
              </button>
            </p>
          )}
          {contacts === null ? (
            <p role="status">{t('cases.loading')}</p>
          ) : (
            <>
              <ContactTable title={t('cases.today')} empty={t('cases.noneToday')} rows={todays} today onOpen={open} testId="cases-today" />
              <ContactTable title={t('cases.earlier')} empty={t('cases.noneEarlier')} rows={earlier} onOpen={open} testId="cases-earlier" />
              {more && (
                <button type="button" className="ab-button ab-button--secondary" onClick={() => void loadOlder()}>
                  {t('cases.more')}
                </button>
              )}
            </>
          )}
        </>
      )}
    </div>
  );
}

function ContactTable({
  title,
  empty,
  rows,
  today = false,
  onOpen,
  testId,
}: {
  title: string;
  empty: string;
  rows: readonly MyContact[];
  today?: boolean;
  onOpen(reference: string): void;
  testId: string;
}) {
  const { t } = useTranslation('console');
  const format = useFormat();
  const id = useId();
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid={testId}>
      <h3 id={`${id}-h`}>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <table className="ab-table ab-table--stack">
          <thead>
            <tr>
              <th scope="col">{t('cases.col.when')}</th>
              <th scope="col">{t('cases.col.reference')}</th>
              <th scope="col">{t('cases.col.matter')}</th>
              <th scope="col">{t('cases.col.citizen')}</th>
              <th scope="col">{t('cases.col.notes')}</th>
              <th scope="col">{t('cases.col.handOff')}</th>
              <th scope="col">{t('cases.col.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ contact, case: found, notesCount }) => (
              <tr key={contact.ticketId} data-testid="case-row" data-reference={found?.reference ?? ''}>
                <td data-label={t('cases.col.when')}>
                  {today ? format.time(contact.queuedAt) : format.dateTime(contact.queuedAt)}
                </td>
                <td data-label={t('cases.col.reference')}>
                  {found ? (
                    <button
                      type="button"
                      className="link"
                      onClick={() => onOpen(found.reference)}
                      aria-label={t('cases.open', { reference: found.reference })}
                    >
                      {found.reference}
                    </button>
                  ) : (
                    <span className="muted">{t('cases.noCase')}</span>
                  )}
                </td>
                <td data-label={t('cases.col.matter')}>
                  {contact.caseTypeName ? format.text(contact.caseTypeName) : contact.caseType}
                </td>
                <td data-label={t('cases.col.citizen')}>{found?.citizenName ?? t('units.none')}</td>
                <td data-label={t('cases.col.notes')}>{notesCount}</td>
                <td data-label={t('cases.col.handOff')}>
                  {found ? <HandOffTag handOff={found.handOff} /> : t('units.none')}
                </td>
                <td data-label={t('cases.col.outcome')}>{t(`cases.contactState.${contact.state}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
