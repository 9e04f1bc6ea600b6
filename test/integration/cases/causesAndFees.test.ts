import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerParty, sampleFiles, seedAndLoginClerk, validIdNumber, type ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';

type ErrorBody = { error: { code: string } };
const files = (tag: string) => [
  { field: 'complaint', filename: 'complaint.pdf', bytes: sampleFiles.pdf(tag) },
  { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
];

describe('causes of action and the fees the quote can express', () => {
  let server: TestServer;
  let clerk: ApiClient;
  let plaintiff: ApiClient;

  beforeAll(async () => {
    server = await startTestServer();
    clerk = await seedAndLoginClerk(server);
    plaintiff = await registerParty(server, '13900000771', 771, '原告案由');
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('lists the causes of action: parts, the second-level causes and common third-level ones', async () => {
    const res = await plaintiff.get<{ causes: { code: string; level: number; zh: string; en: string; parent?: string; fileable: boolean }[] }>('/api/causes');
    expect(res.status).toBe(200);
    const byCode = new Map(res.body.causes.map((c) => [c.code, c]));
    expect(byCode.get('C10')).toMatchObject({ level: 2, zh: '合同纠纷', parent: 'P4', fileable: true });
    expect(byCode.get('C02.03')).toMatchObject({ level: 3, zh: '离婚纠纷', parent: 'C02' });
    expect(byCode.get('C17.01.05')).toMatchObject({ level: 4, zh: '追索劳动报酬纠纷' });
    expect(byCode.get('P1')).toMatchObject({ level: 1, fileable: false });
  });

  it('quotes a divorce with property to divide and a personality case with damages and several halving grounds', async () => {
    const divorce = await plaintiff.get<{ fee: string }>('/api/fees/quote?caseType=divorce&divorcePropertyAmount=300000');
    expect(divorce.status).toBe(200);
    expect(divorce.body.fee).toBe('550.00');
    // 100 + 1% of 50,000-100,000 (500) + 0.5% of 23,456.78 (117.2839) = 717.2839, halved once = 358.64.
    const personality = await plaintiff.get<{ fee: string; breakdown: { code: string }[] }>('/api/fees/quote?caseType=personality&personalityDamagesAmount=123456.78&halving=mediation&halving=simpleProcedure');
    expect(personality.status).toBe(200);
    expect(personality.body.fee).toBe('358.64');
    expect(personality.body.breakdown.map((l) => l.code)).toEqual(['PERSONALITY', 'PERSONALITY_DAMAGES', 'HALVED', 'ROUNDING']);
    const comma = await plaintiff.get<{ fee: string }>('/api/fees/quote?caseType=personality&personalityDamagesAmount=123456.78&halving=mediation,simpleProcedure');
    expect(comma.body.fee).toBe('358.64');
  });

  it('refuses amounts that do not fit the case type and unknown grounds, with stable codes', async () => {
    const wrong = await plaintiff.get<ErrorBody>('/api/fees/quote?caseType=property&amount=1000&divorcePropertyAmount=5');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('AMOUNT_NOT_APPLICABLE');
    expect((await plaintiff.get<ErrorBody>('/api/fees/quote?caseType=divorce&halving=appeal')).status).toBe(400);
    expect((await plaintiff.get<ErrorBody>('/api/fees/quote?caseType=divorce&divorcePropertyAmount=abc')).status).toBe(400);
  });

  it('files with a cause of action and the divorce property, and dockets the fee the quote showed', async () => {
    const filed = await plaintiff.postForm<{ id: string; status: string }>(
      '/api/cases',
      { court: 'bj-chaoyang', caseType: 'divorce', causeOfAction: 'C02.03', divorcePropertyAmount: '300000', claims: ['判决离婚', '分割夫妻共同财产'], facts: '感情破裂', defendants: [{ name: '被告丙', idNumber: validIdNumber(772) }] },
      files('divorce'),
    );
    expect(filed.status).toBe(201);
    const accepted = await clerk.post<{ fee: { amount: string } }>(`/api/cases/${filed.body.id}/review`, { decision: 'accept' });
    expect(accepted.status).toBe(200);
    const view = await plaintiff.get<{ fee: { amount: string }; causeOfAction: { code: string; zh: string; en: string } }>(`/api/cases/${filed.body.id}`);
    expect(view.body.fee.amount).toBe('550.00');
    expect(view.body.causeOfAction).toEqual({ code: 'C02.03', zh: '离婚纠纷', en: 'Divorce disputes' });
    const queue = await clerk.get<{ cases: { id: string; causeOfAction?: { zh: string } }[] }>('/api/cases');
    expect(queue.body.cases.find((c) => c.id === filed.body.id)?.causeOfAction?.zh).toBe('离婚纠纷');
  });

  it('refuses an unknown cause or a misplaced amount at filing, and files nothing', async () => {
    const before = (await plaintiff.get<{ cases: unknown[] }>('/api/cases')).body.cases.length;
    const unknown = await plaintiff.postForm<ErrorBody>(
      '/api/cases',
      { court: 'bj-chaoyang', caseType: 'labour', causeOfAction: 'C99', claims: ['x'], facts: 'y', defendants: [{ name: '被告' }] },
      files('unknown'),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('UNKNOWN_CAUSE_OF_ACTION');
    const part = await plaintiff.postForm<ErrorBody>(
      '/api/cases',
      { court: 'bj-chaoyang', caseType: 'labour', causeOfAction: 'P6', claims: ['x'], facts: 'y', defendants: [{ name: '被告' }] },
      files('part'),
    );
    expect(part.body.error.code).toBe('UNKNOWN_CAUSE_OF_ACTION');
    const misplaced = await plaintiff.postForm<ErrorBody>(
      '/api/cases',
      { court: 'bj-chaoyang', caseType: 'labour', causeOfAction: 'C17.01.05', divorcePropertyAmount: '1', claims: ['x'], facts: 'y', defendants: [{ name: '被告' }] },
      files('misplaced'),
    );
    expect(misplaced.body.error.code).toBe('AMOUNT_NOT_APPLICABLE');
    expect((await plaintiff.get<{ cases: unknown[] }>('/api/cases')).body.cases.length).toBe(before);
  });
});
