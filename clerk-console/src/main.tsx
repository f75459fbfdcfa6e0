import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createI18n } from '@ablak/ui';
import '@ablak/ui/styles.css';
import './console.css';
import { App } from './App';
import { en } from './i18n/en';
import { hu } from './i18n/hu';

const i18n = createI18n({ app: { hu, en }, namespace: 'console' });

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App />
    </I18nextProvider>
  </StrictMode>,
);
