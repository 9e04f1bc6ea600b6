/**
 * The list index: one small row per case, held in this process, that every case list is
 * filtered, counted, sorted and paged on (caseList.ts). Why not the database: on the embedded
 * FerretDB (SQLite) every filter but plain equality, every sort and every count decodes each
 * case document, so a page of the clerk's queue took seconds at 10,000 cases and did not answer
 * at 100,000. Held here, a page at 100,000 cases is a scan of small rows in memory.
 *
 * Kept in step:
 *  - loaded from the case documents on first use (server.ts starts it at start-up);
 *  - updated at the single place a case is saved (CaseStore.apply), before the writer's answer,
 *    so a party sees the case it just filed;
 *  - several nodes (REDIS_URL): caseListSync.ts publishes each saved case's id and version to
 *    the other nodes, which read that case again, plus a periodic catch-up by `updatedAt`.
 * A row never goes back in version, whatever order the load, the saves and the messages arrive in.
 * Each row also holds what a case summary shows (caseView.ts SummarySource), and the index the
 * account names rows show and are searched by (refreshed at most a minute old, and read at
 * once for an account it does not know yet): on that database even reading 20 cases by id took
 * about a second.
 */
import type { Connection, Model } from 'mongoose';
import type { CaseStatus } from '../../state-machines/case/caseMachine.js';
import { userModel } from '../users/userModel.js';
import { caseModel, type CaseDoc } from './caseModel.js';
import type { ListScope } from './caseAccess.js';
import type { SummarySource } from './caseView.js';

/** What a list filters, searches, sorts and shows of one case. */
export interface CaseListRow {
  id: string;
  version: number;
  courtId: string;
  filerId: string;
  /** Defendant accounts the court recognised: they may list the case. */
  defendantUserIds: string[];
  /** Defendants' names, lower-cased for a case-insensitive search. */
  defendantNames: string[];
  status: CaseStatus;
  caseType: string;
  judgeId: string | undefined;
  clerkId: string | undefined;
  caseNumber: string | undefined;
  createdAt: string;
  updatedAt: string;
  /** What the list shows of the case. */
  summary: SummarySource;
}

/** A case as the index reads it: the summary's fields, and the defendants' accounts. */
export type RowSource = Omit<SummarySource, 'defendants'> & Pick<CaseDoc, 'version'> & { defendants: Pick<CaseDoc['defendants'][number], 'name' | 'userId'>[] };

/** Only what the summary reads: a case document also carries its documents, findings, log state. */
export function rowOf(doc: RowSource): CaseListRow {
  const context = doc.snapshot.context;
  const summary: SummarySource = {
    _id: doc._id,
    status: doc.status,
    courtId: doc.courtId,
    caseType: doc.caseType,
    filerId: doc.filerId,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    defendants: doc.defendants.map((d) => ({ name: d.name })),
    snapshot: {
      context: {
        deadlines: context.deadlines,
        ...(context.appeals ? { appeals: context.appeals } : {}),
        ...(context.defendantServices ? { defendantServices: context.defendantServices } : {}),
        ...(context.defendantCount !== undefined ? { defendantCount: context.defendantCount } : {}),
      },
    },
    ...(doc.caseNumber ? { caseNumber: doc.caseNumber } : {}),
    ...(doc.causeOfAction ? { causeOfAction: doc.causeOfAction } : {}),
    ...(doc.claimAmount ? { claimAmount: doc.claimAmount } : {}),
    ...(doc.divorcePropertyAmount ? { divorcePropertyAmount: doc.divorcePropertyAmount } : {}),
    ...(doc.personalityDamagesAmount ? { personalityDamagesAmount: doc.personalityDamagesAmount } : {}),
    ...(doc.fee ? { fee: { amount: doc.fee.amount, currency: doc.fee.currency } } : {}),
    ...(doc.judgeId ? { judgeId: doc.judgeId } : {}),
    ...(doc.clerkId ? { clerkId: doc.clerkId } : {}),
  };
  return {
    id: doc._id,
    version: doc.version,
    courtId: doc.courtId,
    filerId: doc.filerId,
    defendantUserIds: doc.defendants.map((d) => d.userId).filter((id): id is string => typeof id === 'string'),
    defendantNames: doc.defendants.map((d) => d.name.toLowerCase()),
    status: doc.status,
    caseType: doc.caseType,
    // The database's `$exists: false` for "no judge": a missing or null field both count as none here.
    judgeId: doc.judgeId ?? undefined,
    clerkId: doc.clerkId ?? undefined,
    caseNumber: doc.caseNumber ?? undefined,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    summary,
  };
}

export type RowFilter = (row: CaseListRow) => boolean;
export type RowSortField = 'createdAt' | 'updatedAt' | 'caseNumber';

/** Account names are refreshed when older than this, in the background: a renamed party is found under the new name within it. */
const NAMES_MAX_AGE_MS = 60_000;
const ACCOUNT_ID = /^[0-9a-f]{24}$/;

export class CaseListIndex {
  private readonly rows = new Map<string, CaseListRow>();
  /** The rows by court and by party account, so a list scans only the cases of its scope. */
  private readonly byCourt = new Map<string, Map<string, CaseListRow>>();
  private readonly byParty = new Map<string, Map<string, CaseListRow>>();
  private readonly names = new Map<string, string>();
  private namesReadAt = 0;
  private refreshing: Promise<void> | undefined;
  private loading: Promise<void> | undefined;
  private readonly cases: Model<CaseDoc>;

