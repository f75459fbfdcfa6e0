import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DOCUMENT_MAX_BYTES, SharedDocument, type CallId } from '@ablak/protocol';
import { apiFetch, errorCodeOf, useFormat } from '@ablak/ui';
import { z } from 'zod';
import { config } from '../config';

const ACCEPT = 'image/jpeg,image/png,image/webp,application/pdf';
const UploadAnswer = z.union([
  SharedDocument,
  z.object({ document: SharedDocument }).transform((a) => a.document),
]);

interface Props {
  callId: CallId;
  token: string;
  documents: readonly SharedDocument[];
  onShared(document: SharedDocument): void;
}

/** Share a photo or PDF with the clerk: from files, or straight from the phone's camera. */
export function DocumentShare({ callId, token, documents, onShared }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const cameraRef = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<{ kind: 'idle' | 'sending' | 'done' | 'error'; text: string }>({
    kind: 'idle',
    text: '',
  });

  const upload = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > DOCUMENT_MAX_BYTES) {
      setStatus({ kind: 'error', text: t('docs.tooLarge', { max: format.bytes(DOCUMENT_MAX_BYTES) }) });
      return;
    }
    if (!ACCEPT.split(',').includes(file.type)) {
      setStatus({ kind: 'error', text: t('docs.badType') });
      return;
    }
    setStatus({ kind: 'sending', text: t('docs.sending', { name: file.name }) });
    const body = new FormData();
    body.append('file', file, file.name);
    try {
      const document = await apiFetch(`/api/calls/${encodeURIComponent(callId)}/documents`, {
        method: 'POST',
        body,
        token,
        schema: UploadAnswer,
        baseUrl: config.signalingUrl,
      });
      onShared(document);
      setStatus({ kind: 'done', text: t('docs.sent', { name: document.name }) });
    } catch (error) {
      setStatus({
        kind: 'error',
        text: t(`errors.${errorCodeOf(error)}`, { defaultValue: t('errors.generic') }),
      });
    }
  };

  const open = async (doc: SharedDocument) => {
    try {
      const response = await fetch(
        new URL(
          `/api/calls/${encodeURIComponent(callId)}/documents/${encodeURIComponent(doc.id)}`,
          config.signalingUrl || location.origin,
        ),
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      if (!response.ok) throw new Error(String(response.status));
      const url = URL.createObjectURL(await response.blob());
      window.open(url, '_blank', 'noopener');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch {
      setStatus({ kind: 'error', text: t('docs.openFailed') });
    }
  };

  return (
    <section className="docs" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="h-small">
        {t('docs.title')}
      </h2>
      <p className="ab-hint">{t('docs.hint', { max: format.bytes(DOCUMENT_MAX_BYTES) })}</p>
      <div className="actions">
        <button
          type="button"
          className="ab-button ab-button--secondary"
          onClick={() => fileRef.current?.click()}
          disabled={status.kind === 'sending'}
        >
          {t('docs.choose')}
        </button>
        <button
          type="button"
          className="ab-button ab-button--secondary"
          onClick={() => cameraRef.current?.click()}
          disabled={status.kind === 'sending'}
        >
          {t('docs.photo')}
        </button>
      </div>
      <input
        ref={fileRef}
        type="file"
        accept={ACCEPT}
        hidden
        data-testid="document-input"
        aria-label={t('docs.choose')}
        onChange={(e) => {
          void upload(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
      <input
        ref={cameraRef}
        type="file"
        accept="image/*"
        capture="environment"
        hidden
        aria-label={t('docs.photo')}
        onChange={(e) => {
          void upload(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
      <p
        role="status"
        aria-live="polite"
        className={status.kind === 'error' ? 'ab-error' : 'ab-hint'}
        data-testid="document-status"
        data-state={status.kind}
      >
        {status.text}
      </p>
      {documents.length > 0 && (
        <ul className="doc-list">
          {documents.map((doc) => (
            <li key={doc.id} data-testid="shared-document">
              <button type="button" className="ab-button ab-button--ghost" onClick={() => void open(doc)}>
                {doc.name}
              </button>
              <span className="ab-hint">
                {' '}
                {doc.uploadedBy === 'citizen' ? t('docs.byYou') : t('docs.byClerk')} ·{' '}
                {format.bytes(doc.size)} · {format.time(doc.uploadedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
