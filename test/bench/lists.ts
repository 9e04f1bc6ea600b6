/**
 * `npm run bench -- lists`: GET /api/cases at 100,000 cases. A real server on the database
 * named by MONGODB_URI (a fresh database of its own), the cases written straight into the
 * collection (through the model, so its indexes exist), then a clerk asks for filtered pages
 * over HTTP, one request at a time. Reports p50 / p95 / max per kind of page. Target: p95 under
 * 100 ms for a filtered page.
 */
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { CASE_STATUSES } from '../../state-machines/case/caseMachine.js';
import { ONLINE_CASE_TYPES } from '../../state-machines/rules/fees.js';
import { caseModel, type CaseDoc } from '../../server/cases/caseModel.js';
import { userModel } from '../../server/users/userModel.js';
import { login, seedAndLoginClerk } from '../support/api.js';
import { restartTestServer, startTestServer } from '../support/server.js';
import { percentile, progress, round, type Bench } from './common.js';

const CASES = Number(process.env.BENCH_LIST_CASES ?? 100_000);
const REQUESTS = Number(process.env.BENCH_LIST_REQUESTS ?? 60);
/** How many of the kinds of page below to measure (all by default): a slow database may need fewer. */
const PAGE_KINDS = Number(process.env.BENCH_LIST_PAGES ?? 6);
const COURTS = ['bj-chaoyang', 'bj-haidian', 'bj-dongcheng', 'bj-xicheng'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '华', '平'];
const CAUSES = ['C10', 'C17.01.05', 'C02.03', 'C10.01', 'C16'];
const YEAR_MS = 365 * 86_400_000;

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length] as T;
}

/** A spread-out number for `i` (Knuth's multiplicative hash), so the fields of a case vary independently. */
function mix(i: number, salt: number): number {
  // The high bits: the low bits of a product keep the parity of its factors.
  return (Math.imul(i + salt * 7919, 2654435761) >>> 0) >>> 12;
}

function name(i: number): string {
  return `${pick(SURNAMES, i)}${pick(GIVEN, Math.floor(i / SURNAMES.length))}${i % 7 === 0 ? pick(GIVEN, i >> 3) : ''}`;
}

function caseDoc(i: number, now: number, filers: string[], judges: string[]): CaseDoc {
  const createdAt = new Date(now - Math.floor(((i * 7919) % CASES) / CASES * YEAR_MS)).toISOString();
  const status = pick(CASE_STATUSES.filter((s) => s !== 'submitted' && s !== 'draft'), mix(i, 1));
  const docketed = !['underReview', 'correctionRequested', 'rejected'].includes(status);
  const courtId = pick(COURTS, i);
  const number = docketed ? `（${createdAt.slice(0, 4)}）京0105民初${i + 1}号` : undefined;
  const filerId = pick(filers, mix(i, 2));
  return {
    _id: crypto.randomUUID(),
    version: 3,
    courtId,
    filerId,
    status,
    snapshot: {
      value: status,
      context: { caseId: String(i), courtId, filerId, findings: [], deadlines: docketed ? { feeDueBy: createdAt.slice(0, 10) } : { docketBy: createdAt.slice(0, 10) }, timestamps: {} },
    } as unknown as CaseDoc['snapshot'],
    caseType: pick(ONLINE_CASE_TYPES, mix(i, 3)),
    typeCode: '民初',
    claimAmount: String(1000 + ((i * 37) % 500_000)),
    causeOfAction: pick(CAUSES, mix(i, 4)),
    claims: ['判令被告支付款项'],
    facts: '事实与理由',
    defendants: [{ name: name(i * 17 + 3) }],
    findings: [],
    ...(number ? { caseNumber: number } : {}),
    // Judge k works at court k % 4, as the accounts below say.
    ...(docketed && mix(i, 5) % 3 !== 0 ? { judgeId: pick(judges, (i % COURTS.length) + COURTS.length * (mix(i, 6) % (judges.length / COURTS.length))) } : {}),
    documents: [],
    createdAt,
    updatedAt: createdAt,
  };
}

