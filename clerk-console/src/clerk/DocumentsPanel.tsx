import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SharedDocument } from '@ablak/protocol';
import { useFormat } from '@ablak/ui';

/** Where signaling serves a shared document's bytes to the call's peers (bearer token). */
export function documentPath(doc: SharedDocument): string {
  return `/api/calls/${encodeURIComponent(doc.callId)}/documents/${encodeURIComponent(doc.id)}`;
}

async function loadBlobUrl(path: string, token: string): Promise<string> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

interface Props {
  documents: readonly SharedDocument[];
  token: string;
  /** Where the bytes are; default the live call's route (a case's documents have their own). */
  pathOf?: (doc: SharedDocument) => string;
  headingLevel?: 2 | 3;
}

/** What the citizen shared in this call: open it in a viewer or save it. */
export function DocumentsPanel({ documents, token, pathOf = documentPath, headingLevel = 2 }: Props) {
  const { t } = useTranslation('console');
  const headingId = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const format = useFormat();
  const [viewing, setViewing] = useState<{ doc: SharedDocument; url: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const urls = useRef(new Map<string, string>());

  useEffect(() => {
    const map = urls.current;
    return () => {
      for (const url of map.values()) URL.revokeObjectURL(url);
      map.clear();
    };
  }, []);

  const urlOf = async (doc: SharedDocument) => {
    const known = urls.current.get(doc.id);
    if (known) return known;
    const url = await loadBlobUrl(pathOf(doc), token);
    urls.current.set(doc.id, url);
    return url;
  };

  const act = async (doc: SharedDocument, how: 'view' | 'download') => {
    setError(null);
    try {
      const url = await urlOf(doc);
      if (how === 'view') setViewing({ doc, url });
      else {
        const a = document.createElement('a');
        a.href = url;
        a.download = doc.name;
        a.click();
      }
    } catch (err) {
      setError(t('errors.generic', { message: err instanceof Error ? err.message : String(err) }));
    }
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <Heading id={headingId}>{t('call.documents')}</Heading>
      {documents.length === 0 ? (
        <p className="muted">{t('call.noDocuments')}</p>
      ) : (
        <ul className="doc-list" data-testid="documents">
          {documents.map((doc) => (
            <li key={doc.id}>
              <span className="doc-name">{doc.name}</span>{' '}
              <span className="muted">({format.bytes(doc.size)})</span>
              <span className="doc-actions">
                <button
                  className="ab-button ab-button--secondary"
                  type="button"
                  onClick={() => void act(doc, 'view')}
                  aria-label={`${t('call.view')}: ${doc.name}`}
                >
                  {t('call.view')}
                </button>
                <button
                  className="ab-button ab-button--secondary"
                  type="button"
                  onClick={() => void act(doc, 'download')}
                  aria-label={`${t('call.download')}: ${doc.name}`}
                >
                  {t('call.download')}
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      {viewing && <DocumentViewer doc={viewing.doc} url={viewing.url} onClose={() => setViewing(null)} />}
    </section>
  );
}

function DocumentViewer({ doc, url, onClose }: { doc: SharedDocument; url: string; onClose(): void }) {
  const { t } = useTranslation('console');
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog viewer"
      aria-labelledby="viewer-heading"
      onClose={onClose}
      data-testid="document-viewer"
    >
      <h2 id="viewer-heading">{doc.name}</h2>
      {doc.mimeType === 'application/pdf' ? (
        <iframe src={url} title={doc.name} className="viewer-frame" />
      ) : (
        <img src={url} alt={doc.name} className="viewer-image" />
      )}
      <div className="actions">
        <button type="button" className="ab-button" onClick={onClose}>
          {t('call.closeViewer')}
        </button>
      </div>
    </dialog>
  );
}
