import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LoginError, sessionStore } from './session';

export function LoginPage() {
  const { t } = useTranslation('console');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(sessionStore.expired ? t('app.sessionExpired') : null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await sessionStore.login({ username: username.trim(), password });
    } catch (err) {
      setError(
        err instanceof LoginError && err.kind === 'credentials' ? t('login.failed') : t('login.unavailable'),
      );
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <form className="login-card" onSubmit={(e) => void submit(e)} aria-describedby="login-intro">
        <h1>{t('login.heading')}</h1>
        <p id="login-intro">{t('login.intro')}</p>
        <label htmlFor="login-username">{t('login.username')}</label>
        <input
          id="login-username"
          name="username"
          autoComplete="username"
          required
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor="login-password">{t('login.password')}</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <button type="submit" className="ab-button" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