export const listsBench: Bench = async () => {
  let server = await startTestServer({ SWEEP_INTERVAL_SECONDS: '0' });
  try {
    await seedAndLoginClerk(server);
    await login(server, '13800000002', 'demo-password-1');
    const connection = server.db.connection;
    const cases = caseModel(connection);
    await cases.init();
    // Parties and judges as accounts, so names resolve and a party-name search has filers to find.
    const users = userModel(connection).collection;
    const filers = Array.from({ length: 2000 }, () => new Types.ObjectId());
    const judges = Array.from({ length: 20 }, () => new Types.ObjectId());
    const account = (id: Types.ObjectId, i: number, roles: string[], courtId?: string) => ({
      _id: id,
      name: name(i),
      idNumberEnc: 'x',
      idNumberHash: `bench-id-${id.toHexString()}`,
      phoneEnc: 'x',
      phoneHash: `bench-phone-${id.toHexString()}`,
      passwordHash: 'x',
      roles,
      ...(courtId ? { courtId } : {}),
      createdAt: new Date(),
    });
    await users.insertMany([...filers.map((id, i) => account(id, i, ['party'])), ...judges.map((id, i) => account(id, i + 5000, ['judge'], pick(COURTS, i)))]);
    const now = Date.now();
    const filerIds = filers.map((f) => f.toHexString());
    const judgeIds = judges.map((j) => j.toHexString());
    const insertStarted = Date.now();
    for (let from = 0; from < CASES; from += 1000) {
      const batch = Array.from({ length: Math.min(1000, CASES - from) }, (_, k) => caseDoc(from + k, now, filerIds, judgeIds));
      await cases.collection.insertMany(batch as never[], { ordered: false });
      if ((from / 1000) % 10 === 0) progress(`lists: ${from + batch.length} of ${CASES} cases written`);
    }
    const insertS = (Date.now() - insertStarted) / 1000;
    const total = await cases.estimatedDocumentCount();
    // The cases were written behind the server's back: start it again, as after a deploy, so it
    // loads its list index from them; the first page waits for that load.
    server = await restartTestServer(server);
    const clerk = await login(server, '13800000001', 'demo-password-1');
    const loadStarted = Date.now();
    const first = await clerk.get<{ total: number }>('/api/cases?page=1&pageSize=20');
    if (first.status !== 200) throw new Error(`first page: ${first.status} ${JSON.stringify(first.body)}`);
    const loadS = (Date.now() - loadStarted) / 1000;
    progress(`lists: ${total} cases in ${round(insertS)} s; restarted, list index loaded in ${round(loadS)} s; measuring`);

    const today = new Date(now).toISOString().slice(0, 10);
    const monthAgo = new Date(now - 30 * 86_400_000).toISOString().slice(0, 10);
    const judge = judgeIds.find((_, i) => pick(COURTS, i) === 'bj-chaoyang') ?? '';
    const pages: [string, string][] = [
      ['status (clerk queue), page 1', '/api/cases?status=underReview&page=1&pageSize=20'],
      ['status + type + filing dates', `/api/cases?status=docketed,feeSettled&caseType=property&from=${monthAgo}&to=${today}&page=1&pageSize=20`],
      ['judge (docket), page 1', `/api/cases?judge=${judge}&page=1&pageSize=20`],
      ['status, page 20, newest first', '/api/cases?status=hearingScheduled&sort=-filed&page=20&pageSize=20'],
      ['search by party name', `/api/cases?q=${encodeURIComponent(name(17 * 5 + 3))}&page=1&pageSize=20`],
      ['search by case number (part of one)', `/api/cases?q=${encodeURIComponent('民初424')}&page=1&pageSize=20`],
    ];
    const rows: (string | number)[][] = [];
    const data: Record<string, unknown> = { cases: total, insertS: round(insertS), indexLoadS: round(loadS) };
    for (const [label, url] of pages.slice(0, PAGE_KINDS)) {
      const times: number[] = [];
      let matched = 0;
      let failed: string | undefined;
      for (let i = 0; i < REQUESTS && !failed; i++) {
        const started = process.hrtime.bigint();
        try {
          const res = await clerk.get<{ total: number; cases: unknown[] }>(url);
          if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
          matched = res.body.total;
          times.push(Number(process.hrtime.bigint() - started) / 1e6);
        } catch (err) {
          // A page that does not answer at all (the HTTP client gives up after 300 s) is a result too.
          failed = `no answer after ${round(Number(process.hrtime.bigint() - started) / 1e9)} s (${(err as Error).message})`;
        }
      }
      if (failed) {
        rows.push([label, '-', '-', '-', failed]);
        data[label] = { failed };
        progress(`lists: ${label}: ${failed}`);
        continue;
      }
      const p50 = round(percentile(times, 50));
      const p95 = round(percentile(times, 95));
      const max = round(Math.max(...times));
      rows.push([label, matched, p50 ?? '', p95 ?? '', max ?? '']);
      data[label] = { matched, p50, p95, max };
      progress(`lists: ${label}: p95 ${p95} ms`);
    }
    return {
      name: 'lists',
      data,
      tables: [{ title: `GET /api/cases as a clerk of bj-chaoyang, ${total} cases in 4 courts, ${REQUESTS} sequential requests each (ms)`, columns: ['page', 'matching', 'p50', 'p95', 'max'], rows }],
      notes: [
        `database: ${new URL(process.env.MONGODB_URI ?? 'mongodb://?').host}; ${total} cases written in ${round(insertS)} s; list index loaded after a restart in ${round(loadS)} s; BENCH_LIST_CASES, BENCH_LIST_REQUESTS, BENCH_LIST_PAGES change the size`,
        'target: p95 < 100 ms for a filtered page',
      ],
    };
  } finally {
    await server.destroy();
  }
};
