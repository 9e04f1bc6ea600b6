/**
 * Case lists people can work from: the party's cases, the clerk's queue, the judge's docket and
 * the mediator's list are one query with filters (status, type, judge, clerk, filing dates),
 * a search (case number, party name), a sort and a page with its total. Each row carries the
 * parties' names, so two filings of the same type and hour can be told apart.
 */
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { CASE_STATUSES, type CaseStatus } from '../../state-machines/case/caseMachine.js';
import { ONLINE_CASE_TYPES } from '../../state-machines/rules/fees.js';
import { endOfDayShanghai, isIsoDate } from '../../state-machines/rules/periods.js';
import type { AuthUser } from '../auth/tokens.js';
import { userModel } from '../users/userModel.js';
import { listQuery } from './caseAccess.js';
import type { CaseDoc } from './caseModel.js';
import type { CaseStore } from './caseStore.js';

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
  docs: CaseDoc[];
  total: number;
  page: number;
  pageSize: number;
  /** The filers', judges' and clerks' names by account id, for each row. */
  names: Map<string, string>;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Midnight in Beijing at the start of `date`, as the ISO instant cases store. */
function startOfDayShanghai(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString();
}

export class CaseList {
  constructor(private readonly deps: { connection: Connection; store: CaseStore }) {}

  /** The filter as a database query, within what the user may see. */
  async query(user: AuthUser, q: ListQuery): Promise<Record<string, unknown>> {
    const and: Record<string, unknown>[] = [listQuery(user)];
    if (q.status) and.push(q.status.length === 1 ? { status: q.status[0] } : { status: { $in: q.status as CaseStatus[] } });
    if (q.caseType) and.push({ caseType: q.caseType });
    if (q.judge) and.push({ judgeId: q.judge === 'none' ? { $exists: false } : q.judge });
    if (q.clerk) and.push({ clerkId: q.clerk === 'none' ? { $exists: false } : q.clerk });
    const created: Record<string, string> = {};
    if (q.from) created.$gte = startOfDayShanghai(q.from);
    if (q.to) created.$lte = endOfDayShanghai(q.to).toISOString();
    if (q.from || q.to) and.push({ createdAt: created });
    if (q.q) and.push({ $or: await this.search(q.q) });
    return flatten(and);
  }

  /** A case number or a party's name: the defendants are named in the case, the filer is an account. */
  private async search(text: string): Promise<Record<string, unknown>[]> {
    const pattern = escapeRegex(text);
    const filers = await userModel(this.deps.connection)
      .find({ name: { $regex: pattern, $options: 'i' } }, { _id: 1 })
      .limit(200)
      .lean<{ _id: { toHexString(): string } }[]>()
      .exec();
    return [
      { caseNumber: { $regex: pattern } },
      { 'defendants.name': { $regex: pattern, $options: 'i' } },
      ...(filers.length > 0 ? [{ filerId: { $in: filers.map((f) => f._id.toHexString()) } }] : []),
    ];
  }

  async page(user: AuthUser, q: ListQuery): Promise<CasePage> {
    const query = await this.query(user, q);
    const paged = q.page !== undefined || q.pageSize !== undefined;
    const pageSize = paged ? (q.pageSize ?? 20) : UNPAGED_LIMIT;
    const page = q.page ?? 1;
    // Staff work the queue oldest first; parties see their newest case first.
    const sort = q.sort ?? (hasCourtQueue(user) ? 'filed' : '-filed');
    const field = { filed: 'createdAt', updated: 'updatedAt', caseNumber: 'caseNumber' }[sort.replace('-', '') as 'filed' | 'updated' | 'caseNumber'];
    const direction = sort.startsWith('-') ? -1 : 1;
    const [docs, total] = await Promise.all([
      this.deps.store.model
        .find(query)
        .sort({ [field]: direction, _id: direction })
        .skip((page - 1) * pageSize)
        .limit(pageSize)
        .lean<CaseDoc[]>()
        .exec(),
      this.deps.store.model.countDocuments(query).exec(),
    ]);
    return { docs, total, page, pageSize, names: await this.names(docs) };
  }

  /** The names of the filers, judges and clerks of these cases, in one read. */
  async names(docs: Pick<CaseDoc, 'filerId' | 'judgeId' | 'clerkId'>[]): Promise<Map<string, string>> {
    const ids = [...new Set(docs.flatMap((d) => [d.filerId, d.judgeId, d.clerkId]))].filter((id): id is string => id !== undefined && /^[0-9a-f]{24}$/.test(id));
    if (ids.length === 0) return new Map();
    const rows = await userModel(this.deps.connection).find({ _id: { $in: ids } }, { name: 1 }).lean<{ _id: { toHexString(): string }; name: string }[]>().exec();
    return new Map(rows.map((r) => [r._id.toHexString(), r.name]));
  }
}

/**
 * The conditions as one document where their fields do not collide (`{courtId, status}`), the
 * same match as `$and`. Why: FerretDB on PostgreSQL hands only top-level equality conditions to
 * PostgreSQL and skips everything under `$and`, so a wrapped filter made it read and decode every
 * case of every court in Go; flat, PostgreSQL picks the court's cases of that status first.
 */
export function flatten(conditions: Record<string, unknown>[]): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  const rest: Record<string, unknown>[] = [];
  for (const condition of conditions) {
    if (Object.keys(condition).some((key) => key in flat)) rest.push(condition);
    else Object.assign(flat, condition);
  }
  return rest.length === 0 ? flat : { ...flat, $and: rest };
}

function hasCourtQueue(user: AuthUser): boolean {
  return 'courtId' in listQuery(user);
}
