import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NetworkPath } from '@ablak/sfu/client';
import { useNetworkCheck } from '../media/useNetworkCheck';

const PATHS: readonly NetworkPath[] = ['udp', 'tcp', 'turn'];

/**
 * The device check's connection part: one line per route to the video server as it is tried, then one
 * plain sentence on what it means, announced to screen readers. It never blocks joining the queue.
 */
export function NetworkCheckPanel({ attempt }: { attempt: number }) {
  const { t } = useTranslation();
  const id = useId();
  const [again, setAgain] = useState(0);
  const check = useNetworkCheck(attempt + again);
  const { verdict } = check;
  // works but slower = plain notice; blocked or unreachable = warning (still not a dead end)
  const notice =
    verdict === null || verdict === 'ok'
      ? 'ab-notice ab-notice--success'
      : verdict === 'tcp-only' || verdict === 'relay-only'
        ? 'ab-notice'
        : 'ab-notice ab-notice--warning';

  return (
    <section aria-labelledby={`${id}-h`} className="network-check">
      <h2 id={`${id}-h`} className="h-small">
        {t('devices.check.title')}
      </h2>
      <ul className="checks" data-testid="network-checks">
        <li data-check="server" data-result={check.server}>
          <span className={`dot dot--${check.server}`} aria-hidden="true" /> {t('devices.check.server')}:{' '}
          {t(`devices.check.${check.server}`)}
        </li>
        {PATHS.map((path) => (
          <li key={path} data-check={path} data-result={check.paths[path]}>
            <span className={`dot dot--${check.paths[path]}`} aria-hidden="true" /> {t(`devices.check.${path}`)}:{' '}
            {t(`devices.check.path.${check.paths[path]}`)}
          </li>
        ))}
      </ul>
      <div role="status" data-testid="network-verdict" data-verdict={verdict ?? 'pending'}>
        {verdict === null ? (
          <p className="ab-hint">{t('devices.check.checking')}</p>
        ) : (
          <div className={notice}>
            <p className="network-check__title">{t(`devices.check.verdict.${verdict}.title`)}</p>
            <p>{t(`devices.check.verdict.${verdict}.body`)}</p>
          </div>
        )}
      </div>
      {verdict !== null && verdict !== 'ok' && (
        <button type="button" className="ab-button ab-button--secondary" onClick={() => setAgain((n) => n + 1)}>
          {t('devices.check.again')}
        </button>
      )}
    </section>
  );
}
