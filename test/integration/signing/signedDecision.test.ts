import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdf } from '../../../server/documents/pdf.js';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { ApiClient, login, type ApiClient as Client } from '../../support/api.js';
import { oneByteChanged, pdfsig } from '../../support/pdfsig.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { lawfulStart, serveComplaintCopy } from '../../support/procedure.js';
import { consentInbox, feeSettledCase, me, serve, type ServiceCase } from '../service/fixture.js';

const VALID = 'Signature Validation: Signature is Valid.';
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('a decision the judge files is issued under the court\'s digital signature', () => {
  let server: TestServer;
  let c: ServiceCase;
  let judge: Client;

  beforeAll(async () => {
    server = await startTestServer();
    c = await feeSettledCase(server, 43);
    judge = await login(server, '13800000002', DEMO_PASSWORD);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('the stored judgment keeps the judge\'s bytes and adds a signature pdfsig validates; served, /api/verify reports it', async () => {
    const hearing = await c.clerk.post<{ id: string }>(`/api/cases/${c.caseId}/hearings`, {
      kind: 'hearing',
      // Lawful order (issue 12): after the answer period, and the defendant served before it opens.
      startsAt: lawfulStart(),
      participants: [
        { userId: await me(judge), role: 'judge' },
        { userId: c.ids.plaintiff, role: 'party', side: 'plaintiff' },
        { userId: c.ids.defendant, role: 'party', side: 'defendant' },
      ],
    });
    await serveComplaintCopy(c.clerk, c.caseId, { client: c.defendant, userId: c.ids.defendant });
    await server.services.cases.recordSystemEvent(c.caseId, { type: 'HEARING_STARTED', hearingId: hearing.body.id });
    await server.services.cases.recordSystemEvent(c.caseId, { type: 'HEARING_ENDED', hearingId: hearing.body.id });

    // A judgment as a word processor would export it (a real PDF with a cross-reference table).
    const judgment = await renderPdf({ title: '民事判决书', createdAt: '2026-06-01T02:00:00Z' }, (doc) => doc.text('判决如下：驳回原告的诉讼请求。'));
    const decided = await judge.postForm<{ documents: { id: string; kind: string; sha256: string }[] }>(`/api/cases/${c.caseId}/decision`, undefined, [{ field: 'judgment', filename: '民事判决书.pdf', bytes: judgment }]);
    expect(decided.status).toBe(201);
    const filed = decided.body.documents.find((d) => d.kind === 'judgment')!;
    const stored = Buffer.from(await (await judge.raw(`/api/cases/${c.caseId}/documents/${filed.id}`)).arrayBuffer());
    // An incremental update: the judge's file is the unchanged beginning of the issued one.
    expect(stored.subarray(0, judgment.length).equals(judgment)).toBe(true);
    expect(stored.length).toBeGreaterThan(judgment.length);
    expect(await pdfsig(stored)).toContain(VALID);
    expect(await pdfsig(oneByteChanged(stored))).toContain('Digest Mismatch');

    await consentInbox(c);
    await serve(c.clerk, c.caseId, { document: { documentId: filed.id }, recipients: [{ userId: c.ids.plaintiff }], channels: ['inbox'] });
    const verified = await new ApiClient(server.url).get<{ genuine: boolean; signature: { valid: boolean; timestamp: { valid: boolean } } }>(`/api/verify/${sha256(stored)}`);
    expect(verified.body).toMatchObject({ genuine: true, signature: { valid: true, timestamp: { valid: true } } });
  });
});
