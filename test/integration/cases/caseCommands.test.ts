import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chineseHolidayCalendar } from '../../../state-machines/rules/periods.js';
import { CaseCommands, type CaseChange } from '../../../server/cases/caseCommands.js';
import type { CaseDoc } from '../../../server/cases/caseModel.js';
import { CaseStore } from '../../../server/cases/caseStore.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const filer = { userId: 'u-filer', role: 'party' as const };
const clerk = { userId: 'u-clerk', role: 'clerk' as const, courtId: 'bj-chaoyang' };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('case commands: the one path for every case change', () => {
  let server: TestServer;
  let store: CaseStore;
  let commands: CaseCommands;
  let n = 0;

  beforeAll(async () => {
    server = await startTestServer();
    store = new CaseStore(server.db.connection);
    commands = new CaseCommands({ store, calendar: chineseHolidayCalendar, now: () => new Date() });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  async function newCase(): Promise<CaseDoc> {
    const caseId = `case-commands-${++n}`;
    const at = new Date().toISOString();
    return commands.open({
      caseId,
      courtId: 'bj-chaoyang',
      filerId: filer.userId,
      at,
      event: { type: 'SUBMIT', findings: [], actor: filer, at },
      fields: { courtId: 'bj-chaoyang', filerId: filer.userId, caseType: 'labour', typeCode: '民初', claims: ['c'], facts: 'f', defendants: [], findings: [], documents: [], createdAt: at, updatedAt: at },
      data: {},
    });
  }

  /** Another writer taking the next log entry, straight through the store, as a concurrent request would. */
  async function competingEntry(caseId: string, label: string): Promise<void> {
    const current = (await store.get(caseId))!;
    const { _id: _i, version: _v, ...state } = current;
    await store.commit(current, { type: 'COMPETING', actor: clerk, at: new Date().toISOString(), data: { label }, state });
  }

  it('two concurrent commands on one case both land, one after the other, on a linear chain', async () => {
    const doc = await newCase();
    const [a, b] = await Promise.all([
      commands.note(doc._id, 'NOTE', clerk, { which: 'a' }),
      commands.note(doc._id, 'NOTE', clerk, { which: 'b' }),
    ]);
    expect([a.version, b.version].sort()).toEqual([2, 3]);
    const entries = await store.entries(doc._id);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries.slice(1).map((e) => (JSON.parse(e.payload) as { data: { which: string } }).data.which).sort()).toEqual(['a', 'b']);
    expect(await store.verify(doc._id)).toEqual({ valid: true, entries: 3 });
  });

  it('many concurrent writers on one case all land exactly once', async () => {
    const doc = await newCase();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => commands.note(doc._id, 'NOTE', clerk, { i })));
    expect(results.map((r) => r.version).sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const noted = (await store.entries(doc._id)).slice(1).map((e) => (JSON.parse(e.payload) as { data: { i: number } }).data.i);
    expect(noted.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await store.verify(doc._id)).toEqual({ valid: true, entries: 9 });
  });

  it('a command that lost the race is decided again, once, on the case as the winner left it', async () => {
    const doc = await newCase();
    const seen: number[] = [];
    const updated = await commands.apply(doc, async (current, at) => {
      seen.push(current.version);
      // The first time, another writer lands between this command's read and its commit.
      if (seen.length === 1) await competingEntry(doc._id, 'first');
      return { event: { type: 'REVIEW_REJECT', reasons: ['incomplete'], actor: clerk, at } } satisfies CaseChange;
    });
    expect(seen).toEqual([1, 2]);
    expect(updated).toMatchObject({ version: 3, status: 'rejected' });
    expect((await store.entries(doc._id)).map((e) => e.type)).toEqual(['SUBMIT', 'COMPETING', 'REVIEW_REJECT']);
  });

  it('after a lost race the machine answers on the fresh case: a step no longer possible is refused, not retried blindly', async () => {
    const doc = await newCase();
    const [withdrawn, rejected] = await Promise.allSettled([
      commands.apply(doc, (_d, at) => ({ event: { type: 'WITHDRAW', actor: filer, at } })),
      commands.apply(doc, (_d, at) => ({ event: { type: 'REVIEW_REJECT', reasons: ['late'], actor: clerk, at } })),
    ]);
    const outcomes = [withdrawn, rejected].map((r) => r.status);
    expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);
    const loser = [withdrawn, rejected].find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(loser.reason).toMatchObject({ status: 409 });
    expect((loser.reason as { code: string }).code).not.toBe('CASE_CHANGED');
    expect(await store.verify(doc._id)).toEqual({ valid: true, entries: 2 });
  });

  it('nothing to do writes nothing; a missing case is CASE_NOT_FOUND unless the caller says it may be absent', async () => {
    const doc = await newCase();
    expect(await commands.run(doc._id, () => null)).toBeNull();
    expect((await store.entries(doc._id)).length).toBe(1);
    await expect(commands.note('no-such-case', 'NOTE', clerk, {})).rejects.toMatchObject({ code: 'CASE_NOT_FOUND', status: 404 });
    expect(await commands.run('no-such-case', () => ({ entry: { type: 'NOTE', actor: clerk, data: {} } }), () => null)).toBeNull();
  });

  it('gives up with CASE_CHANGED when other writers keep taking every next entry', async () => {
    const doc = await newCase();
    let attempts = 0;
    await expect(
      commands.apply(doc._id, async () => {
        attempts++;
        await competingEntry(doc._id, `round ${attempts}`);
        return { entry: { type: 'NOTE', actor: clerk, data: {} } };
      }),
    ).rejects.toMatchObject({ code: 'CASE_CHANGED', status: 409 });
    expect(attempts).toBe(10);
    expect(await store.verify(doc._id)).toEqual({ valid: true, entries: 11 });
  });

  it('the retry on a version conflict exists in exactly one place', () => {
    const root = path.resolve(import.meta.dirname, '../../../server');
    const mentions = sourceFiles(root)
      .filter((f) => readFileSync(f, 'utf8').includes("'CASE_CHANGED'"))
      .map((f) => path.relative(root, f))
      .sort();
    // The store raises it; the command path retries on it; nobody else handles it.
    expect(mentions).toEqual(['cases/caseCommands.ts', 'cases/caseStore.ts']);
  });
});
