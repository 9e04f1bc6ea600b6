import { get } from '../../api/http.js';
import { useSession } from '../../api/session.js';
import type { CaseSummary, Hearing } from '../../api/types.js';
import { CaseRow } from '../../components/caseBits.js';
import { ErrorBox, Loading, useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';
import { roomWords } from '../../hearing/roomWords.js';
import { Link } from '../../router.js';
import { OPEN_FOR_MEDIATION } from '../case/MediationPanel.js';

const IN_MEDIATION = new Set(['mediationOffered', 'inMediation']);

interface Session extends Hearing {
  caseNumber?: string;
}

/**
 * The court has no "my sessions" endpoint, so the page asks each open case of
 * the court for its hearings and keeps the mediations this user takes part in.
 * A court's open docket is tens of cases; should it grow, a server-side list
 * by participant would replace this.
 */
async function loadSessions(userId: string): Promise<{ cases: CaseSummary[]; sessions: Session[] }> {
  // Only the cases open for mediation: the page asks for them by status, not the whole court.
  const { cases } = await get<{ cases: CaseSummary[] }>(`/api/cases?status=${[...OPEN_FOR_MEDIATION].join(',')}`);
  const open = cases.filter((c) => OPEN_FOR_MEDIATION.has(c.status));
  const perCase = await Promise.all(
    open.map((c) =>
      get<{ hearings: Hearing[] }>(`/api/cases/${c.id}/hearings`).then(
        ({ hearings }) => hearings.map((h) => ({ ...h, ...(c.caseNumber ? { caseNumber: c.caseNumber } : {}) })),
        () => [] as Session[],
      ),
    ),
  );
  const sessions = perCase
    .flat()
    .filter((h) => h.kind === 'mediation' && h.state !== 'closed' && h.participants.some((p) => p.userId === userId))
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  return { cases: open.filter((c) => IN_MEDIATION.has(c.status)), sessions };
}

export function MediationSessions() {
  const { t, dateTime } = useI18n();
  const { user } = useSession();
  const { data, error, reload } = useLoad(() => loadSessions(user?.id ?? ''), [user?.id]);
  return (
    <section>
      <div className="page-head">
        <h1 tabIndex={-1}>{t('mediations.title')}</h1>
        <button type="button" onClick={reload}>
          {t('common.refresh')}
        </button>
      </div>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <h2>{t('mediations.sessions')}</h2>
          {data.sessions.length === 0 && <p role="status">{t('mediations.noSessions')}</p>}
          <ul className="hearing-list" data-testid="mediation-sessions">
            {data.sessions.map((h) => {
              const stateKey = `sessionState.${h.state}`;
              return (
                <li key={h.id} className="card">
                  <p>
                    <Link href={`/cases/${h.caseId}`} className="case-link">
                      {h.caseNumber ?? t('case.noNumberYet')}
                    </Link>{' '}
                    · <time dateTime={h.startsAt}>{dateTime(h.startsAt)}</time> · <span className="badge">{roomWords(t, true)(stateKey)}</span>
                  </p>
                  <p className="muted">{t('hearings.who', { names: h.participants.map((p) => p.name).join(t('common.listSeparator')) })}</p>
                  <Link href={`/hearings/${h.id}`} className="button primary">
                    {t('mediations.open')}
                  </Link>
                </li>
              );
            })}
          </ul>
          <h2>{t('mediations.cases')}</h2>
          {data.cases.length === 0 && <p>{t('mediations.noCases')}</p>}
          <ul className="case-list">
            {data.cases.map((c) => (
              <CaseRow key={c.id} c={c} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
