import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerParty, sampleFiles, seedAndLoginClerk, type ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/** Issue 14: a client retrying a filing it never saw answered must not create a second case. */
const filing = { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资', defendants: [{ name: '被告乙' }] };

describe('Idempotency-Key on filings and payments', () => {
  let server: TestServer;
  let clerk: ApiClient;
  let party: ApiClient;
  let other: ApiClient;

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
  });
  afterAll(async () => {
    await server?.destroy();
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
});
