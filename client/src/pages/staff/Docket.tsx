import { useState } from 'react';
import { get } from '../../api/http.js';
import type { CaseSummary } from '../../api/types.js';
import { CaseRow } from '../../components/caseBits.js';
import { ErrorBox, Loading, SelectField, useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';

const BEFORE_DOCKET = new Set(['draft', 'underReview', 'correctionRequested', 'rejected']);

/** The court's docketed cases (the judge's working list); filings not yet docketed are the clerk's queue. */
export function Docket() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<'active' | 'all'>('active');
  const { data, error, reload } = useLoad(() => get<{ cases: CaseSummary[] }>('/api/cases'), []);
  const ended = new Set(['closed', 'withdrawn', 'settled', 'decided']);
  const cases = (data?.cases ?? []).filter((c) => !BEFORE_DOCKET.has(c.status) && (filter === 'all' || !ended.has(c.status)));
  return (
    <section>
      <div className="page-head">
        <h1 tabIndex={-1}>{t('docket.title')}</h1>
        <button type="button" onClick={reload}>
          {t('common.refresh')}
        </button>
      </div>
      <SelectField label={t('docket.show')} value={filter} onChange={(e) => setFilter(e.target.value as 'active' | 'all')}>
        <option value="active">{t('docket.active')}</option>
        <option value="all">{t('docket.all')}</option>
      </SelectField>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && cases.length === 0 && <p role="status">{t('docket.empty')}</p>}
      <ul className="case-list">
        {cases.map((c) => (
          <CaseRow key={c.id} c={c} />
        ))}
      </ul>
    </section>
  );
}
