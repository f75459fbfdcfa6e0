import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createI18n } from '@ablak/ui';
import '@ablak/ui/styles.css';
import './app.css';
import { App } from './App';
import { en } from './i18n/en';
import { hu } from './i18n/hu';

const langParam = new URLSearchParams(location.search).get('lang');
const i18n = createI18n({
  app: { hu, en },
  language: langParam === 'en' || langParam === 'hu' ? langParam : undefined,
});
document.title = i18n.t('app.title');
i18n.on('languageChanged', () => {
  document.title = i18n.t('app.title');
});

const root = document.getElementById('root');
if (!root) throw new Error('#root missing');
createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App />
    </I18nextProvider>
  </StrictMode>,
);
