import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  QueueList,
  type ClerkId,
  type Colleague,
  type QueueDef,
  type QueueId,
  type TransferTarget,
} from '@ablak/protocol';
import { apiFetch, useFormat } from '@ablak/ui';
import { ColleaguePicker } from './ColleaguePicker';

/** Colleagues' states change while the dialog is open; refresh the list this often. */
const COLLEAGUES_REFRESH_MS = 10_000;

interface Props {
  token: string;
  currentQueue: QueueId;
  /** The clerk's own office (its colleagues are marked). */
  office: string;
  loadColleagues(): Promise<Colleague[]>;
  onTransfer(target: TransferTarget, note: string): Promise<void>;
  onClose(): void;
}

/** Transfer to another queue or to a named clerk, with a note the next clerk sees on the offer. */
export function TransferDialog({ token, currentQueue, office, loadColleagues, onTransfer, onClose }: Props) {
  const { t } = useTranslation('console');
  const format = useFormat();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [queues, setQueues] = useState<QueueDef[]>([]);
  const [kind, setKind] = useState<'queue' | 'clerk'>('queue');
  const [queue, setQueue] = useState<string>('');
  const [colleagues, setColleagues] = useState<Colleague[] | null>(null);
  const [colleaguesError, setColleaguesError] = useState<string | null>(null);
  const [clerk, setClerk] = useState<ClerkId | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    dialogRef.current?.showModal();
    const controller = new AbortController();
    apiFetch('/api/queues', { schema: QueueList, token, signal: controller.signal })
      .then(({ queues: list }) => {
        setQueues(list);
        setQueue((q) => q || (list.find((d) => d.id !== currentQueue)?.id ?? list[0]?.id ?? ''));
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [token, currentQueue]);

  const refreshColleagues = useCallback(() => {
    loadColleagues().then(
      (list) => {
        setColleagues(list);
        setColleaguesError(null);
      },
      (err: unknown) =>
        setColleaguesError(
          t('transfer.loadFailed', { message: err instanceof Error ? err.message : String(err) }),
        ),
    );
  }, [loadColleagues, t]);

  useEffect(() => {
    if (kind !== 'clerk') return;
    refreshColleagues();
    const timer = setInterval(refreshColleagues, COLLEAGUES_REFRESH_MS);
    return () => clearInterval(timer);
  }, [kind, refreshColleagues]);

  const queueName = useCallback(
    (id: string) => {
      const def = queues.find((q) => q.id === id);
      return def ? format.text(def.name) : id;
    },
    [queues, format],
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let target: TransferTarget;
    if (kind === 'queue') {
      const found = queues.find((q) => q.id === queue);
      if (!found) return;
      target = { kind: 'queue', queue: found.id };
    } else {
      if (!clerk) return setError(t('transfer.chooseClerk'));
      target = { kind: 'clerk', clerk };
    }
    setBusy(true);
    setError(null);
    try {
      await onTransfer(target, note.trim());
      onClose();
    } catch (err) {
      setError(t('transfer.failed', { message: err instanceof Error ? err.message : String(err) }));
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby="transfer-heading"
      onClose={onClose}
      data-testid="transfer-dialog"
    >
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="transfer-heading">{t('transfer.heading')}</h2>
        <fieldset className="radio-row">
          <legend>{t('transfer.kind')}</legend>
          <label className="radio">
            <input
              type="radio"
              name="transfer-kind"
              checked={kind === 'queue'}
              onChange={() => setKind('queue')}
            />
            {t('transfer.toQueue')}
          </label>
          <label className="radio">
            <input
              type="radio"
              name="transfer-kind"
              checked={kind === 'clerk'}
              onChange={() => setKind('clerk')}
            />
            {t('transfer.toClerk')}
          </label>
        </fieldset>
        {kind === 'queue' ? (
          <>
            <label htmlFor="transfer-queue">{t('transfer.queue')}</label>
            <select id="transfer-queue" value={queue} onChange={(e) => setQueue(e.target.value)} required>
              {queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {format.text(q.name)}
                </option>
              ))}
            </select>
          </>
        ) : (
          <ColleaguePicker
            colleagues={colleagues}
            loadError={colleaguesError}
            myOffice={office}
            queueName={queueName}
            value={clerk}
            onChange={(id) => {
              setClerk(id);
              setError(null);
            }}
            onRetry={refreshColleagues}
          />
        )}
        <label htmlFor="transfer-note">{t('transfer.note')}</label>
        <textarea
          id="transfer-note"
          rows={3}
          maxLength={1000}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="ab-button" disabled={busy}>
            {t('transfer.submit')}
          </button>
          <button className="ab-button ab-button--secondary" type="button" onClick={onClose}>
            {t('transfer.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
