import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { homeFor, useSession } from './api/session.js';
import { useI18n } from './i18n/i18n.js';
import { Link, match, navigate, usePath } from './router.js';
import { LoginPage } from './pages/LoginPage.js';
import { RegisterPage } from './pages/RegisterPage.js';
import { MyCases } from './pages/party/MyCases.js';
import { FilingWizard } from './pages/party/FilingWizard.js';
import { CaseDetail } from './pages/case/CaseDetail.js';
import { ReviewQueue } from './pages/staff/ReviewQueue.js';
import { Docket } from './pages/staff/Docket.js';
import { CalendarAdmin } from './pages/admin/CalendarAdmin.js';
import { StaffAdmin } from './pages/staff/StaffAdmin.js';
import { CourtAdmin, PlatformCourts } from './pages/admin/CourtAdmin.js';
import { Loading } from './components/common.js';
import { MediationSessions } from './pages/staff/MediationSessions.js';
import { AgreementPage } from './pages/agreement/AgreementPage.js';
import { PlaybackPage } from './pages/playback/PlaybackPage.js';
import { RecordPage } from './pages/record/RecordPage.js';
import { Inbox, InboxItemPage } from './pages/inbox/Inbox.js';
import { LinkPage, VerifyPage } from './pages/service/PublicPages.js';
import { NotificationsPage } from './notifications/NotificationsPage.js';
import { useNotifications } from './notifications/notificationCentre.js';

// The hearing room brings mediasoup-client and socket.io: loaded only when someone enters a hearing.
const HearingPage = lazy(() => import('./hearing/HearingPage.js').then((m) => ({ default: m.HearingPage })));

const LARGE_TEXT_KEY = 'microcourt.largeText';

