import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CaseReference, type AuditEntry, type ClerkView } from '@ablak/protocol';
import { request, useFormat, type SupervisorSocket } from '@ablak/ui';

interface Props {
  socket: SupervisorSocket | null;
  /** Clerks the board knows, offered as suggestions for the clerk field. */
  clerks: readonly ClerkView[];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Who read which personal data, when and why: searched by case reference, clerk, or both. */
export function AuditView({ socket, clerks }: Props) {
  const { t } = useTranslation('console');
  const format = useFormat();
  const id = useId();
  const [reference, setReference] = useState('');
  const [actor, setActor] = useState('');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<'reference' | 'both' | null>(null);

  const search = async (event: FormEvent) => {
    event.preventDefault();
    const ref = reference.trim().toUpperCase();
    const who = actor.trim();
    if (!ref && !who) {
      setInvalid('both');
      setError(t('audit.required'));
      document.getElementById(`${id}-ref`)?.focus();
      return;
    }
    if (ref && !CaseReference.safeParse(ref).success) {
      setInvalid('reference');
      setError(t('cases.referenceInvalid'));
      document.getElementById(`${id}-ref`)?.focus();
      return;
    }
    if (!socket) return;
    setInvalid(null);
    setError(null);
    setBusy(true);
    try {
      const result = await request(socket, 'audit:search', {
        ...(ref ? { caseReference: ref } : {}),
        ...(who ? { actorId: who } : {}),
        limit: 200,
      });
      setEntries(result.entries);
    } catch (err) {
      setError(t('audit.failed', { message: message(err) }));
    } finally {
      setBusy(false);
    }
  };

  const errorId = error ? ` ${id}-err` : '';
  return (
    <div className="records audit" data-testid="audit">
      <section className="panel" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{t('audit.heading')}</h2>
        <p className="muted">{t('audit.intro')}</p>
        <form className="search-form" role="search" aria-label={t('audit.form')} onSubmit={(e) => void search(e)} noValidate>
          <div className="field">
            <label htmlFor={`${id}-ref`}>{t('audit.caseLabel')}</label>
            <input
              id={`${id}-ref`}
              type="search"
              autoComplete="off"
              spellCheck={false}
              value={reference}
              onChange={(e) => setReference(e.target.value)}
              aria-describedby={`${id}-refhint${invalid ? errorId : ''}`}
              aria-invalid={invalid ? true : undefined}
            />
            <p id={`${id}-refhint`} className="muted hint">
              {t('cases.referenceHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-actor`}>{t('audit.clerkLabel')}</label>
            <input
              id={`${id}-actor`}
              type="search"
              autoComplete="off"
              spellCheck={false}
              list={`${id}-clerks`}
              value={actor}
              onChange={(e) => setActor(e.target.value)}
              aria-describedby={`${id}-actorhint${invalid === 'both' ? errorId : ''}`}
              aria-invalid={invalid === 'both' ? true : undefined}
            />
            <datalist id={`${id}-clerks`}>
              {clerks.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName}
                </option>
              ))}
            </datalist>
            <p id={`${id}-actorhint`} className="muted hint">
              {t('audit.clerkHint')}
            </p>
          </div>
          <div className="actions">
            <button type="submit" className="ab-button" disabled={busy}>
              {t('audit.search')}
            </button>
          </div>
        </form>
        {error && (
          <p id={`${id}-err`} role="alert" className="form-error">
            {error}
          </p>
        )}
      </section>

      {busy && <p role="status">{t('audit.loading')}</p>}
      {entries !== null && !busy && (
        <section className="panel" aria-labelledby={`${id}-res`}>
          <div aria-live="polite">
            <h2 id={`${id}-res`} data-testid="audit-count">
              {t('audit.results', { count: entries.length })}
            </h2>
          </div>
          {entries.length === 0 ? (
            <p>{t('audit.empty')}</p>
          ) : (
            <table className="ab-table ab-table--stack" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">{t('audit.col.at')}</th>
                  <th scope="col">{t('audit.col.actor')}</th>
                  <th scope="col">{t('audit.col.action')}</th>
                  <th scope="col">{t('audit.col.reference')}</th>
                  <th scope="col">{t('audit.col.subject')}</th>
                  <th scope="col">{t('audit.col.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id} data-testid="audit-row" data-action={e.action} data-actor={e.actorId}>
                    <td data-label={t('audit.col.at')}>{format.dateTime(e.at)}</td>
                    <td data-label={t('audit.col.actor')}>
                      <span>
                        {e.actorId} <span className="muted">({t(`audit.role.${e.actorRole}`)})</span>
                      </span>
                    </td>
                    <td data-label={t('audit.col.action')}>{t(`audit.action.${e.action.replace('.', '_')}`)}</td>
                    <td data-label={t('audit.col.reference')}>{e.caseReference ?? t('units.none')}</td>
                    <td data-label={t('audit.col.subject')} className="break">
                      {e.subject ?? t('units.none')}
                    </td>
                    <td data-label={t('audit.col.reason')}>
                      {t(`audit.reasons.${e.reason.replace(/\W+/g, '_')}`, { defaultValue: e.reason })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </div>
  );
}
