/**
 * Case lists people can work from: the party's cases, the clerk's queue, the judge's docket and
 * the mediator's list are one query with filters (status, type, judge, clerk, filing dates),
 * a search (case number, party name), a sort and a page with its total. Each row carries the
 * parties' names, so two filings of the same type and hour can be told apart.
 * Filtered, counted, sorted and paged on the list index held in memory (caseListIndex.ts);
 * only the page's cases and names are read from the database.
 */
import { z } from 'zod';
import { CASE_STATUSES } from '../../state-machines/case/caseMachine.js';
import { ONLINE_CASE_TYPES } from '../../state-machines/rules/fees.js';
import { endOfDayShanghai, isIsoDate } from '../../state-machines/rules/periods.js';
import type { AuthUser } from '../auth/tokens.js';
import { inListScope, listScope } from './caseAccess.js';
import type { RowFilter, RowSortField } from './caseListIndex.js';
import type { CaseStore } from './caseStore.js';
import type { SummarySource } from './caseView.js';

const statusList = z
  .string()
  .max(400)
  .transform((v) => [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))])
  .pipe(z.array(z.enum(CASE_STATUSES)).min(1).max(CASE_STATUSES.length));

const date = z.string().refine(isIsoDate, 'must be a date YYYY-MM-DD');

export const LIST_SORTS = ['filed', '-filed', 'updated', '-updated', 'caseNumber', '-caseNumber'] as const;
export const MAX_PAGE_SIZE = 100;
/** Without paging parameters the list answers as it always did: up to 500 cases, no page. */
const UNPAGED_LIMIT = 500;

/** GET /api/cases query: every parameter optional, so the published call without any still works. */
export const listSchema = z
  .object({
    /** One status, or several separated by commas: `status=docketed,feeSettled`. */
    status: statusList.optional(),
    /** A case number (or part of one) or a party's name (or part of one). */
    q: z.string().trim().min(1).max(60).optional(),
    caseType: z.enum(ONLINE_CASE_TYPES).optional(),
    /** The assigned judge's account id, or `none` for cases without a judge. */
    judge: z.string().trim().regex(/^([0-9a-f]{24}|none)$/, 'must be an account id or "none"').optional(),
    clerk: z.string().trim().regex(/^([0-9a-f]{24}|none)$/, 'must be an account id or "none"').optional(),
    /** Filed on or after this day (Beijing). */
    from: date.optional(),
    /** Filed on or before this day (Beijing). */
    to: date.optional(),
    sort: z.enum(LIST_SORTS).optional(),
    page: z.coerce.number().int().min(1).max(100_000).optional(),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  })
  .strict();

export type ListQuery = z.infer<typeof listSchema>;

export interface CasePage {
  /** What each row shows of its case (held in the list index). */
  docs: SummarySource[];
  total: number;
  page: number;
  pageSize: number;
  /** The filers', judges' and clerks' names by account id, for each row. */
  names: Map<string, string>;
}

/** Midnight in Beijing at the start of `date`, as the ISO instant cases store. */
function startOfDayShanghai(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString();
}

const SORT_FIELDS = { filed: 'createdAt', updated: 'updatedAt', caseNumber: 'caseNumber' } as const satisfies Record<string, RowSortField>;

export class CaseList {
  constructor(private readonly deps: { store: CaseStore }) {}

  /** The filter over the list index's rows, within what the user may see (caseAccess.ts). */
  filter(user: AuthUser, q: ListQuery): RowFilter {
    const scope = listScope(user);
    const statuses = q.status ? new Set<string>(q.status) : undefined;
    const from = q.from ? startOfDayShanghai(q.from) : undefined;
    const to = q.to ? endOfDayShanghai(q.to).toISOString() : undefined;
    const search = q.q ? this.search(q.q) : undefined;
    return (row) =>
      inListScope(scope, row) &&
      (!statuses || statuses.has(row.status)) &&
      (!q.caseType || row.caseType === q.caseType) &&
      (!q.judge || row.judgeId === (q.judge === 'none' ? undefined : q.judge)) &&
      (!q.clerk || row.clerkId === (q.clerk === 'none' ? undefined : q.clerk)) &&
      (!from || row.createdAt >= from) &&
      (!to || row.createdAt <= to) &&
      (!search || search(row));
  }

  /**
   * A case number or a party's name: the defendants are named in the case, the filer is an
   * account (names case-insensitive); the number as written.
   */
  private search(text: string): RowFilter {
    const filerIds = this.deps.store.listIndex.accountsNamed(text);
    const lower = text.toLowerCase();
    return (row) => (row.caseNumber?.includes(text) ?? false) || row.defendantNames.some((n) => n.includes(lower)) || filerIds.has(row.filerId);
  }

  async page(user: AuthUser, q: ListQuery): Promise<CasePage> {
    const index = this.deps.store.listIndex;
    await index.ready();
    const filter = this.filter(user, q);
    const paged = q.page !== undefined || q.pageSize !== undefined;
    const pageSize = paged ? (q.pageSize ?? 20) : UNPAGED_LIMIT;
    const page = q.page ?? 1;
    // Staff work the queue oldest first; parties see their newest case first.
    const sort = q.sort ?? ('courtId' in listScope(user) ? 'filed' : '-filed');
    const field = SORT_FIELDS[sort.replace('-', '') as keyof typeof SORT_FIELDS];
    const { rows, total } = index.select(listScope(user), filter, field, sort.startsWith('-') ? -1 : 1, (page - 1) * pageSize, pageSize);
    const docs = rows.map((r) => r.summary);
    return { docs, total, page, pageSize, names: await this.names(docs) };
  }

  /** The names of the filers, judges and clerks of these cases, by account id. */
  names(docs: Pick<SummarySource, 'filerId' | 'judgeId' | 'clerkId'>[]): Promise<Map<string, string>> {
    return this.deps.store.listIndex.nameBook(docs.flatMap((d) => [d.filerId, d.judgeId, d.clerkId]).filter((id): id is string => id !== undefined));
  }
}
