import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersonalDataCipher } from '../../../server/privacy/personalData.js';
import { createStaffUser } from '../../../server/users/userService.js';
import { login, registerParty, validIdNumber, type ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { feeSettledCase, type ServiceCase } from '../service/fixture.js';

interface Found {
  id: string;
  name: string;
  roles: string[];
  side?: string;
}

describe('GET /api/users: staff find the people they invite, and nobody else', () => {
  let server: TestServer;
  let c: ServiceCase;
  let outsider: ApiClient;
  let otherCourtClerk: string;

  beforeAll(async () => {
    server = await startTestServer();
    // The defendant registered with the ID number the complaint names, so the case knows them.
    c = await feeSettledCase(server, 31);
    outsider = await registerParty(server, '13790000031', 531, '路人丙');
    const deps = { connection: server.db.connection, cipher: createPersonalDataCipher(server.config.dataEncryptionKey) };
    const other = await createStaffUser(deps, { name: '外院书记员', idNumber: validIdNumber(631), phone: '13790000631', password: 'a-good-password', roles: ['clerk'], courtId: 'sh-pudong' });
    otherCourtClerk = other._id.toString();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  const search = (client: ApiClient, query: string) => client.get<{ users: Found[] }>(`/api/users?${query}`);

  it('finds the staff of my own court by part of a name, and a role narrows it', async () => {
    const res = await search(c.clerk, `q=${encodeURIComponent('调解')}`);
    expect(res.status).toBe(200);
    expect(res.body.users).toEqual([expect.objectContaining({ name: '调解员', roles: ['mediator'] })]);

    const judges = await search(c.clerk, 'role=judge');
    expect(judges.body.users.map((u) => u.name)).toEqual(['审判员']);
    // Staff of another court are not mine to invite.
    const all = await search(c.clerk, '');
    expect(all.body.users.map((u) => u.id)).not.toContain(otherCourtClerk);
    expect(all.body.users.length).toBeGreaterThanOrEqual(4);
  });

  it("with a case, offers that case's parties with their side; without it, no party is findable", async () => {
    const withCase = await search(c.clerk, `caseId=${c.caseId}&role=party`);
    expect(withCase.status).toBe(200);
    expect(withCase.body.users).toEqual([
      { id: c.ids.plaintiff, name: '原告甲', roles: ['party'], side: 'plaintiff' },
      { id: c.ids.defendant, name: '被告乙', roles: ['party'], side: 'defendant' },
    ]);
    // By name among them.
    const byName = await search(c.clerk, `caseId=${c.caseId}&q=${encodeURIComponent('被告')}`);
    expect(byName.body.users.map((u) => u.id)).toEqual([c.ids.defendant]);
    // By mobile number, exactly.
    const byPhone = await search(c.clerk, `caseId=${c.caseId}&q=13700000031`);
    expect(byPhone.body.users.map((u) => u.id)).toEqual([c.ids.plaintiff]);

    // Registered citizens outside the case stay invisible, by name or by number.
    expect((await search(c.clerk, `q=${encodeURIComponent('路人')}`)).body.users).toEqual([]);
    expect((await search(c.clerk, `caseId=${c.caseId}&q=13790000031`)).body.users).toEqual([]);
    expect((await search(c.clerk, 'role=party')).body.users).toEqual([]);
  });

  it('refuses parties, bad input and cases of other courts with stable codes', async () => {
    const party = await search(outsider, 'q=a');
    expect(party.status).toBe(403);
    expect(party.body).toMatchObject({ error: { code: 'NOT_COURT_STAFF' } });

    const badRole = await search(c.clerk, 'role=emperor');
    expect(badRole.status).toBe(400);
    expect(badRole.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const unknownParam = await search(c.clerk, 'name=x');
    expect(unknownParam.status).toBe(400);
    const tooLong = await search(c.clerk, `q=${'x'.repeat(51)}`);
    expect(tooLong.status).toBe(400);

    const missing = await search(c.clerk, 'caseId=no-such-case');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'CASE_NOT_FOUND' } });
    // Staff of another court learn nothing of this case's parties, not even that it exists.
    const elsewhere = await login(server, '13790000631', 'a-good-password');
    const foreign = await search(elsewhere, `caseId=${c.caseId}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ error: { code: 'CASE_NOT_FOUND' } });
    // ...and find only their own court's staff.
    expect((await search(elsewhere, '')).body.users.map((u) => u.id)).toEqual([otherCourtClerk]);

    const anonymous = await fetch(`${server.url}/api/users?q=a`);
    expect(anonymous.status).toBe(401);

    // Described for API clients like every route.
    const doc = await c.clerk.get<{ paths: Record<string, Record<string, unknown>> }>('/api/openapi.json');
    expect(JSON.stringify(doc.body.paths['/api/users']?.get)).toContain('caseId');
  });
});
