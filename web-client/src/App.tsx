import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from '@ablak/ui';
import { clearTicket, loadTicket, saveTicket, type StoredTicket } from './flow/ticketStorage';
import { emptyDraft, type Draft, type Step } from './flow/types';
import { StartScreen } from './screens/StartScreen';
import { MatterScreen } from './screens/MatterScreen';
import { DetailsScreen } from './screens/DetailsScreen';
import { DeviceCheckScreen } from './screens/DeviceCheckScreen';
import { TicketSession } from './screens/TicketSession';

function appointmentFromUrl(): string | undefined {
  const code = new URLSearchParams(location.search).get('appointment')?.trim();
  return code && code.length >= 4 && code.length <= 32 ? code : undefined;
}

/** The citizen's way through: start → matter → name and needs → devices → ticket (wait, call, after). */
export function App() {
  const { t } = useTranslation();
  const [stored, setStored] = useState<StoredTicket | null>(() => loadTicket());
  const [step, setStep] = useState<Step>(() => (stored ? 'ticket' : 'start'));
  const [draft, setDraft] = useState<Draft>(() => {
    const code = appointmentFromUrl();
    return code ? { ...emptyDraft, appointmentCode: code } : emptyDraft;
  });

  const update = useCallback((patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch })), []);
  const startOver = useCallback(() => {
    clearTicket();
    setStored(null);
    setDraft(emptyDraft);
    setStep('start');
  }, []);

  let screen;
  switch (step) {
    case 'start':
      screen = (
        <StartScreen
          draft={draft}
          onUpdate={update}
          onNext={() => setStep('matter')}
          onAppointment={(appointmentCode, matter) => {
            update({ appointmentCode, matter });
            setStep('details');
          }}
        />
      );
      break;
    case 'matter':
      screen = (
        <MatterScreen
          appointmentCode={draft.appointmentCode}
          selected={draft.matter}
          onBack={() => setStep('start')}
          onChoose={(matter) => {
            update({ matter });
            setStep('details');
          }}
        />
      );
      break;
    case 'details':
      screen = (
        <DetailsScreen
          draft={draft}
          onUpdate={update}
          onBack={() => setStep('matter')}
          onNext={() => setStep('devices')}
        />
      );
      break;
    case 'devices':
      screen = (
        <DeviceCheckScreen
          draft={draft}
          onUpdate={update}
          onBack={() => setStep('details')}
          onTicket={(ticket, finalDraft) => {
            const value = { ticket, draft: finalDraft };
            saveTicket(value);
            setStored(value);
            setStep('ticket');
          }}
        />
      );
      break;
    case 'ticket':
      screen = stored ? <TicketSession stored={stored} onStartOver={startOver} /> : null;
      break;
  }

  return (
    <div className="app">
      <a className="ab-skip-link ab-button" href="#main">
        {t('app.skip')}
      </a>
      <header className="app-header">
        <p className="app-brand">
          <span className="app-brand__mark" aria-hidden="true" />
          <span>{t('app.brand')}</span>
        </p>
        <LanguageSwitcher />
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {screen}
      </main>
      <footer className="app-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </div>
  );
}