  constructor(private readonly connection: Connection) {
    this.cases = caseModel(connection);
  }

  /** Puts the case's row unless the index already holds a newer version of it. */
  put(doc: RowSource): void {
    const current = this.rows.get(doc._id);
    if (current && current.version >= doc.version) return;
    if (current) for (const [groups, key] of this.groupsOf(current)) groups.get(key)?.delete(current.id);
    const row = rowOf(doc);
    this.rows.set(doc._id, row);
    for (const [groups, key] of this.groupsOf(row)) {
      let group = groups.get(key);
      if (!group) groups.set(key, (group = new Map()));
      group.set(row.id, row);
    }
    // A filer who registered since the names were read: searchable by name at once.
    if (this.loading && !this.names.has(doc.filerId)) void this.readNames([doc.filerId]).catch(() => undefined);
  }

  /** Reads a case again (another node saved it) and puts its row. */
  async refresh(caseId: string): Promise<void> {
    const doc = await this.cases.findById(caseId).lean<RowSource>().exec();
    if (doc) this.put(doc);
  }

  /** Puts every case saved since `since` (ISO instant): the catch-up of a node that missed a message. */
  async catchUp(since: string): Promise<number> {
    let n = 0;
    for await (const doc of this.cases.find({ updatedAt: { $gte: since } }).lean<RowSource>().cursor({ batchSize: 1000 })) {
      this.put(doc as RowSource);
      n++;
    }
    return n;
  }

  /** The version held for a case (0 if none): a node told of a newer one reads the case again. */
  versionOf(caseId: string): number {
    return this.rows.get(caseId)?.version ?? 0;
  }

  get size(): number {
    return this.rows.size;
  }

  /**
   * Loads every case's row and every account name once (later calls wait for the same load);
   * a failed load is tried again on the next call. Streams the documents, so memory holds
   * rows, not cases.
   */
  ready(): Promise<void> {
    this.loading ??= (async () => {
      await this.refreshNames();
      for await (const doc of this.cases.find({}).lean<RowSource>().cursor({ batchSize: 1000 })) this.put(doc as RowSource);
    })().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  /** The matching rows of the scope, sorted (then by id, as the database did), and how many match. */
  select(scope: ListScope, filter: RowFilter, sort: RowSortField, direction: 1 | -1, skip: number, limit: number): { rows: CaseListRow[]; total: number } {
    const candidates = 'courtId' in scope ? this.byCourt.get(scope.courtId) : this.byParty.get(scope.partyId);
    const matching: CaseListRow[] = [];
    for (const row of candidates?.values() ?? []) if (filter(row)) matching.push(row);
    matching.sort((a, b) => direction * (compare(a[sort], b[sort]) || compare(a.id, b.id)));
    return { rows: matching.slice(skip, skip + limit), total: matching.length };
  }

  /** The court's group and each party's (the filer, every recognised defendant) a row is listed in. */
  private groupsOf(row: CaseListRow): [Map<string, Map<string, CaseListRow>>, string][] {
    return [[this.byCourt, row.courtId], ...[row.filerId, ...row.defendantUserIds].map((id) => [this.byParty, id] as [Map<string, Map<string, CaseListRow>>, string])];
  }

  /** The accounts whose name contains `text` (case-insensitive). */
  accountsNamed(text: string): Set<string> {
    this.refreshNamesIfOld();
    const lower = text.toLowerCase();
    const ids = new Set<string>();
    for (const [id, name] of this.names) if (name.toLowerCase().includes(lower)) ids.add(id);
    return ids;
  }

  /** The names of these accounts; one not known yet is read from the database. */
  async nameBook(ids: Iterable<string>): Promise<Map<string, string>> {
    this.refreshNamesIfOld();
    const wanted = [...new Set(ids)].filter((id) => ACCOUNT_ID.test(id));
    await this.readNames(wanted.filter((id) => !this.names.has(id)));
    return new Map(wanted.flatMap((id) => (this.names.has(id) ? [[id, this.names.get(id) as string] as const] : [])));
  }

  private async readNames(ids: string[]): Promise<void> {
    const users = userModel(this.connection);
    await Promise.all(
      ids.map(async (id) => {
        const user = await users.findById(id, { name: 1 }).lean<{ name: string }>().exec();
        if (user) this.names.set(id, user.name);
      }),
    );
  }

  private refreshNamesIfOld(): void {
    if (Date.now() - this.namesReadAt > NAMES_MAX_AGE_MS) void this.refreshNames().catch(() => undefined);
  }

  private refreshNames(): Promise<void> {
    this.refreshing ??= (async () => {
      const startedAt = Date.now();
      for await (const user of userModel(this.connection).find({}, { name: 1 }).lean<{ _id: { toHexString(): string }; name: string }>().cursor({ batchSize: 2000 })) {
        const u = user as { _id: { toHexString(): string }; name: string };
        this.names.set(u._id.toHexString(), u.name);
      }
      this.namesReadAt = startedAt;
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }
}

/** The database's order: a missing value before any string, strings by code point. */
function compare(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}
