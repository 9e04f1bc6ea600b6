import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { ApiClient, login, registerParty, sampleFiles, seedAndLoginClerk, validIdNumber } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';

type ErrorBody = { error: { code: string } };
interface AuditEntry {
  seq: number;
  type: string;
  at: string;
  actor: { userId: string; name: string };
  subject: { kind: string; id: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
interface Audit {
  verification: { valid: boolean; entries: number; firstInvalid?: { seq: number } };
  entries: AuditEntry[];
}

describe('administration: courts, settings, staff and case officers, every change audited', () => {
  let server: TestServer;
  let clerk: ApiClient;
  let admin: ApiClient;
  let platform: ApiClient;
  let party: ApiClient;
  let caseId: string;
  const staff: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    clerk = await seedAndLoginClerk(server);
    admin = await login(server, '13800000000', DEMO_PASSWORD);
    platform = await login(server, '13800000009', DEMO_PASSWORD);
    party = await registerParty(server, '13900004401', 941, '管理测试原告');
    const filed = await party.postForm<{ id: string }>('/api/cases', { court: 'bj-chaoyang', caseType: 'property', claimAmount: '20000', claims: ['x'], facts: 'y', defendants: [{ name: '被告管理', idNumber: validIdNumber(942) }] }, [
      { field: 'complaint', filename: 'c.pdf', bytes: sampleFiles.pdf('admin') },
      { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
    ]);
    caseId = filed.body.id;
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('a party calling administration gets a stable 403 and changes nothing', async () => {
    const calls: [string, () => Promise<{ status: number; body: ErrorBody }>, string][] = [
      ['staff list', () => party.get<ErrorBody>('/api/admin/staff'), 'NOT_COURT_ADMIN'],
      ['create staff', () => party.post<ErrorBody>('/api/admin/staff', { name: '冒充', idNumber: validIdNumber(943), phone: '13900004403', password: 'a-good-password', roles: ['judge'] }), 'NOT_COURT_ADMIN'],
      ['court settings', () => party.get<ErrorBody>('/api/admin/court'), 'NOT_COURT_ADMIN'],
      ['change settings', () => party.put<ErrorBody>('/api/admin/court', { nameZh: '假法院' }), 'NOT_COURT_ADMIN'],
      ['create court', () => party.post<ErrorBody>('/api/admin/courts', { id: 'fake-court', code: '京0199', nameZh: '假', nameEn: 'Fake' }), 'NOT_PLATFORM_ADMIN'],
      ['assign', () => party.post<ErrorBody>(`/api/cases/${caseId}/assignment`, { judgeId: '0'.repeat(24) }), 'NOT_COURT_ADMIN'],
      ['audit', () => party.get<ErrorBody>('/api/admin/audit'), 'NOT_COURT_ADMIN'],
    ];
    for (const [what, call, code] of calls) {
      const res = await call();
      expect(res.status, what).toBe(403);
      expect(res.body.error.code, what).toBe(code);
    }
    const courts = await new ApiClient(server.url).get<{ courts: { id: string; nameZh: string }[] }>('/api/courts');
    expect(courts.body.courts.find((c) => c.id === 'bj-chaoyang')?.nameZh).toBe('北京市朝阳区人民法院');
    expect(courts.body.courts.some((c) => c.id === 'fake-court')).toBe(false);
    expect((await admin.get<Audit>('/api/admin/audit')).body.entries).toEqual([]);
  });

  it('the court administrator creates a clerk and a judge and deactivates one; a deactivated account cannot log in', async () => {
    for (const [role, seq, phone] of [['clerk', 944, '13900004404'], ['judge', 945, '13900004405']] as const) {
      const res = await admin.post<{ staff: { id: string; roles: string[]; active: boolean } }>('/api/admin/staff', { name: `新${role}`, idNumber: validIdNumber(seq), phone, password: 'first-password-1', roles: [role] });
      expect(res.status).toBe(201);
      staff[role] = res.body.staff.id;
    }
    expect((await login(server, '13900004405', 'first-password-1')).token).toBeTruthy();
    const off = await admin.post<{ staff: { active: boolean } }>(`/api/admin/staff/${staff.clerk}/deactivate`);
    expect(off.body.staff.active).toBe(false);
    const refused = await new ApiClient(server.url).post<ErrorBody>('/api/auth/login', { phone: '13900004404', password: 'first-password-1' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ACCOUNT_DEACTIVATED');
    await admin.post(`/api/admin/staff/${staff.clerk}/reactivate`);
  });

  it('the court administrator manages the settings; payment instructions then name the payee account and the reference', async () => {
    const bad = await admin.put<ErrorBody>('/api/admin/court', { code: 'not a code' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const payee = { accountName: '北京市朝阳区人民法院诉讼费专户', bank: '中国工商银行北京朝阳支行', accountNumber: '0200 0011 2233 4455' };
    const res = await admin.put<{ court: { payee: typeof payee; contact: Record<string, string>; nameEn: string } }>('/api/admin/court', { payee, contact: { phone: '010-12345678', address: '北京市朝阳区' }, nameEn: 'Beijing Chaoyang District People’s Court' });
    expect(res.status).toBe(200);
    expect(res.body.court.payee).toEqual(payee);

    await clerk.post(`/api/cases/${caseId}/review`, { decision: 'accept' });
    const payment = await party.post<{ payment: { providerReference: string; instructionsZh: string; instructionsEn: string; payee: typeof payee; amount: string } }>(`/api/cases/${caseId}/payments`);
    expect(payment.status).toBe(201);
    const p = payment.body.payment;
    expect(p.payee).toEqual(payee);
    for (const text of [p.instructionsZh, p.instructionsEn]) {
      expect(text).toContain(payee.accountNumber);
      expect(text).toContain(p.providerReference);
    }
    expect(p.instructionsEn).toMatch(/Pay the court fee of CNY \d+\.\d{2} \(（\d{4}）京0105民初\d+号\)/);
    expect(p.instructionsZh).toContain(`收款人：${payee.accountName}`);
  });

  it('assigns the judge and the clerk of a case: the header and the lists show them; only active officers of the court', async () => {
    const wrong = await admin.post<ErrorBody>(`/api/cases/${caseId}/assignment`, { judgeId: staff.clerk });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('NOT_AN_OFFICER_OF_COURT');
    const res = await admin.post<{ judge: { id: string; name: string }; clerk: { name: string }; timeline: { type: string }[] }>(`/api/cases/${caseId}/assignment`, { judgeId: staff.judge, clerkId: staff.clerk });
    expect(res.status).toBe(200);
    expect(res.body.judge).toEqual({ id: staff.judge, name: '新judge' });
    expect(res.body.clerk.name).toBe('新clerk');
    expect(res.body.timeline.at(-1)?.type).toBe('OFFICERS_ASSIGNED');
    const docket = await clerk.get<{ cases: { id: string; judge?: { name: string } }[]; total: number }>(`/api/cases?judge=${staff.judge}`);
    expect(docket.body.cases.map((c) => c.id)).toEqual([caseId]);
    expect(docket.body.cases[0]?.judge?.name).toBe('新judge');
    expect((await clerk.get<{ total: number }>('/api/cases?judge=none')).body.total).toBe(0);
  });

  it('a platform administrator creates a court, which the filing form then offers; a court administrator cannot', async () => {
    const byCourtAdmin = await admin.post<ErrorBody>('/api/admin/courts', { id: 'sh-pudong', code: '沪0115', nameZh: '上海市浦东新区人民法院', nameEn: 'Shanghai Pudong New Area People’s Court' });
    expect(byCourtAdmin.body.error.code).toBe('NOT_PLATFORM_ADMIN');
    const created = await platform.post<{ court: { id: string } }>('/api/admin/courts', { id: 'sh-pudong', code: '沪0115', nameZh: '上海市浦东新区人民法院', nameEn: 'Shanghai Pudong New Area People’s Court' });
    expect(created.status).toBe(201);
    const again = await platform.post<ErrorBody>('/api/admin/courts', { id: 'sh-pudong-2', code: '沪0115', nameZh: '重复', nameEn: 'Duplicate' });
    expect(again.body.error.code).toBe('COURT_EXISTS');
    const courts = await party.get<{ courts: { id: string; code: string }[] }>('/api/courts');
    expect(courts.body.courts.map((c) => c.id)).toContain('sh-pudong');
    const platformLog = await platform.get<Audit>('/api/admin/audit');
    expect(platformLog.body.entries.map((e) => e.type)).toEqual(['COURT_CREATED']);
    expect(platformLog.body.verification.valid).toBe(true);
  });

  it('every change is in the court\'s hash-chained log with who, when, before and after; an altered entry is found', async () => {
    const log = await admin.get<Audit>('/api/admin/audit');
    expect(log.body.entries.map((e) => e.type)).toEqual(['STAFF_CREATED', 'STAFF_CREATED', 'STAFF_DEACTIVATED', 'STAFF_REACTIVATED', 'COURT_SETTINGS_CHANGED', 'CASE_OFFICERS_ASSIGNED']);
    expect(log.body.verification).toEqual({ valid: true, entries: 6 });
    const settings = log.body.entries[4];
    expect(settings?.actor.name).toBe('管理员');
    expect(settings?.before?.payee).toBeDefined();
    expect((settings?.after?.payee as { accountNumber: string }).accountNumber).toBe('0200 0011 2233 4455');
    expect(log.body.entries[2]).toMatchObject({ before: { active: true }, after: { active: false }, subject: { kind: 'user', id: staff.clerk } });

    await server.db.connection.collection('admin_log').updateOne({ _id: 'admin:bj-chaoyang:5' as never }, { $set: { payload: (await server.db.connection.collection('admin_log').findOne({ _id: 'admin:bj-chaoyang:5' as never }))?.payload.replace('0200 0011', '9999 0011') } });
    const tampered = await admin.get<Audit>('/api/admin/audit');
    expect(tampered.body.verification).toMatchObject({ valid: false, firstInvalid: { seq: 5 } });
  });
});
