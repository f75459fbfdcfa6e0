import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketView } from '../flow/useTicket';
import { useScreenFocus } from '../flow/useScreenFocus';

interface Props {
  view: TicketView;
  onStartOver(): void;
}

/** The ticket ended without a call (left, expired, refused): say why and offer a fresh start. */
export function ClosedScreen({ view, onStartOver }: Props) {
  const { t } = useTranslation();
  const heading = useScreenFocus();
  const id = useId();
  const reason =
    view.closedState === 'abandoned'
      ? 'left'
      : view.closedState === 'expired'
        ? 'expired'
        : view.error
          ? 'error'
          : 'ended';
  return (
    <section className="screen" aria-labelledby={`${id}-h`} data-screen="closed">
      <h1 id={`${id}-h`} ref={heading} tabIndex={-1}>
        {t(`closed.${reason}.title`)}
      </h1>
      <p>{t(`closed.${reason}.body`)}</p>
      <div className="actions">
        <button type="button" className="ab-button ab-button--large" onClick={onStartOver}>
          {t('closed.again')}
        </button>
      </div>
    </section>
  );
}
