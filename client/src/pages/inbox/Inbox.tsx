import { get, post } from '../../api/http.js';
import type { InboxItem } from '../../api/types.js';
import { ErrorBox, Loading, useLoad, useAction } from '../../components/common.js';
import { downloadFile } from '../../components/download.js';
import { DocumentPreview } from '../service/DocumentPreview.js';
import { useI18n } from '../../i18n/i18n.js';
import { useNotifications } from '../../notifications/notificationCentre.js';
import { Link } from '../../router.js';

function ReadBadges({ item }: { item: InboxItem }) {
  const { t } = useI18n();
  return (
    <>
      {item.read !== undefined && (
        <span className={`badge${item.read ? '' : ' badge-underReview'}`} data-testid="read-state">
          {item.read ? t('inbox.read') : t('inbox.unread')}
        </span>
      )}{' '}
      {item.acknowledged && <span className="badge badge-settled">{t('inbox.acknowledged')}</span>}
    </>
  );
}

/** Documents the court served on me (电子送达), newest first. */
export function Inbox() {
  const { t, dateTime } = useI18n();
  // A newly served document is announced by a notification: the list follows it.
  const { version } = useNotifications();
  const { data, error } = useLoad(() => get<{ items: InboxItem[] }>('/api/inbox'), [version]);
  return (
    <section>
      <h1 tabIndex={-1}>{t('inbox.title')}</h1>
      <p className="lead">{t('inbox.lead')}</p>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p role="status">{t('inbox.empty')}</p>}
      <ul className="case-list" data-testid="inbox-list">
        {data?.items.map((item) => (
          <li key={item.id} className="card" data-delivery-id={item.id}>
            <div className="case-row-head">
              <Link href={`/inbox/${item.id}`} className="case-link">
                {item.document.title}
              </Link>
              <span>
                <ReadBadges item={item} />
              </span>
            </div>
            <p className="muted">{t('inbox.line', { number: item.caseNumber, at: dateTime(item.servedAt) })}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One served document. Opening it is the read receipt; acknowledging is the recipient's reply that it arrived. */
export function InboxItemPage({ deliveryId }: { deliveryId: string }) {
  const { t, dateTime, pick } = useI18n();
  const { data, error, setData } = useLoad(() => get<{ item: InboxItem }>(`/api/inbox/${deliveryId}`), [deliveryId]);
  const { busy, error: actionError, setError: setActionError, run } = useAction();
  if (error && !data) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const { item } = data;
  const acknowledge = async () => {
    await run(async () => {
      setData(await post<{ item: InboxItem }>(`/api/inbox/${deliveryId}/acknowledge`));
    });
  };
  return (
    <article>
      <header className="page-head">
        <h1 tabIndex={-1}>{item.document.title}</h1>
        <span>
          <ReadBadges item={item} />
        </span>
      </header>
      <dl className="facts-grid">
        <dt>{t('inbox.caseNumber')}</dt>
        <dd>{item.caseNumber}</dd>
        <dt>{t('inbox.servedAt')}</dt>
        <dd>{dateTime(item.servedAt)}</dd>
        <dt>{t('inbox.effect')}</dt>
        <dd data-testid="service-effect">
          {item.effect.effective && item.effect.effectiveAt
            ? t(item.effect.presumed ? 'inbox.effectivePresumed' : 'inbox.effectiveAt', { at: dateTime(item.effect.effectiveAt) })
            : pick(item.effect.reasonZh, item.effect.reason) || t('inbox.notYetEffective')}
        </dd>
        <dt>{t('inbox.fingerprint')}</dt>
        <dd className="hash">{item.document.sha256}</dd>
        {item.hearing && (
          <>
            <dt>{pick('开庭时间', 'Hearing')}</dt>
            <dd data-testid="summons-hearing">
              {dateTime(item.hearing.startsAt)} <Link href={item.hearing.joinUrl}>{pick('进入庭审', 'Join the hearing')}</Link>
            </dd>
          </>
        )}
      </dl>
      <DocumentPreview path={`/api/inbox/${deliveryId}/document`} title={item.document.title} />
      <div className="button-row">
        <button type="button" onClick={() => downloadFile(`/api/inbox/${deliveryId}/document`, item.document.filename).catch(setActionError)}>
          {t('inbox.download', { name: item.document.filename })}
        </button>
        {!item.acknowledged && (
          <button type="button" className="primary" disabled={busy} onClick={() => void acknowledge()}>
            {t('inbox.acknowledge')}
          </button>
        )}
      </div>
      {item.acknowledged && (
        <p className="notice ok" role="status">
          {t('inbox.acknowledgedNotice')}
        </p>
      )}
      <ErrorBox error={actionError} />
      <p>
        <Link href="/inbox">{t('inbox.back')}</Link>
      </p>
    </article>
  );
}
