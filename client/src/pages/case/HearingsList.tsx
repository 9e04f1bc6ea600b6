import { get } from '../../api/http.js';
import { useSession } from '../../api/session.js';
import type { Hearing } from '../../api/types.js';
import { ErrorBox, useLoad } from '../../components/common.js';
import { hasKey, useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';

/**
 * Hearings and mediation sessions with a join button for those I take part in:
 * a case's (`caseId`), or, without one, every open session I am summoned to.
 */
export function HearingsList({ caseId, version = 0 }: { caseId?: string; version?: number }) {
  const { t, dateTime } = useI18n();
  const { user } = useSession();
  const url = caseId ? `/api/cases/${caseId}/hearings` : '/api/hearings';
  const { data, error } = useLoad(() => get<{ hearings: Hearing[] }>(url), [url, version]);
  if (!data || data.hearings.length === 0) return error ? <ErrorBox error={error} /> : null;
  const titleId = caseId ? 'hearings-title' : 'my-hearings-title';
  return (
    <section aria-labelledby={titleId} data-testid={caseId ? 'hearings' : 'my-hearings'}>
      <h2 id={titleId}>{t(caseId ? 'hearings.title' : 'hearings.mine')}</h2>
      <ul className="hearing-list">
        {data.hearings.map((h) => {
          const me = h.participants.find((p) => p.userId === user?.id);
          const stateKey = `sessionState.${h.state}`;
          return (
            <li key={h.id} className="card">
              <p>
                <strong>{t(`hearingKind.${h.kind}`)}</strong> · <time dateTime={h.startsAt}>{dateTime(h.startsAt)}</time> ·{' '}
                <span className="badge">{hasKey(stateKey) ? t(stateKey) : h.state}</span>
              </p>
              <p className="muted">{t('hearings.who', { names: h.participants.map((p) => p.name).join(t('common.listSeparator')) })}</p>
              {me && h.state !== 'closed' && (
                <Link href={`/hearings/${h.id}`} className="button primary" data-testid="join-hearing">
                  {h.kind === 'mediation'
                    ? me.role === 'mediator'
                      ? t('mediations.open')
                      : t('hearings.joinMediation')
                    : me.role === 'judge'
                      ? t('hearings.openBench')
                      : t('hearings.join')}
                </Link>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
