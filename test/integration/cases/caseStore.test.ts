import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEntry, caseLogModel, type LogPayload } from '../../../server/cases/caseLog.js';
import type { CaseState } from '../../../server/cases/caseModel.js';
import { createCaseEvents, type CaseCommitted } from '../../../server/cases/caseEvents.js';
import { CaseStore } from '../../../server/cases/caseStore.js';
import { restartTestServer, startTestServer, type TestServer } from '../../support/server.js';

function state(status: string, extra: Partial<CaseState> = {}): CaseState {
  return {
    courtId: 'bj-chaoyang',
    filerId: 'u1',
    status: status as CaseState['status'],
    snapshot: { schemaVersion: 1, status: status as CaseState['status'], context: {} as CaseState['snapshot']['context'] },
    caseType: 'labour',
    typeCode: '民初',
    claims: ['c'],
    facts: 'f',
    defendants: [],
    findings: [],
    documents: [],
    createdAt: '2026-03-02T01:00:00.000Z',
    updatedAt: '2026-03-02T01:00:00.000Z',
    ...extra,
  };
}

describe('case store: the log is the commit point', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('rolls forward an entry that a crash left unapplied, on read and at start-up', async () => {
    const store = new CaseStore(server.db.connection);
    const actor = { userId: 'u1', role: 'party' };
    const created = await store.create('case-crash', { type: 'SUBMIT', actor, at: '2026-03-02T01:00:00.000Z', data: {}, state: state('underReview') });
    expect(created.version).toBe(1);
    const [first] = await store.entries('case-crash');

    // What a crash between step 1 (log insert) and step 2 (projection) leaves behind:
    const payload: LogPayload = {
      caseId: 'case-crash',
      seq: 2,
      type: 'REVIEW_ACCEPT',
      actor: { userId: 'clerk', role: 'clerk' },
      at: '2026-03-02T02:00:00.000Z',
      data: {},
      state: state('docketed', { caseNumber: '（2026）京0105民初9号' }),
    };
    await caseLogModel(server.db.connection).create(buildEntry(payload, first!.hash));
    const stale = await server.db.connection.collection('cases').findOne({ _id: 'case-crash' as never });
    expect(stale?.status).toBe('underReview');

    // The next start-up applies it before serving.
    server = await restartTestServer(server);
    const after = await server.db.connection.collection('cases').findOne({ _id: 'case-crash' as never });
    expect(after).toMatchObject({ version: 2, status: 'docketed', caseNumber: '（2026）京0105民初9号' });
    const store2 = new CaseStore(server.db.connection);
    expect(await store2.verify('case-crash')).toEqual({ valid: true, entries: 2 });
    expect((await store2.entries('case-crash')).every((e) => e.applied)).toBe(true);
  });

  it('a writer holding an old version gets CASE_CHANGED and the chain stays linear', async () => {
    const store = new CaseStore(server.db.connection);
    const actor = { userId: 'u1', role: 'party' };
    const v1 = await store.create('case-race', { type: 'SUBMIT', actor, at: '2026-03-02T01:00:00.000Z', data: {}, state: state('underReview') });
    await store.commit(v1, { type: 'A', actor, at: '2026-03-02T01:01:00.000Z', data: {}, state: state('docketed') });
    await expect(store.commit(v1, { type: 'B', actor, at: '2026-03-02T01:02:00.000Z', data: {}, state: state('rejected') })).rejects.toMatchObject({
      code: 'CASE_CHANGED',
      status: 409,
    });
    expect((await store.get('case-race'))?.status).toBe('docketed');
    expect(await store.verify('case-race')).toEqual({ valid: true, entries: 2 });
  });

  it('publishes every applied entry on its event bus, an entry rolled forward after a crash too, and never a refused one', async () => {
    const events = createCaseEvents();
    const seen: CaseCommitted[] = [];
    events.subscribe((e) => void seen.push(e));
    const store = new CaseStore(server.db.connection, events);
    const actor = { userId: 'u1', role: 'party' };
    const v1 = await store.create('case-events', { type: 'SUBMIT', actor, at: '2026-03-02T01:00:00.000Z', data: { n: 1 }, state: state('underReview') });
    await store.commit(v1, { type: 'A', actor, at: '2026-03-02T01:01:00.000Z', data: {}, state: state('underReview') });
    await expect(store.commit(v1, { type: 'STALE', actor, at: '2026-03-02T01:02:00.000Z', data: {}, state: state('rejected') })).rejects.toMatchObject({ code: 'CASE_CHANGED' });
    const second = (await store.entries('case-events'))[1];
    const payload: LogPayload = { caseId: 'case-events', seq: 3, type: 'REVIEW_ACCEPT', actor: { userId: 'clerk', role: 'clerk' }, at: '2026-03-02T02:00:00.000Z', data: {}, state: state('docketed') };
    await caseLogModel(server.db.connection).create(buildEntry(payload, second!.hash));
    expect(seen).toHaveLength(2);
    // The next read rolls the crash's entry forward, and that is published like any other.
    await store.get('case-events');
    expect(seen.map(({ doc, entry }) => [entry.seq, entry.type, doc.version, doc.status])).toEqual([
      [1, 'SUBMIT', 1, 'underReview'],
      [2, 'A', 2, 'underReview'],
      [3, 'REVIEW_ACCEPT', 3, 'docketed'],
    ]);
    expect(seen[0]!.entry).toMatchObject({ actor, at: '2026-03-02T01:00:00.000Z', data: { n: 1 } });
  });
});
