import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { recordRoutes, type CaseDetail, type ContactRecord, type QueueDef } from '@ablak/protocol';
import { useFormat } from '@ablak/ui';
import { DocumentsPanel } from '../clerk/DocumentsPanel';
import { useDuration } from '../time';
import { HandOffDetails } from './HandOffTag';

interface Props {
  detail: CaseDetail;
  token: string;
  queueDefs?: readonly QueueDef[];
  onClose(): void;
}

/** One case in full: facts, hand-off, how the call went, notes, documents and chat. Opening it was audited. */
export function CaseView({ detail, token, queueDefs = [], onClose }: Props) {
  const { t } = useTranslation('console');
  const format = useFormat();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [detail.reference]);
  const clerkName = (id: string) => detail.contact.legs.find((l) => l.clerkId === id)?.clerkName ?? id;

  return (
    <section className="panel case-view" aria-labelledby="case-view-heading" data-testid="case-view">
      <div className="case-view__head">
        <h2 id="case-view-heading" ref={heading} tabIndex={-1}>
          {t('caseView.heading', { reference: detail.reference })}
        </h2>
        <button type="button" className="ab-button ab-button--secondary" onClick={onClose}>
          {t('caseView.close')}
        </button>
      </div>
      <p className="muted">{t('caseView.auditNotice')}</p>
      <dl className="facts">
        <div>
          <dt>{t('caseView.matter')}</dt>
          <dd>{detail.caseTypeName ? format.text(detail.caseTypeName) : detail.caseType}</dd>
        </div>
        <div>
          <dt>{t('caseView.citizen')}</dt>
          <dd>{detail.citizenName}</dd>
        </div>
        <div>
          <dt>{t('caseView.openedAt')}</dt>
          <dd>{format.dateTime(detail.openedAt)}</dd>
        </div>
        <div>
          <dt>{t('caseView.openedBy')}</dt>
          <dd>{clerkName(detail.openedBy)}</dd>
        </div>
        <div className="wide">
          <dt>{t('caseView.handOff')}</dt>
          <dd>
            <HandOffDetails handOff={detail.handOff} />
          </dd>
        </div>
      </dl>

      <h3>{t('caseView.contactHeading')}</h3>
      <ContactTimeline contact={detail.contact} queueDefs={queueDefs} clerkName={clerkName} />

      <h3>{t('caseView.notes')}</h3>
      {detail.notes.length === 0 ? (
        <p className="muted">{t('caseView.noNotes')}</p>
      ) : (
        <ul className="record-list" data-testid="case-notes">
          {detail.notes.map((note) => (
            <li key={`${note.at}-${note.callId}`}>
              <p className="muted">
                {t('caseView.noteBy', { time: format.dateTime(note.at), clerk: clerkName(note.clerkId) })}
                {note.outcome ? ` · ${t(`wrapup.outcomes.${note.outcome}`)}` : ''}
              </p>
              <p className="pre">{note.text}</p>
            </li>
          ))}
        </ul>
      )}

      <DocumentsPanel
        documents={detail.documents}
        token={token}
        headingLevel={3}
        pathOf={(doc) => recordRoutes.caseDocument(detail.reference, doc.id)}
      />

      <h3>{t('caseView.chat')}</h3>
      {detail.chat.length === 0 ? (
        <p className="muted">{t('caseView.noChat')}</p>
      ) : (
        <ul className="record-list" data-testid="case-chat">
          {detail.chat.map((m) => (
            <li key={m.id}>
              <span className="muted">{format.time(m.sentAt)}</span> <strong>{m.fromName}:</strong>{' '}
              <span className="pre">{m.text}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ContactTimeline({
  contact,
  queueDefs,
  clerkName,
}: {
  contact: ContactRecord;
  queueDefs: readonly QueueDef[];
  clerkName(id: string): string;
}) {
  const { t } = useTranslation('console');
  const format = useFormat();
  const duration = useDuration();
  const queueName = (id: string) => {
    const def = queueDefs.find((q) => q.id === id);
    return def ? format.text(def.name) : id;
  };
  const events: { at: number; text: string }[] = [
    { at: contact.queuedAt, text: t('caseView.queuedAt', { time: format.dateTime(contact.queuedAt) }) },
    ...contact.offers
      .filter((o) => o.outcome !== 'accepted')
      .map((o) => ({
        at: o.offeredAt,
        text: t('caseView.offered', {
          clerk: clerkName(o.clerkId),
          time: format.time(o.offeredAt),
          outcome: t(`caseView.offerOutcome.${o.outcome}`),
        }),
      })),
    ...contact.legs.map((leg) => ({
      at: leg.startedAt,
      text: t('caseView.leg', { clerk: leg.clerkName, time: format.time(leg.startedAt), wait: duration(leg.waitSeconds) }),
    })),
    ...contact.transfers.map((tr) => ({
      at: tr.at,
      text: t('caseView.transferred', {
        time: format.time(tr.at),
        target: tr.toClerk
          ? t('caseView.toClerk', { clerk: clerkName(tr.toClerk) })
          : t('caseView.toQueue', { queue: queueName(tr.toQueue ?? '') }),
        reason: tr.reason || t('units.none'),
      }),
    })),
  ];
  if (contact.endedAt !== null)
    events.push({ at: contact.endedAt, text: t('caseView.ended', { time: format.time(contact.endedAt) }) });
  if (contact.abandonedAt !== null)
    events.push({ at: contact.abandonedAt, text: t('caseView.abandoned', { time: format.time(contact.abandonedAt) }) });
  events.sort((a, b) => a.at - b.at);

  return (
    <>
      <ol className="record-list timeline" data-testid="case-timeline">
        {events.map((e, i) => (
          <li key={i}>{e.text}</li>
        ))}
      </ol>
      <p>
        {t('caseView.figures', { wait: duration(contact.waitSeconds), handle: duration(contact.handleSeconds) })}
        {contact.rating !== null && <> · {t('caseView.rating', { rating: contact.rating })}</>}
      </p>
      {contact.ratingComment && <p>{t('caseView.ratingComment', { comment: contact.ratingComment })}</p>}
    </>
  );
}
