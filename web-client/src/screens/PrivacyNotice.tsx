import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PrivacyNotice as PrivacyNoticeSchema, RetentionKind, recordRoutes } from '@ablak/protocol';
import type { PrivacyNotice as Notice } from '@ablak/protocol';
import { apiFetch, useFormat } from '@ablak/ui';
import { z } from 'zod';
import { config } from '../config';

const Answer = z.object({ notice: PrivacyNoticeSchema });

/**
 * What is recorded about the call, for how long, and that it may be monitored: read before joining
 * the queue. The keeping periods are the server's own configuration (`GET /api/privacy`), so the
 * notice can never promise other numbers than the retention job keeps.
 */
export function PrivacyNotice() {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    apiFetch(recordRoutes.privacy, { schema: Answer, baseUrl: config.signalingUrl, signal: abort.signal })
      .then((answer) => setNotice(answer.notice))
      .catch((error: unknown) => {
        if (!abort.signal.aborted) {
          console.warn('privacy notice failed', error);
          setFailed(true);
        }
      });
    return () => abort.abort();
  }, []);

  return (
    <section className="card privacy" aria-labelledby={`${id}-h`} data-testid="privacy-notice">
      <h2 id={`${id}-h`} className="h-small">
        {t('privacy.title')}
      </h2>
      <p>{t('privacy.recorded')}</p>
      <p>{t('privacy.notRecorded')}</p>
      {notice?.monitoring !== false && <p>{t('privacy.monitoring')}</p>}
      <p>{t('privacy.audit')}</p>
      <h3 className="privacy__sub">{t('privacy.keptTitle')}</h3>
      {notice ? (
        <dl className="privacy__periods" data-testid="privacy-periods">
          {RetentionKind.options.map((kind) => (
            <div key={kind} data-kind={kind}>
              <dt>{t(`privacy.kind.${kind}`)}</dt>
              <dd>{format.days(notice.retentionDays[kind])}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="ab-hint" role={failed ? 'status' : undefined}>
          {failed ? t('privacy.periodsUnavailable') : t('privacy.loading')}
        </p>
      )}
      <p className="ab-hint">{t('privacy.after')}</p>
    </section>
  );
}
