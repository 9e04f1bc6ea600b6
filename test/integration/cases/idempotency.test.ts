import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KEY_TTL_MS, MAX_KEYS_PER_USER } from '../../../server/http/idempotency.js';
import { registerParty, sampleFiles, seedAndLoginClerk, type ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/** Issue 14: a client retrying a filing it never saw answered must not create a second case. */
const filing = { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资', defendants: [{ name: '被告乙' }] };

describe('Idempotency-Key on filings and payments', () => {
  let server: TestServer;
  let clerk: ApiClient;
  let party: ApiClient;
  let other: ApiClient;
  let third: ApiClient;
  const keys = () => server.db.connection.collection('idempotencyKeys');
  const userId = async (client: ApiClient) => (await client.get<{ user: { id: string } }>('/api/auth/me')).body.user.id;
  const dayAndAMinuteAgo = () => new Date(Date.now() - KEY_TTL_MS - 60_000);

  const fileWithKey = async (client: ApiClient, key: string, json: unknown = filing) => {
    const form = new FormData();
    form.append('case', JSON.stringify(json));
    form.append('complaint', new Blob([new Uint8Array(sampleFiles.pdf())]), 'c.pdf');
    form.append('idProof', new Blob([new Uint8Array(sampleFiles.png())]), 'id.png');
    const res = await fetch(`${server.url}/api/cases`, { method: 'POST', headers: { authorization: `Bearer ${client.token}`, 'idempotency-key': key }, body: form });
    return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body: (await res.json()) as { id?: string; error?: { code: string } } };
  };
  const count = async (client: ApiClient) => (await client.get<{ cases: unknown[] }>('/api/cases')).body.cases.length;

  beforeAll(async () => {
    server = await startTestServer();
    clerk = await seedAndLoginClerk(server);
    party = await registerParty(server, '13700000061', 61);
    other = await registerParty(server, '13700000062', 62, '王五');
    third = await registerParty(server, '13700000063', 63, '赵六');
    // Left from a day ago by someone else; the first request with a key after the start sweeps it.
    await keys().insertOne({ _id: 'someone|POST /api/cases|old-key-0001' as never, userId: 'someone', requestHash: 'x', state: 'done', status: 201, body: {}, createdAt: dayAndAMinuteAgo() });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('keys expired by the database or, where it has no TTL index, by the sweep are gone', async () => {
    const indexes = await keys().listIndexes().toArray();
    expect(indexes.some((i) => JSON.stringify(i.key) === JSON.stringify({ createdAt: 1 }))).toBe(true);
    expect((await fileWithKey(third, 'sweep-key-0001')).status).toBe(201);
    await vi.waitFor(async () => expect(await keys().countDocuments({ userId: 'someone' })).toBe(0), { timeout: 5000, interval: 100 });
  });

  it('a retried filing returns the first case, never a second one', async () => {
    const first = await fileWithKey(party, 'filing-key-0001');
    expect(first.status).toBe(201);
    const retry = await fileWithKey(party, 'filing-key-0001');
    expect(retry).toMatchObject({ status: 201, replayed: 'true', body: { id: first.body.id } });
    expect(await count(party)).toBe(1);
  });

  it('concurrent retries with one key create exactly one case', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => fileWithKey(party, 'filing-key-0002')));
    const created = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.id));
    expect(created.size).toBe(1);
    for (const a of answers) expect(a.status === 201 || a.body.error?.code === 'IDEMPOTENCY_IN_PROGRESS').toBe(true);
    expect(await count(party)).toBe(2);
  });

  it('the same key with a different request is refused with a stable code; keys are per user; bad keys are refused', async () => {
    const changed = await fileWithKey(party, 'filing-key-0001', { ...filing, facts: '另一事实' });
    expect(changed).toMatchObject({ status: 409, body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } } });
    const someoneElse = await fileWithKey(other, 'filing-key-0001');
    expect(someoneElse.status).toBe(201);
    expect(await count(other)).toBe(1);
    expect((await fileWithKey(party, 'bad key!')).body.error?.code).toBe('INVALID_IDEMPOTENCY_KEY');
    expect(await count(party)).toBe(2);
  });

  it('a retried payment returns the first payment', async () => {
    const filed = await fileWithKey(party, 'filing-key-0003');
    await clerk.post(`/api/cases/${filed.body.id}/review`, { decision: 'accept' });
    const pay = () =>
      fetch(`${server.url}/api/cases/${filed.body.id}/payments`, { method: 'POST', headers: { authorization: `Bearer ${party.token}`, 'content-type': 'application/json', 'idempotency-key': 'payment-key-0001' }, body: '{}' }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as { payment: { _id: string } } }),
      );
    const first = await pay();
    expect(first.status).toBe(201);
    const again = await pay();
    expect(again).toEqual(first);
    const list = await party.get<{ payments: unknown[] }>(`/api/cases/${filed.body.id}/payments`);
    expect(list.body.payments).toHaveLength(1);
  });

  it('a key is kept for a day: then the same key files anew', async () => {
    const first = await fileWithKey(third, 'expiry-key-0001');
    expect(first.status).toBe(201);
    expect(await fileWithKey(third, 'expiry-key-0001')).toMatchObject({ status: 201, replayed: 'true', body: { id: first.body.id } });
    // A day later (the record is dated back: the clock of the database is not ours to move).
    await keys().updateMany({ userId: await userId(third), _id: { $regex: /expiry-key-0001$/ } as never }, { $set: { createdAt: dayAndAMinuteAgo() } });
    const later = await fileWithKey(third, 'expiry-key-0001');
    expect(later).toMatchObject({ status: 201, replayed: null });
    expect(later.body.id).not.toBe(first.body.id);
    expect(await count(third)).toBe(3);
  });

  it('one user holds a bounded number of live keys; replays of existing keys still work', async () => {
    const id = await userId(third);
    const replayable = await fileWithKey(third, 'bounded-key-0001');
    expect(replayable.status).toBe(201);
    const filler = Array.from({ length: MAX_KEYS_PER_USER }, (_, i) => ({ _id: `${id}|POST /api/cases|filler-${i}` as never, userId: id, requestHash: 'x', state: 'done', status: 201, body: {}, createdAt: new Date() }));
    await keys().insertMany(filler);
    expect(await fileWithKey(third, 'bounded-key-0002')).toMatchObject({ status: 429, body: { error: { code: 'IDEMPOTENCY_KEYS_EXHAUSTED' } } });
    expect(await fileWithKey(third, 'bounded-key-0001')).toMatchObject({ status: 201, replayed: 'true', body: { id: replayable.body.id } });
    // Another user is not affected.
    expect((await fileWithKey(other, 'bounded-key-0002')).status).toBe(201);
    await keys().deleteMany({ _id: { $in: filler.map((f) => f._id) } });
    expect((await fileWithKey(third, 'bounded-key-0002')).status).toBe(201);
  });
});
