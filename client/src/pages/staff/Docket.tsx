import { get } from '../../api/http.js';
import { CASE_STATUSES } from '../../api/types.js';
import { CaseRow } from '../../components/caseBits.js';
import { CaseList } from '../../components/CaseList.js';
import { useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';

const BEFORE_DOCKET = ['draft', 'submitted', 'underReview', 'correctionRequested', 'rejected'];
const ENDED = ['closed', 'withdrawn', 'settled', 'decided', 'rejected'];
/** The statuses of cases still running, and of those that ended, as the list filter sends them. */
export const OPEN_STATUSES = CASE_STATUSES.filter((s) => !ENDED.includes(s) && s !== 'draft' && s !== 'submitted').join(',');
export const ENDED_STATUSES = ENDED.join(',');
const DOCKETED_OPEN = CASE_STATUSES.filter((s) => !BEFORE_DOCKET.includes(s) && !ENDED.includes(s)).join(',');
const DOCKETED_ALL = CASE_STATUSES.filter((s) => !BEFORE_DOCKET.includes(s)).join(',');

/** The court's docketed cases (the judge's working list); filings not yet docketed are the clerk's queue. */
export function Docket() {
  const { t } = useI18n();
  const { data: judges } = useLoad(() => get<{ users: { id: string; name: string }[] }>('/api/users?role=judge'), []);
  return (
    <section>
      <div className="page-head">
        <h1 tabIndex={-1}>{t('docket.title')}</h1>
      </div>
      <CaseList
        label={t('docket.title')}
        statusChoices={[
          { label: t('docket.active'), statuses: DOCKETED_OPEN },
          { label: t('docket.all'), statuses: DOCKETED_ALL },
          ...CASE_STATUSES.filter((s) => !BEFORE_DOCKET.includes(s)).map((s) => ({ label: t(`status.${s}`), statuses: s })),
        ]}
        defaultSort="filed"
        judges={judges?.users ?? []}
        empty={t('docket.empty')}
        renderRow={(c) => <CaseRow key={c.id} c={c} />}
      />
    </section>
  );
}
