import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, get, request } from '../api/http.js';
import type { NotificationSettings, NotificationView } from '../api/types.js';
import { ErrorBox, Loading, SelectField, TextField, useLoad } from '../components/common.js';
import { useI18n } from '../i18n/i18n.js';
import { Link } from '../router.js';
import { useNotifications } from './notificationCentre.js';

function NotificationItem({ n, onRead }: { n: NotificationView; onRead: (id: string) => Promise<void> }) {
  const { t, pick, dateTime } = useI18n();
  // Links inside the app open in place; marking read first keeps the count honest.
  const internal = n.link?.startsWith('/') ?? false;
  return (
    <li className={`card notification${n.read ? '' : ' unread'}`} data-notification-type={n.type} data-read={n.read ? 'yes' : 'no'}>
      <div className="case-row-head">
        <strong>{pick(n.titleZh, n.titleEn)}</strong>
        <time className="muted" dateTime={n.createdAt}>
          {dateTime(n.createdAt)}
        </time>
      </div>
      <p>{pick(n.bodyZh, n.bodyEn)}</p>
      <div className="button-row">
        {n.link &&
          (internal ? (
            <Link
              href={n.link}
              className="button"
              onClick={() => {
                if (!n.read) void onRead(n.id).catch(() => undefined);
              }}
            >
              {t('notifications.open')}
            </Link>
          ) : (
            <a className="button" href={n.link} rel="noopener noreferrer">
              {t('notifications.open')}
            </a>
          ))}
        {!n.read && (
          <button type="button" onClick={() => void onRead(n.id)} aria-label={t('notifications.markReadNamed', { title: pick(n.titleZh, n.titleEn) })}>
            {t('notifications.markRead')}
          </button>
        )}
      </div>
    </li>
  );
}

function Settings() {
  const { t } = useI18n();
  const { data, error } = useLoad(() => get<NotificationSettings>('/api/notifications/settings'), []);
  const [email, setEmail] = useState('');
  const [language, setLanguage] = useState<'zh' | 'en'>('zh');
  const [saveError, setSaveError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!data) return;
    setEmail(data.email ?? '');
    setLanguage(data.language);
  }, [data]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    setSaveError(undefined);
    try {
      await request('/api/notifications/settings', { method: 'PUT', body: { language, ...(email.trim() ? { email: email.trim() } : {}) } });
      setSaved(true);
    } catch (err) {
      setSaveError(err);
    }
  };
  const invalidEmail = saveError instanceof ApiError && saveError.code === 'VALIDATION_FAILED' ? t('notifications.emailInvalid') : undefined;
  return (
    <section className="card" aria-labelledby="settings-title">
      <h2 id="settings-title">{t('notifications.settings')}</h2>
      <ErrorBox error={error} />
      <form onSubmit={save} noValidate>
        <TextField label={t('notifications.email')} hint={t('notifications.emailHint')} type="email" name="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={invalidEmail} />
        <SelectField label={t('notifications.language')} value={language} onChange={(e) => setLanguage(e.target.value as 'zh' | 'en')}>
          <option value="zh">中文</option>
          <option value="en">English</option>
        </SelectField>
        {!invalidEmail && <ErrorBox error={saveError} />}
        {saved && (
          <p className="notice ok" role="status">
            {t('notifications.saved')}
          </p>
        )}
        <button type="submit" className="primary">
          {t('notifications.save')}
        </button>
      </form>
    </section>
  );
}

const PAGE_SIZE = 20;

export function NotificationsPage() {
  const { t } = useI18n();
  const centre = useNotifications();
  // Pages go back in time: each is asked for with the createdAt of the last one on the page before.
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors[cursors.length - 1];
  const url = `/api/notifications?limit=${PAGE_SIZE}${before ? `&before=${encodeURIComponent(before)}` : ''}`;
  const { data, error, reload } = useLoad(() => get<{ notifications: NotificationView[]; unread: number; total: number; more: boolean }>(url), [url, centre.version]);
  const [markError, setMarkError] = useState<unknown>();
  const markRead = async (id: string) => {
    await centre.markRead(id);
    reload();
  };
  const markAll = async () => {
    setMarkError(undefined);
    try {
      await centre.markAllRead();
      reload();
    } catch (err) {
      setMarkError(err);
    }
  };
  const last = data?.notifications[data.notifications.length - 1];
  return (
    <section>
      <div className="page-head">
        <h1 tabIndex={-1}>{t('notifications.title')}</h1>
        {data && (
          <p className="muted" data-testid="notification-counts">
            {t('notifications.unreadCount', { n: data.unread })} · {t('notifications.totalCount', { n: data.total })}
          </p>
        )}
        {data && data.unread > 0 && (
          <button type="button" onClick={() => void markAll()} data-testid="mark-all-read">
            {t('notifications.markAllRead')}
          </button>
        )}
      </div>
      <ErrorBox error={error ?? markError} />
      {!data && !error && <Loading />}
      {data && data.notifications.length === 0 && <p role="status">{t('notifications.empty')}</p>}
      <ul className="case-list" data-testid="notification-list">
        {data?.notifications.map((n) => (
          <NotificationItem key={n.id} n={n} onRead={markRead} />
        ))}
      </ul>
      {data && (cursors.length > 0 || data.more) && (
        <nav className="pager" aria-label={t('list.pages')}>
          <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
            {t('notifications.newer')}
          </button>
          <span>{t('list.pageOf', { page: cursors.length + 1, pages: Math.max(1, Math.ceil(data.total / PAGE_SIZE)) })}</span>
          <button type="button" disabled={!data.more || !last} onClick={() => last && setCursors((c) => [...c, last.createdAt])} data-testid="notifications-older">
            {t('notifications.older')}
          </button>
        </nav>
      )}
      <Settings />
    </section>
  );
}
