import { get } from '../../api/http.js';
import type { CaseSummary } from '../../api/types.js';
import { CaseRow } from '../../components/caseBits.js';
import { ErrorBox, Loading, useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';
import { HearingsList } from '../case/HearingsList.js';
import { Link } from '../../router.js';
import { ClaimCase } from './ClaimCase.js';

export function MyCases() {
  const { t } = useI18n();
  const { data, error } = useLoad(() => get<{ cases: CaseSummary[] }>('/api/cases'), []);
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
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && data.cases.length === 0 && <p>{t('myCases.empty')}</p>}
      {data && (
        <ul className="case-list">
          {data.cases.map((c) => (
            <CaseRow key={c.id} c={c} />
          ))}
        </ul>
      )}
    </section>
  );
}
