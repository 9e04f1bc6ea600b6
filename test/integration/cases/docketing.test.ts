import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCaseNumber } from '../../../server/cases/caseNumbers.js';
import { parseCaseNumber } from '../../../state-machines/rules/caseNumber.js';
import { SEED_CASE_NUMBER_TABLES } from '../../../state-machines/rules/caseNumber.js';
import { ApiClient, registerParty, sampleFiles, seedAndLoginClerk } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const completeFiling = {
  court: '京0105',
  caseType: 'labour',
  claims: ['支付拖欠工资'],
  facts: '用人单位拖欠三个月工资。',
  defendants: [{ name: '某某公司' }],
};
const completeFiles = () => [
  { field: 'complaint', filename: 'complaint.pdf', bytes: sampleFiles.pdf() },
  { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
];

describe('docketing under load, limits and refusals', () => {
  let server: TestServer;
  let clerk: ApiClient;
  let party: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ UPLOAD_MAX_BYTES: String(64 * 1024) });
    clerk = await seedAndLoginClerk(server);
    party = await registerParty(server, '13600000001', 21);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('50 dockets at the same instant get 50 distinct consecutive case numbers', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await party.postForm<{ id: string; status: string }>('/api/cases', completeFiling, completeFiles());
      expect(res.body.status).toBe('underReview');
      ids.push(res.body.id);
    }
    const results = await Promise.all(
      ids.map((id) => clerk.post<{ status: string; caseNumber: string; fee: { amount: string } }>(`/api/cases/${id}/review`, { decision: 'accept' })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const seqs = results.map((r) => parseCaseNumber(r.body.caseNumber, SEED_CASE_NUMBER_TABLES)!.seq).sort((a, b) => a - b);
    const first = seqs[0]!;
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => first + i));
    // Labour disputes: 10 yuan per case (Art. 13(5)).
    expect(new Set(results.map((r) => r.body.fee.amount))).toEqual(new Set(['10.00']));
  });

  it('numbers restart at 1 in each receiving year and are counted per court and type', async () => {
    const issue = (year: number, typeCode = '民初', courtCode = '京0105') =>
      issueCaseNumber(server.db.connection, { year, courtCode, typeCode }, `case-${year}-${typeCode}`, `${year}-01-01T00:00:00+08:00`);
    expect((await issue(2031)).caseNumber).toBe('（2031）京0105民初1号');
    expect((await issue(2031)).caseNumber).toBe('（2031）京0105民初2号');
    expect((await issue(2032)).caseNumber).toBe('（2032）京0105民初1号');
    expect((await issue(2031, '民特')).caseNumber).toBe('（2031）京0105民特1号');
    expect((await issue(2031, '民初', '京0101')).caseNumber).toBe('（2031）京0101民初1号');
  });

  it('two clerks accepting the same case at once: one wins, the other gets 409, one number is used', async () => {
    const res = await party.postForm<{ id: string }>('/api/cases', completeFiling, completeFiles());
    const [a, b] = await Promise.all([
      clerk.post(`/api/cases/${res.body.id}/review`, { decision: 'accept' }),
      clerk.post(`/api/cases/${res.body.id}/review`, { decision: 'accept' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const verify = await party.get<{ valid: boolean; entries: number }>(`/api/cases/${res.body.id}/log/verify`);
    expect(verify.body).toEqual({ valid: true, entries: 2 });
  });

  it('rejects a file over the size limit with 413 and stores nothing', async () => {
    const before = await server.db.connection.collection('documents.files').countDocuments();
    const big = Buffer.concat([sampleFiles.pdf(), Buffer.alloc(70 * 1024, 0x20)]);
    const res = await party.postForm<{ error: { code: string; message: string } }>('/api/cases', completeFiling, [
      { field: 'complaint', filename: 'big.pdf', bytes: big },
    ]);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('FILE_TOO_LARGE');
    expect(res.body.error.message).toMatch(/larger than the 0\.1 MB limit/);
    expect(await server.db.connection.collection('documents.files').countDocuments()).toBe(before);
  });

  it('rejects a file whose bytes are not an accepted type with 415, whatever its name, and stores nothing', async () => {
    const cases = await server.db.connection.collection('cases').countDocuments();
    const files = await server.db.connection.collection('documents.files').countDocuments();
    const res = await party.postForm<{ error: { code: string } }>('/api/cases', completeFiling, [
      { field: 'complaint', filename: 'complaint.pdf', bytes: sampleFiles.pdf() },
      { field: 'idProof', filename: 'id.pdf', bytes: sampleFiles.text() },
    ]);
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_FILE_TYPE');
    expect(await server.db.connection.collection('cases').countDocuments()).toBe(cases);
    expect(await server.db.connection.collection('documents.files').countDocuments()).toBe(files);
  });

  it('refuses an unknown court and an unexpected file field with clear errors', async () => {
    const court = await party.postForm<{ error: { code: string } }>('/api/cases', { ...completeFiling, court: '火星法院' }, completeFiles());
    expect(court.status).toBe(400);
    expect(court.body.error.code).toBe('UNKNOWN_COURT');
    const field = await party.postForm<{ error: { code: string } }>('/api/cases', completeFiling, [
      { field: 'selfie', filename: 'a.png', bytes: sampleFiles.png() },
    ]);
    expect(field.status).toBe(400);
    expect(field.body.error.code).toBe('UNEXPECTED_FILE');
  });

  it('a clerk cannot reject without reasons, or set a correction deadline in the past', async () => {
    const res = await party.postForm<{ id: string }>('/api/cases', completeFiling, completeFiles());
    const noReasons = await clerk.post<{ error: { code: string } }>(`/api/cases/${res.body.id}/review`, { decision: 'reject', reasons: [] });
    expect(noReasons.status).toBe(400);
    expect(noReasons.body.error.code).toBe('INVALID_EVENT');
    const past = await clerk.post(`/api/cases/${res.body.id}/review`, { decision: 'correct', reasons: ['x'], correctionDeadline: '2020-01-01' });
    expect(past.status).toBe(400);
    const reject = await clerk.post<{ status: string; rejectionReasons: string[] }>(`/api/cases/${res.body.id}/review`, {
      decision: 'reject',
      reasons: ['不属于本院管辖'],
    });
    expect(reject.body.status).toBe('rejected');
    expect(reject.body.rejectionReasons).toEqual(['不属于本院管辖']);
  });

  it('quotes fees by the statutory schedule and explains bad input', async () => {
    const anyone = new ApiClient(server.url);
    const q = await anyone.get<{ fee: string; currency: string; breakdown: unknown[] }>('/api/fees/quote?caseType=property&amount=1234567');
    expect(q.status).toBe(200);
    expect(q.body).toMatchObject({ fee: '15911.10', currency: 'CNY' });
    expect(q.body.breakdown.length).toBeGreaterThan(0);
    expect((await anyone.get<{ fee: string }>('/api/fees/quote?caseType=labour')).body.fee).toBe('10.00');
    const bad = await anyone.get<{ error: { code: string } }>('/api/fees/quote?caseType=property&amount=-5');
    expect(bad.status).toBe(400);
    const missing = await anyone.get<{ error: { code: string } }>('/api/fees/quote?caseType=property');
    expect(missing.body.error.code).toBe('AMOUNT_REQUIRED');
    expect((await anyone.get('/api/fees/quote?caseType=spaceship')).status).toBe(400);
  });

  it('publishes an OpenAPI document covering the case API', async () => {
    const doc = await new ApiClient(server.url).get<{ paths: Record<string, Record<string, unknown>> }>('/api/openapi.json');
    for (const path of ['/api/auth/register', '/api/cases', '/api/cases/{id}', '/api/cases/{id}/review', '/api/fees/quote', '/api/cases/{id}/log/verify']) {
      expect(doc.body.paths).toHaveProperty([path]);
    }
    expect(JSON.stringify(doc.body.paths['/api/cases/{id}/review'])).toContain('correctionDeadline');
  });
});