function useLargeText(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => localStorage.getItem(LARGE_TEXT_KEY) === '1');
  useEffect(() => {
    document.documentElement.classList.toggle('large-text', on);
    localStorage.setItem(LARGE_TEXT_KEY, on ? '1' : '0');
  }, [on]);
  return [on, setOn];
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Header() {
  const { t, lang, setLang } = useI18n();
  const { user, logout, hasRole } = useSession();
  const [large, setLarge] = useLargeText();
  const path = usePath();
  const nav: { href: string; label: string }[] = [];
  if (user) {
    if (hasRole('party')) nav.push({ href: '/cases', label: t('nav.myCases') }, { href: '/cases/new', label: t('nav.file') }, { href: '/inbox', label: t('nav.inbox') });
    if (hasRole('clerk')) nav.push({ href: '/queue', label: t('nav.queue') });
    if (hasRole('mediator')) nav.push({ href: '/mediations', label: t('nav.mediations') });
    if (hasRole('clerk', 'judge', 'mediator', 'admin')) nav.push({ href: '/docket', label: t('nav.docket') });
    if (hasRole('admin')) nav.push({ href: '/admin/calendar', label: t('nav.calendar') });
    if (hasRole('admin') && user.courtId) nav.push({ href: '/admin/staff', label: t('nav.staffAdmin') }, { href: '/admin/court', label: t('nav.courtAdmin') });
    if (hasRole('admin') && !user.courtId) nav.push({ href: '/admin/courts', label: t('nav.courts') });
  }
  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <Link className="brand" href="/">
        <span aria-hidden="true" className="brand-mark">
          ⚖
        </span>
        {t('app.brand')}
      </Link>
      {nav.length > 0 && (
        <nav aria-label={t('nav.label')}>
          <ul>
            {nav.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={path === n.href ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <div className="header-tools">
        <button type="button" className="link-button" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} lang={lang === 'zh' ? 'en' : 'zh-CN'} data-testid="lang-switch">
          {t('app.otherLanguage')}
        </button>
        <button type="button" className="link-button" aria-pressed={large} onClick={() => setLarge(!large)}>
          {t('app.largeText')}
        </button>
        {user && (
          <>
            <Bell current={path === '/notifications'} />
            <span className="user-name" data-testid="user-name">
              {user.name}
            </span>
            <button
              type="button"
              className="link-button"
              onClick={() => {
                logout();
                navigate('/login');
              }}
            >
              {t('nav.logout')}
            </button>
          </>
        )}
      </div>
    </header>
  );
}

/** The way to the notifications, with the unread count, and a polite announcement when one arrives live. */
function Bell({ current }: { current: boolean }) {
  const { t, pick } = useI18n();
  const { unread, latest } = useNotifications();
  return (
    <>
      <Link href="/notifications" className="bell" data-testid="bell" aria-current={current ? 'page' : undefined} aria-label={t('nav.notificationsCount', { n: unread })}>
        {/* Drawn, not an emoji: court PCs often lack a colour emoji font. */}
        <svg className="bell-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>{' '}
        {t('nav.notifications')}
        {unread > 0 && (
          <span className="bell-count" aria-hidden="true" data-testid="unread-count">
            {unread}
          </span>
        )}
      </Link>
      <p className="visually-hidden" aria-live="polite">
        {latest ? t('notifications.arrived', { title: pick(latest.titleZh, latest.titleEn) }) : ''}
      </p>
    </>
  );
}

function Routes(): ReactNode {
  const path = usePath();
  const { user } = useSession();
  if (path === '/login') return user ? <Redirect to={homeFor(user)} /> : <LoginPage />;
  if (path === '/register') return <RegisterPage />;
  // Public: the verification URL printed on documents and the link in service emails/SMS.
  const verifyRoute = match('/verify/:hash', path);
  if (verifyRoute?.hash) return <VerifyPage key={verifyRoute.hash} hash={verifyRoute.hash} />;
  const linkRoute = match('/s/:token', path);
  if (linkRoute?.token) return <LinkPage key={linkRoute.token} token={linkRoute.token} />;
  if (!user) return <Redirect to="/login" />;
  if (path === '/' || path === '') return <Redirect to={homeFor(user)} />;
  if (path === '/cases') return <MyCases />;
  if (path === '/cases/new') return <FilingWizard />;
  if (path === '/queue') return <ReviewQueue />;
  if (path === '/docket') return <Docket />;
  if (path === '/admin/calendar') return <CalendarAdmin />;
  if (path === '/admin/staff') return <StaffAdmin />;
  if (path === '/admin/court') return <CourtAdmin />;
  if (path === '/admin/courts') return <PlatformCourts />;
  if (path === '/mediations') return <MediationSessions />;
  if (path === '/inbox') return <Inbox />;
  if (path === '/notifications') return <NotificationsPage />;
  const inboxRoute = match('/inbox/:id', path);
  if (inboxRoute?.id) return <InboxItemPage key={inboxRoute.id} deliveryId={inboxRoute.id} />;
  const agreementRoute = match('/agreements/:id', path);
  if (agreementRoute?.id) return <AgreementPage key={agreementRoute.id} agreementId={agreementRoute.id} />;
  const caseRoute = match('/cases/:id', path);
  if (caseRoute?.id) return <CaseDetail key={caseRoute.id} caseId={caseRoute.id} />;
  const recordRoute = match('/hearings/:id/record', path);
  if (recordRoute?.id) return <RecordPage key={recordRoute.id} hearingId={recordRoute.id} />;
  const playbackRoute = match('/hearings/:id/playback', path);
  if (playbackRoute?.id) return <PlaybackPage key={playbackRoute.id} hearingId={playbackRoute.id} />;
  const hearingRoute = match('/hearings/:id', path);
  if (hearingRoute?.id) {
    return (
      <Suspense fallback={<Loading />}>
        <HearingPage key={hearingRoute.id} hearingId={hearingRoute.id} />
      </Suspense>
    );
  }
  return <NotFound />;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <section>
      <h1 tabIndex={-1}>{t('notFound.title')}</h1>
      <p>
        <Link href="/">{t('notFound.home')}</Link>
      </p>
    </section>
  );
}

export function App() {
  return (
    <>
      <Header />
      <main id="main" tabIndex={-1}>
        <Routes />
      </main>
    </>
  );
}
