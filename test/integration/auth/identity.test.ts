import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { idCheckCharacter } from '../../../state-machines/rules/idNumber.js';
import { ApiClient, login, registerParty, requestSmsCode, sampleFiles, seedAndLoginClerk } from '../../support/api.js';
import { extractText } from '../../support/pdfText.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/** The defendant (深圳福田, born 1975-05-05), with a valid check character. */
const WU_ID = `44030519750505555${idCheckCharacter('44030519750505555')}`;
const CODE = /[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}/;

interface Err {
  error: { code: string; details?: { review?: string } };
}

describe('identity is proven, not claimed (issue 14)', () => {
  let server: TestServer;
  let clerk: ApiClient;
  let filer: ApiClient;
  let attacker: ApiClient;
  let caseId: string;
  let complaintId: string;

  beforeAll(async () => {
    server = await startTestServer();
    clerk = await seedAndLoginClerk(server);
    filer = await registerParty(server, '13660000001', 601, '甲某');
    const filed = await filer.postForm<{ id: string }>(
      '/api/cases',
      { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资', defendants: [{ name: '戊某', idNumber: WU_ID }] },
      [
        { field: 'complaint', filename: 'complaint.pdf', bytes: sampleFiles.pdf('complaint') },
        { field: 'evidence', filename: 'evidence.pdf', bytes: sampleFiles.pdf('evidence') },
        { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
      ],
    );
    expect(filed.status).toBe(201);
    caseId = filed.body.id;
    const view = await filer.get<{ documents: { id: string; kind: string }[] }>(`/api/cases/${caseId}`);
    complaintId = view.body.documents.find((d) => d.kind === 'complaint')?.id ?? '';
    // The attacker registers the defendant's ID number under another name and their own phone.
    attacker = await registerParty(server, '13660000002', WU_ID, '冒名者');
  });
  afterAll(async () => {
    await server?.destroy();
  });

  async function seesNothing(client: ApiClient) {
    expect((await client.get<{ cases: unknown[] }>('/api/cases')).body.cases).toEqual([]);
    expect((await client.get(`/api/cases/${caseId}`)).status).toBe(404);
    for (const d of (await filer.get<{ documents: { id: string }[] }>(`/api/cases/${caseId}`)).body.documents) {
      expect([403, 404]).toContain((await client.raw(`/api/cases/${caseId}/documents/${d.id}`)).status);
    }
  }

  it('an account carrying the defendant\'s ID number sees nothing, before or after docketing', async () => {
    await seesNothing(attacker);
    expect((await clerk.post(`/api/cases/${caseId}/review`, { decision: 'accept' })).status).toBe(200);
    await seesNothing(attacker);
  });

  it('the real person is not dead-ended: a clerk reviews, re-binds the number and the audit keeps it', async () => {
    const phone = '13660000003';
    const smsCode = await requestSmsCode(server, phone);
    const anon = new ApiClient(server.url);
    const taken = await anon.post<Err>('/api/auth/register', { name: '戊某', idNumber: WU_ID, phone, password: 'a-good-password', smsCode });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('ID_NUMBER_TAKEN');
    expect(taken.body.error.details?.review).toBe('/api/identity-reviews');

    const asked = await anon.post<{ review: { id: string; status: string } }>('/api/identity-reviews', {
      name: '戊某', idNumber: WU_ID, phone, password: 'a-good-password', smsCode, court: 'bj-chaoyang', statement: '本人身份证号被他人冒用注册',
    });
    expect(asked.status).toBe(201);
    // The code is used up: the same request cannot be replayed.
    expect((await anon.post<Err>('/api/identity-reviews', { name: '戊某', idNumber: WU_ID, phone, password: 'a-good-password', smsCode, court: 'bj-chaoyang' })).body.error.code).toBe('SMS_CODE_EXPIRED');
    // Nobody but a clerk of that court sees or decides it.
    expect((await attacker.get('/api/identity-reviews')).status).toBe(403);
    expect((await attacker.post(`/api/identity-reviews/${asked.body.review.id}/approve`, { identityCheck: 'x' })).status).toBe(403);

    const pending = await clerk.get<{ reviews: { id: string; name: string; currentHolder: { id: string; name: string } | null }[] }>('/api/identity-reviews');
    const review = pending.body.reviews.find((r) => r.id === asked.body.review.id);
    expect(review).toMatchObject({ name: '戊某', currentHolder: { name: '冒名者' } });
    const approved = await clerk.post<{ userId: string; previousUserId: string }>(`/api/identity-reviews/${asked.body.review.id}/approve`, { identityCheck: '视频核验身份证原件' });
    expect(approved.status).toBe(200);
    expect(approved.body.previousUserId).toBe(review?.currentHolder?.id);

    const real = await login(server, phone, 'a-good-password');
    expect((await real.get<{ user: { name: string } }>('/api/auth/me')).body.user.name).toBe('戊某');
    const audit = await clerk.get<{ entries: { type: string; fromUserId: string; toUserId: string; identityCheck: string }[] }>('/api/identity-reviews/audit');
    expect(audit.body.entries).toContainEqual(expect.objectContaining({ type: 'ID_NUMBER_REBOUND', fromUserId: approved.body.previousUserId, toUserId: approved.body.userId, identityCheck: '视频核验身份证原件' }));
    // Registering the number again under another name is refused.
    const again = await anon.post<Err>('/api/auth/register', { name: '冒名者', idNumber: WU_ID, phone: '13660000004', password: 'a-good-password', smsCode: await requestSmsCode(server, '13660000004') });
    expect(again.body.error.code).toBe('ID_NUMBER_TAKEN');
    // Having the ID number still shows nothing: access comes from the court's code.
    await seesNothing(real);
  });

  it('the access code printed on the court\'s notice binds the defendant once; the filer never sees it', async () => {
    const issued = await clerk.post<{ document: { documentId: string } }>(`/api/cases/${caseId}/court-documents`, { kind: 'evidenceNotice', addressees: ['戊某'] });
    expect(issued.status).toBe(201);
    const pdf = Buffer.from(await (await clerk.raw(`/api/cases/${caseId}/documents/${issued.body.document.documentId}`)).arrayBuffer());
    const text = extractText(pdf);
    expect(text).toContain('案件查阅码');
    const code = CODE.exec(text.replace(/\s+/g, ''))?.[0] ?? '';
    expect(code).toMatch(CODE);
    // The filer does not get the defendant's code (a second account of theirs could claim with it).
    expect((await filer.raw(`/api/cases/${caseId}/documents/${issued.body.document.documentId}`)).status).toBe(404);
    expect((await filer.post<Err>('/api/cases/claim', { code })).body.error.code).toBe('CANNOT_CLAIM_OWN_CASE');

    expect((await attacker.post<Err>('/api/cases/claim', { code: 'ABCD-EFGH-JKMN' })).body.error.code).toBe('ACCESS_CODE_INVALID');
    const real = await login(server, '13660000003', 'a-good-password');
    const claimed = await real.post<{ case: { id: string; you: string } }>('/api/cases/claim', { code: code.toLowerCase().replace(/-/g, ' ') });
    expect(claimed.status).toBe(200);
    expect(claimed.body.case).toMatchObject({ id: caseId, you: 'defendant' });
    expect((await real.get<{ cases: { id: string; you: string }[] }>('/api/cases')).body.cases).toEqual([expect.objectContaining({ id: caseId, you: 'defendant' })]);
    expect((await real.raw(`/api/cases/${caseId}/documents/${complaintId}`)).status).toBe(200);
    // One use: the same paper does not bind a second account.
    expect((await attacker.post<Err>('/api/cases/claim', { code })).body.error.code).toBe('ACCESS_CODE_INVALID');
    await seesNothing(attacker);
    const timeline = (await filer.get<{ timeline: { type: string; details: { via?: string } }[] }>(`/api/cases/${caseId}`)).body.timeline;
    expect(timeline).toContainEqual(expect.objectContaining({ type: 'DEFENDANT_BOUND', details: expect.objectContaining({ via: 'accessCode' }) }));
  });

  it('a clerk confirms a defendant only for their own court, after docketing, with the check recorded', async () => {
    const other = await registerParty(server, '13660000005', 605, '己某');
    const filed = await filer.postForm<{ id: string }>('/api/cases', { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠', defendants: [{ name: '己某' }] }, [
      { field: 'complaint', filename: 'c.pdf', bytes: sampleFiles.pdf() },
      { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
    ]);
    const otherId = (await other.get<{ user: { id: string } }>('/api/auth/me')).body.user.id;
    const confirm = (client: ApiClient) => client.post<Err>(`/api/cases/${filed.body.id}/defendants/0/confirm`, { userId: otherId, identityCheck: '窗口核验身份证' });
    expect((await confirm(clerk)).body.error.code).toBe('CASE_NOT_DOCKETED');
    await clerk.post(`/api/cases/${filed.body.id}/review`, { decision: 'accept' });
    // A party learns nothing about the case, not even that it exists.
    expect((await confirm(other)).status).toBe(404);
    const judge = await login(server, '13800000002', DEMO_PASSWORD);
    expect((await confirm(judge)).body.error.code).toBe('NOT_CLERK_OF_COURT');
    expect((await other.get(`/api/cases/${filed.body.id}`)).status).toBe(404);
    expect((await confirm(clerk)).status).toBe(200);
    expect((await other.get<{ you: string }>(`/api/cases/${filed.body.id}`)).body.you).toBe('defendant');
  });
});

describe('court staff accounts come from the court administrator', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await seedAndLoginClerk(server);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('registration never makes staff; an admin creates, deactivates and reactivates them', async () => {
    const anon = new ApiClient(server.url);
    const smsCode = await requestSmsCode(server, '13670000001');
    const self = await anon.post<{ user: { roles: string[] } }>('/api/auth/register', { name: '想当法官', idNumber: `11010519850505701${idCheckCharacter('11010519850505701')}`, phone: '13670000001', password: 'a-good-password', smsCode, roles: ['judge'], courtId: 'bj-chaoyang' });
    expect(self.body.user.roles).toEqual(['party']);
    const party = await login(server, '13670000001', 'a-good-password');
    expect((await party.post<Err>('/api/admin/staff', {})).body.error.code).toBe('NOT_COURT_ADMIN');
    const clerk = await login(server, '13800000001', DEMO_PASSWORD);
    expect((await clerk.get<Err>('/api/admin/staff')).body.error.code).toBe('NOT_COURT_ADMIN');

    const admin = await login(server, '13800000000', DEMO_PASSWORD);
    const created = await admin.post<{ staff: { id: string; roles: string[]; active: boolean; phone: string } }>('/api/admin/staff', {
      name: '新书记员', idNumber: `11010519850505702${idCheckCharacter('11010519850505702')}`, phone: '13670000002', password: 'first-password-1', roles: ['clerk'],
    });
    expect(created.status).toBe(201);
    expect(created.body.staff).toMatchObject({ roles: ['clerk'], active: true, phone: expect.stringContaining('*') });
    const newClerk = await login(server, '13670000002', 'first-password-1');
    expect((await newClerk.get<{ user: { courtId: string; roles: string[] } }>('/api/auth/me')).body.user).toMatchObject({ courtId: 'bj-chaoyang', roles: ['clerk'] });
    expect((await admin.get<{ staff: { id: string }[] }>('/api/admin/staff')).body.staff.map((s) => s.id)).toContain(created.body.staff.id);

    const adminId = (await admin.get<{ user: { id: string } }>('/api/auth/me')).body.user.id;
    expect((await admin.post<Err>(`/api/admin/staff/${adminId}/deactivate`)).body.error.code).toBe('CANNOT_DEACTIVATE_SELF');
    expect((await admin.post<{ staff: { active: boolean } }>(`/api/admin/staff/${created.body.staff.id}/deactivate`)).body.staff.active).toBe(false);
    const refused = await new ApiClient(server.url).post<Err>('/api/auth/login', { phone: '13670000002', password: 'first-password-1' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ACCOUNT_DEACTIVATED');
    // A wrong password still says nothing about the account.
    expect((await new ApiClient(server.url).post<Err>('/api/auth/login', { phone: '13670000002', password: 'wrong-password' })).body.error.code).toBe('INVALID_CREDENTIALS');
    await admin.post(`/api/admin/staff/${created.body.staff.id}/reactivate`);
    expect((await login(server, '13670000002', 'first-password-1')).token).toBeDefined();
    // Another court's administrator cannot touch this court's staff.
    expect((await admin.post<Err>('/api/admin/staff/0123456789abcdef01234567/deactivate')).body.error.code).toBe('USER_NOT_FOUND');
  });
});
