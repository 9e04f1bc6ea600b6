import { CaseRow } from '../../components/caseBits.js';
import { CaseList } from '../../components/CaseList.js';
import { useI18n } from '../../i18n/i18n.js';
import { HearingsList } from '../case/HearingsList.js';
import { Link } from '../../router.js';
import { ClaimCase } from './ClaimCase.js';
import { ENDED_STATUSES, OPEN_STATUSES } from '../staff/Docket.js';

export function MyCases() {
  const { t } = useI18n();
  return (
    <section>
      <div className="page-head">
        <h1 tabIndex={-1}>{t('myCases.title')}</h1>
        <Link href="/cases/new" className="button primary">
          {t('nav.file')}
        </Link>
      </div>
      <ClaimCase />
      <HearingsList />
      <CaseList
        label={t('myCases.title')}
        statusChoices={[{ label: t('list.allStatuses'), statuses: '' }, { label: t('list.open'), statuses: OPEN_STATUSES }, { label: t('list.ended'), statuses: ENDED_STATUSES }]}
        defaultSort="-filed"
        empty={t('myCases.empty')}
        renderRow={(c) => <CaseRow key={c.id} c={c} />}
      />
    </section>
  );
}
