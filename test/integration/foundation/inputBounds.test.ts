import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, registerParty, sampleFiles, seedAndLoginClerk } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/** Issue 14's smaller findings: values no one can mean, and /healthz telling outsiders too much. */
describe('input bounds and the health check', () => {
  let server: TestServer;
  let clerk: ApiClient;
  let party: ApiClient;

  beforeAll(async () => {
    server = await startTestServer();
    clerk = await seedAndLoginClerk(server);
    party = await registerParty(server, '13700000051', 51);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('refuses a fee quote for a 38-digit amount with a stable code, and still quotes real ones', async () => {
    const anyone = new ApiClient(server.url);
    const huge = await anyone.get<{ error: { code: string } }>(`/api/fees/quote?caseType=property&amount=${'9'.repeat(38)}`);
    expect(huge.status).toBe(400);
    expect(huge.body.error.code).toBe('AMOUNT_OUT_OF_RANGE');
    expect((await anyone.get(`/api/fees/quote?caseType=property&amount=${'9'.repeat(13)}.50`)).status).toBe(200);
  });

  it('refuses a correction deadline of 9999-12-31 but accepts one within 90 days', async () => {
    const filed = await party.postForm<{ id: string }>(
      '/api/cases',
      { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资', defendants: [{ name: '被告乙' }] },
      [
        { field: 'complaint', filename: 'c.pdf', bytes: sampleFiles.pdf() },
        { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
      ],
    );
    const far = await clerk.post<{ error: { code: string } }>(`/api/cases/${filed.body.id}/review`, { decision: 'correct', reasons: ['补充证据'], correctionDeadline: '9999-12-31' });
    expect(far.status).toBe(400);
    expect(far.body.error.code).toBe('CORRECTION_DEADLINE_OUT_OF_RANGE');
    const soon = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const ok = await clerk.post<{ status: string }>(`/api/cases/${filed.body.id}/review`, { decision: 'correct', reasons: ['补充证据'], correctionDeadline: soon });
    expect(ok.body).toMatchObject({ status: 'correctionRequested' });
  });

  it('/healthz shows only the status to the public, details to staff and to the local host', async () => {
    // Through a proxy (or from outside) and not signed in as staff: the status only.
    const outside = { 'x-forwarded-for': '203.0.113.9' };
    const anon = await fetch(`${server.url}/healthz`, { headers: outside });
    expect(await anon.json()).toEqual({ status: 'ok' });
    const asParty = await fetch(`${server.url}/healthz`, { headers: { ...outside, authorization: `Bearer ${party.token}` } });
    expect(await asParty.json()).toEqual({ status: 'ok' });
    const forged = await fetch(`${server.url}/healthz`, { headers: { ...outside, authorization: 'Bearer not-a-token' } });
    expect(await forged.json()).toEqual({ status: 'ok' });
    const asStaff = (await (await fetch(`${server.url}/healthz`, { headers: { ...outside, authorization: `Bearer ${clerk.token}` } })).json()) as { workers: { pid: number }[] };
    expect(asStaff.workers.length).toBeGreaterThan(0);
    const local = (await (await fetch(`${server.url}/healthz`)).json()) as { status: string; database: { state: string } };
    expect(local).toMatchObject({ status: 'ok', database: { state: 'connected' } });
  });
});
