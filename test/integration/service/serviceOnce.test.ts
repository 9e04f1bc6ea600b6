/**
 * Regressions of issue 15: one serve gives one effect and one receipt per recipient; electronic
 * channels need consent; the clerk learns beforehand which channels can work; post and
 * in-person service are recorded with their proof and take effect by rule; the public check
 * says to whom a document was served and when.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, sampleFiles } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { consentTo, feeSettledCase, serve, type ServiceCase } from './fixture.js';

interface CaseView {
  documents: { id: string; filename: string; documentType?: string; title?: string }[];
  timeline: { type: string; details: Record<string, unknown> }[];
}

describe('one serve, one effect; consent first; post and in person recorded', () => {
  let server: TestServer;
  let c: ServiceCase;
  let other: ServiceCase;

  beforeAll(async () => {
    server = await startTestServer();
    c = await feeSettledCase(server, 7);
    other = await feeSettledCase(server, 8);
  }, 120_000);
  afterAll(async () => {
    await server?.destroy();
  });

  it('without consent, electronic channels are refused with a stable code naming the other ways; nothing is issued or sent', async () => {
    const before = (await c.clerk.get<CaseView>(`/api/cases/${c.caseId}`)).body.documents.length;
    const res = await c.clerk.post(`/api/cases/${c.caseId}/service`, { document: { kind: 'evidenceNotice' }, recipients: [{ userId: c.ids.plaintiff }, { userId: c.ids.defendant }], channels: ['inbox'] });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'NO_SERVICE_CONSENT', details: { alternatives: ['consentRequest', 'post', 'inPerson'] } } });
    expect((res.body as { error: { message: string } }).error.message).toMatch(/post or in person/);
    expect((await c.clerk.get<CaseView>(`/api/cases/${c.caseId}`)).body.documents).toHaveLength(before);
    expect(await server.db.connection.collection('services').countDocuments({})).toBe(0);
    expect((await c.plaintiff.get<{ items: unknown[] }>('/api/inbox')).body.items).toHaveLength(0);
  });

  it('service options: per recipient and channel, available or why not; email unavailable without SMTP_URL', async () => {
    await consentTo(c.plaintiff, c.caseId, c.ids.plaintiff, [
      { channel: 'inbox', value: c.ids.plaintiff, confirmedByRecipient: true },
      { channel: 'email', value: 'p@example.com', confirmedByRecipient: true },
    ]);
    const res = await c.clerk.get<{ mailAvailable: boolean; recipients: { userId: string; side: string; channels: { channel: string; available: boolean; reason?: string }[] }[] }>(`/api/cases/${c.caseId}/service-options`);
    expect(res.status).toBe(200);
    expect(res.body.mailAvailable).toBe(false);
    const p = res.body.recipients.find((r) => r.userId === c.ids.plaintiff)!;
    const d = res.body.recipients.find((r) => r.userId === c.ids.defendant)!;
    expect(p.side).toBe('plaintiff');
    expect(d.side).toBe('defendant');
    expect(p.channels).toEqual([
      expect.objectContaining({ channel: 'inbox', available: true }),
      expect.objectContaining({ channel: 'email', available: false, reason: 'MAIL_UNAVAILABLE' }),
      expect.objectContaining({ channel: 'sms', available: false, reason: 'CHANNEL_NOT_CONSENTED' }),
    ]);
    expect(d.channels.every((x) => !x.available && x.reason === 'NO_SERVICE_CONSENT')).toBe(true);
    expect((await c.plaintiff.get(`/api/cases/${c.caseId}/service-options`)).status).toBe(403);
    // A channel the recipient did not consent to is refused.
    const sms = await c.clerk.post(`/api/cases/${c.caseId}/service`, { document: { kind: 'evidenceNotice' }, recipients: [{ userId: c.ids.plaintiff }], channels: ['sms'] });
    expect(sms.body).toMatchObject({ error: { code: 'CHANNEL_NOT_CONSENTED' } });
  });

  it('inbox to a confirmed address: exactly one effect and one receipt per recipient, no correction', async () => {
    await consentTo(c.defendant, c.caseId, c.ids.defendant, [{ channel: 'inbox', value: c.ids.defendant, confirmedByRecipient: true }]);
    const before = (await c.clerk.get<CaseView>(`/api/cases/${c.caseId}`)).body;
    const service = await serve(c.clerk, c.caseId, { document: { kind: 'evidenceNotice' }, recipients: [{ userId: c.ids.plaintiff }, { userId: c.ids.defendant }], channels: ['inbox'] });
    for (const r of service.recipients) expect(r).toMatchObject({ effect: { effective: true, basis: 'arrival' }, effectVersion: 1 });
    expect(await server.db.connection.collection('service_effects').countDocuments({ serviceId: service.id })).toBe(2);
    // Opening and acknowledging later do not correct the time of service.
    const item = service.recipients.find((r) => r.userId === c.ids.plaintiff)!.deliveries[0]!;
    await c.plaintiff.get(`/api/inbox/${item.id}`);
    await c.plaintiff.post(`/api/inbox/${item.id}/acknowledge`);
    expect(await server.db.connection.collection('service_effects').countDocuments({ serviceId: service.id })).toBe(2);
    const after = (await c.clerk.get<CaseView>(`/api/cases/${c.caseId}`)).body;
    const added = after.documents.slice(before.documents.length);
    // One 举证通知书 and one receipt per recipient, none of them a correction.
    expect(added.filter((d) => d.filename.startsWith('电子送达凭证'))).toHaveLength(2);
    expect(added.filter((d) => d.filename.includes('更正'))).toHaveLength(0);
    expect(added.filter((d) => d.filename.includes('举证通知书'))).toHaveLength(1);
    const revised = after.timeline.filter((e) => e.type === 'SERVICE_EFFECT_REVISED' && e.details.serviceId === service.id);
    expect(revised).toHaveLength(0);
  });

  it('a document of another case, an unknown recipient: stable codes, nothing changes', async () => {
    const unknown = await c.clerk.post(`/api/cases/${c.caseId}/service`, { document: { kind: 'evidenceNotice' }, recipients: [{ userId: 'a'.repeat(24) }], channels: ['inbox'] });
    expect(unknown.body).toMatchObject({ error: { code: 'UNKNOWN_RECIPIENT' } });
    const foreign = await c.clerk.post(`/api/cases/${c.caseId}/service`, { document: { documentId: other.complaintId }, recipients: [{ userId: c.ids.defendant }], channels: ['inbox'] });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ error: { code: 'DOCUMENT_NOT_FOUND' } });
  });

  it('post: recorded with the return receipt; effective on its date (CPL Art. 91); the answer period runs from it', async () => {
    // The return receipt's date: after the case reached service (the case refuses a service before that).
    const servedAt = new Date(Date.now() - 1000).toISOString();
    const base = { document: { documentId: c.complaintId }, recipient: { userId: c.ids.defendant }, method: 'post', servedAt, proof: { filename: '回执.png', contentBase64: sampleFiles.png().toString('base64') } };
    const future = await c.clerk.post(`/api/cases/${c.caseId}/service/offline`, { ...base, servedAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(future.body).toMatchObject({ error: { code: 'SERVED_AT_IN_FUTURE' } });
    const left = await c.clerk.post(`/api/cases/${c.caseId}/service/offline`, { ...base, method: 'leftAtResidence' });
    expect(left.body).toMatchObject({ error: { code: 'REFUSAL_REQUIRED' } });
    const notAFile = await c.clerk.post(`/api/cases/${c.caseId}/service/offline`, { ...base, proof: { filename: 'x.pdf', contentBase64: Buffer.from('hello').toString('base64') } });
    expect(notAFile.status).toBe(415);
    expect(await server.db.connection.collection('services').countDocuments({ 'offline.method': { $exists: true } })).toBe(0);

    const res = await c.clerk.post<{ service: { id: string; offline: { method: string }; recipients: { effect: Record<string, unknown>; periods: Record<string, string>; receiptId?: string }[] } }>(`/api/cases/${c.caseId}/service/offline`, base);
    expect(res.status).toBe(201);
    const r = res.body.service.recipients[0]!;
    expect(res.body.service.offline.method).toBe('post');
    expect(r.effect).toMatchObject({ effective: true, effectiveAt: servedAt, basis: 'postal-receipt', channel: 'post', presumed: false });
    expect(Object.keys(r.periods)).toEqual(['answerBy']);
    expect(r.receiptId).toEqual(expect.any(String));
    const view = (await c.clerk.get<CaseView & { status: string }>(`/api/cases/${c.caseId}`)).body;
    expect(view.status).toBe('servedOnDefendant');
    expect(view.documents.find((d) => d.id === r.receiptId)?.filename).toBe('回执.png');
  });

  it('a notice served on the plaintiff starts no answer or appeal period for the plaintiff', async () => {
    const service = await serve(c.clerk, c.caseId, { document: { kind: 'evidenceNotice' }, recipients: [{ userId: c.ids.plaintiff }], channels: ['inbox'] });
    const got = await c.clerk.get<{ service: { recipients: { periods: Record<string, string> }[] } }>(`/api/service/${service.id}`);
    expect(got.body.service.recipients[0]!.periods).toEqual({});
  });

  it('public verification says to whom the document was served and when; no login needed', async () => {
    const service = await serve(c.clerk, c.caseId, { document: { kind: 'feeNotice' }, recipients: [{ userId: c.ids.plaintiff }], channels: ['inbox'] });
    const check = await new ApiClient(server.url).get<{ genuine: boolean; caseNumber: string; servedTo: { recipient: string; effectiveAt: string }[]; signature: unknown }>(`/api/verify/${service.document.sha256}`);
    expect(check.body).toMatchObject({ genuine: true, caseNumber: c.caseNumber });
    // The court's PDF signature is checked too (server/signing): present and valid.
    expect(check.body.signature).toMatchObject({ present: true, valid: true });
    expect(check.body.servedTo).toEqual([expect.objectContaining({ recipient: '原**', effectiveAt: service.recipients[0]!.effect.effectiveAt })]);
  });
});
