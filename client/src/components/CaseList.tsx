import { useState, type FormEvent, type ReactNode } from 'react';
import { get } from '../api/http.js';
import { CASE_TYPES, type CaseListPage, type CaseSummary } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { ErrorBox, Loading, SelectField, TextField, useLoad } from './common.js';

/** A choice of the status filter: a label key and the statuses it stands for (comma-separated). */
export interface StatusChoice {
  label: string;
  statuses: string;
}

export interface ListFilter {
  q: string;
  status: string;
  caseType: string;
  judge: string;
  from: string;
  to: string;
  sort: string;
  page: number;
}

const PAGE_SIZE = 20;
const SORTS = ['filed', '-filed', 'updated', '-updated', 'caseNumber', '-caseNumber'] as const;

/** The query string of GET /api/cases for a filter (empty fields left out). */
export function listUrl(filter: ListFilter, pageSize = PAGE_SIZE): string {
  const params = new URLSearchParams();
  for (const key of ['q', 'status', 'caseType', 'judge', 'from', 'to', 'sort'] as const) {
    if (filter[key]) params.set(key, filter[key]);
  }
  params.set('page', String(filter.page));
  params.set('pageSize', String(pageSize));
  return `/api/cases?${params.toString()}`;
}

/**
 * A case list people can work from: search by case number or party name, filters, sort and
 * pages with the total. Each page (party's cases, queue, docket, mediator's list) gives its
 * status choices and how a row looks.
 */
export function CaseList({
  label,
  statusChoices,
  defaultSort,
  judges,
  empty,
  renderRow,
  reloadKey = 0,
}: {
  label: string;
  statusChoices: StatusChoice[];
  defaultSort: string;
  /** Staff lists offer a filter by judge. */
  judges?: { id: string; name: string }[];
  empty: string;
  renderRow: (c: CaseSummary, reload: () => void) => ReactNode;
  reloadKey?: number;
}) {
  const { t } = useI18n();
  const first = statusChoices[0]?.statuses ?? '';
  const [filter, setFilter] = useState<ListFilter>({ q: '', status: first, caseType: '', judge: '', from: '', to: '', sort: defaultSort, page: 1 });
  const [draft, setDraft] = useState(filter);
  const url = listUrl(filter);
  const { data, error, reload } = useLoad(() => get<CaseListPage>(url), [url, reloadKey]);
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const set = (patch: Partial<ListFilter>) => setDraft((d) => ({ ...d, ...patch }));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter({ ...draft, page: 1 });
  };
  return (
    <>
      <form className="list-filters" role="search" aria-label={t('list.searchLabel', { list: label })} onSubmit={apply}>
        <TextField label={t('list.search')} hint={t('list.searchHint')} value={draft.q} maxLength={60} onChange={(e) => set({ q: e.target.value })} data-testid="list-search" />
        {statusChoices.length > 1 && (
          <SelectField label={t('list.status')} value={draft.status} onChange={(e) => set({ status: e.target.value })} data-testid="list-status">
            {statusChoices.map((s) => (
              <option key={s.statuses} value={s.statuses}>
                {s.label}
              </option>
            ))}
          </SelectField>
        )}
        <SelectField label={t('field.caseType')} value={draft.caseType} onChange={(e) => set({ caseType: e.target.value })}>
          <option value="">{t('list.any')}</option>
          {CASE_TYPES.map((c) => (
            <option key={c} value={c}>
              {t(`caseType.${c}`)}
            </option>
          ))}
        </SelectField>
        {judges && (
          <SelectField label={t('list.judge')} value={draft.judge} onChange={(e) => set({ judge: e.target.value })}>
            <option value="">{t('list.any')}</option>
            <option value="none">{t('list.noJudge')}</option>
            {judges.map((j) => (
              <option key={j.id} value={j.id}>
                {j.name}
              </option>
            ))}
          </SelectField>
        )}
        <TextField label={t('list.from')} type="date" value={draft.from} onChange={(e) => set({ from: e.target.value })} />
        <TextField label={t('list.to')} type="date" value={draft.to} onChange={(e) => set({ to: e.target.value })} />
        <SelectField label={t('list.sort')} value={draft.sort} onChange={(e) => set({ sort: e.target.value })}>
          {SORTS.map((s) => (
            <option key={s} value={s}>
              {t(`list.sort.${s}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="primary">
          {t('list.apply')}
        </button>
      </form>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <p className="muted" role="status" data-testid="list-total">
          {t('list.total', { total: data.total, page: data.page, pages })}
        </p>
      )}
      {data && data.cases.length === 0 && <p>{empty}</p>}
      {data && (
        <ul className="case-list" aria-label={label}>
          {data.cases.map((c) => renderRow(c, reload))}
        </ul>
      )}
      {data && pages > 1 && (
        <nav className="pager" aria-label={t('list.pages')}>
          <button type="button" disabled={filter.page <= 1} onClick={() => setFilter((f) => ({ ...f, page: f.page - 1 }))}>
            {t('list.previous')}
          </button>
          <span>{t('list.pageOf', { page: data.page, pages })}</span>
          <button type="button" disabled={filter.page >= pages} onClick={() => setFilter((f) => ({ ...f, page: f.page + 1 }))}>
            {t('list.next')}
          </button>
        </nav>
      )}
    </>
  );
}
