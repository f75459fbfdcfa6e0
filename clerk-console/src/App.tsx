import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  LanguageSwitcher,
  useClerkSocket,
  useSocketEvent,
  useSupervisorSocket,
  type SocketStatus,
} from '@ablak/ui';
import { LoginPage } from './auth/LoginPage';
import { sessionStore, useSession, type Session } from './auth/session';
import { ClerkDesk } from './clerk/ClerkDesk';
import { SupervisorBoard } from './supervisor/SupervisorBoard';
import { useBoard } from './supervisor/useBoard';
import { AuditView } from './records/AuditView';
import { HistoryView } from './records/HistoryView';
import { MyCases } from './records/MyCases';
import { ViewNav, useHashView } from './ViewNav';

const CLERK_VIEWS = ['desk', 'cases'] as const;
const SUPERVISOR_VIEWS = ['board', 'history', 'audit'] as const;

/**
 * The token a namespace socket connects with. It is kept across token refreshes (a refresh must not
 * drop a live call's socket) and replaced only when the server refuses the old one or says it expired.
 */
function useSocketToken(session: Session): [string, () => void] {
  const [token, setToken] = useState(session.token);
  const renew = () => {
    void (async () => {
      if (sessionStore.current?.token === token) await sessionStore.refresh();
      const fresh = sessionStore.current?.token;
      if (fresh && fresh !== token) setToken(fresh);
      else sessionStore.logout(true);
    })();
  };
  return [token, renew];
}

function Shell({
  session,
  status,
  wide,
  nav,
  children,
}: {
  session: Session;
  status: SocketStatus;
  wide: boolean;
  nav?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation('console');
  const online = status === 'connected';
  return (
    <div className={`console${wide ? ' console-wide' : ''}`}>
      <a href="#main" className="ab-skip-link">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <h1>{session.user.role === 'supervisor' ? t('supervisor.heading') : t('clerk.heading')}</h1>
        <p
          className={`conn ${online ? 'online' : 'offline'}`}
          role="status"
          data-testid="connection"
          data-status={status}
        >
          {online ? t('app.connection.online') : t('app.connection.offline')}
        </p>
        <p className="who">
          <span className="ab-visually-hidden">{t('app.signedInAs')} </span>
          {session.user.displayName}
        </p>
        <LanguageSwitcher />
        <button
          className="ab-button ab-button--secondary"
          type="button"
          onClick={() => sessionStore.logout()}
        >
          {t('app.signOut')}
        </button>
      </header>
      {nav}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

function ClerkApp({ session }: { session: Session }) {
  const [token, renew] = useSocketToken(session);
  const { socket, status, error } = useClerkSocket({ token });
  useSocketEvent(socket, 'session:expired', renew);
  useEffect(() => {
    if (status === 'refused' && error?.code === 'UNAUTHORIZED') renew();
    // renew changes every render; only a new refusal should trigger it
  }, [status, error]);
  const [view, setView] = useHashView(CLERK_VIEWS, 'desk');
  const connected = status === 'connected';
  return (
    <Shell
      session={session}
      status={status}
      wide={false}
      nav={<ViewNav views={CLERK_VIEWS} current={view} onChange={setView} />}
    >
      <ClerkDesk
        session={session}
        socket={socket}
        connected={connected}
        cases={view === 'cases' ? <MyCases socket={socket} connected={connected} token={session.token} /> : null}
        onNeedDesk={() => setView('desk')}
      />
    </Shell>
  );
}

function SupervisorApp({ session }: { session: Session }) {
  const [token, renew] = useSocketToken(session);
  const { socket, status, error } = useSupervisorSocket({ token });
  useSocketEvent(socket, 'session:expired', renew);
  useEffect(() => {
    if (status === 'refused' && error?.code === 'UNAUTHORIZED') renew();
    // renew changes every render; only a new refusal should trigger it
  }, [status, error]);
  const [view, setView] = useHashView(SUPERVISOR_VIEWS, 'board');
  const connected = status === 'connected';
  // The live board stays subscribed while history or the audit log is open: going back is instant,
  // and the other views take the queues, offices and clerks from it.
  const board = useBoard(socket, connected);
  return (
    <Shell
      session={session}
      status={status}
      wide
      nav={<ViewNav views={SUPERVISOR_VIEWS} current={view} onChange={setView} />}
    >
      {view === 'board' && <SupervisorBoard board={board} />}
      {view === 'history' && (
        <HistoryView
          socket={socket}
          connected={connected}
          token={session.token}
          queueDefs={board.queueDefs}
          offices={board.offices}
        />
      )}
      {view === 'audit' && <AuditView socket={socket} clerks={board.snapshot?.clerks ?? []} />}
    </Shell>
  );
}

/** Signed out: the login page; signed in: the clerk desk or the supervisor board by role. */
export function App() {
  const session = useSession();
  const { t } = useTranslation('console');
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);
  if (!session) {
    return (
      <div className="console">
        <header className="topbar">
          <p className="brand">{t('app.title')}</p>
          <LanguageSwitcher />
        </header>
        <LoginPage />
      </div>
    );
  }
  return session.user.role === 'supervisor' ? (
    <SupervisorApp key={session.user.id} session={session} />
  ) : (
    <ClerkApp key={session.user.id} session={session} />
  );
}
