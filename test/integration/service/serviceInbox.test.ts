import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { ApiClient, login, registerParty } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { consentTo, feeSettledCase, linkCode, linkToken, me, serve, type InboxItem, type ServiceCase } from './fixture.js';
import { sentSms } from './smsOutbox.js';

describe('electronic service through the platform inbox and SMS: read, acknowledged, presumed, earliest channel', () => {
  let server: TestServer;
  let c: ServiceCase;

  beforeAll(async () => {
    server = await startTestServer();
    c = await feeSettledCase(server, 2);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  const sms = async (deliveryId: string) => {
    const sent = await sentSms(server, deliveryId);
    return sent ? { ...sent.row, text: sent.text } : null;
  };
  /** The recipient opens the document from the SMS link with the code sent with it (the read). */
  const openByCode = async (text: string) => {
    const res = await fetch(`${server.url}/api/links/${linkToken(text)}/open`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: linkCode(text) }) });
    return res;
  };

  it('inbox: delivered at once and announced live; opening it is the read (presumed service), acknowledging is recorded; others get 404', async () => {
    // Consent with an address the recipient has not confirmed (C1 Art. 31 Case 2).
    await consentTo(c.plaintiff, c.caseId, c.ids.plaintiff, [{ channel: 'inbox', value: c.ids.plaintiff, confirmedByRecipient: false }]);
    await consentTo(c.defendant, c.caseId, c.ids.defendant, [{ channel: 'inbox', value: c.ids.defendant, confirmedByRecipient: false }, { channel: 'sms', value: '13710000002', confirmedByRecipient: false }]);
    const service = await serve(c.clerk, c.caseId, { document: { kind: 'acceptanceNotice' }, recipients: [{ userId: c.ids.plaintiff }], channels: ['inbox'] });
    expect(service.document).toMatchObject({ kind: 'acceptanceNotice', title: '受理通知书' });
    const delivery = service.recipients[0]!.deliveries[0]!;
    expect(delivery).toMatchObject({ channel: 'inbox', addressConfirmed: false, status: 'delivered' });
    // No address confirmed by the recipient (Case 2): delivery alone is not service.
    expect(service.recipients[0]!.effect.effective).toBe(false);

    const notes = await c.plaintiff.get<{ notifications: { type: string; link?: string }[] }>('/api/notifications');
    expect(notes.body.notifications).toContainEqual(expect.objectContaining({ type: 'service.delivered', link: `/inbox/${delivery.id}` }));

    const list = await c.plaintiff.get<{ items: InboxItem[] }>('/api/inbox');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id: delivery.id, read: false, document: { title: '受理通知书' } });

    // Another party can neither open, acknowledge nor download it, nor learn that it exists.
    expect((await c.defendant.get(`/api/inbox/${delivery.id}`)).status).toBe(404);
    expect((await c.defendant.post(`/api/inbox/${delivery.id}/acknowledge`)).status).toBe(404);
    expect((await c.defendant.raw(`/api/inbox/${delivery.id}/document`)).status).toBe(404);
    expect((await c.defendant.get<{ items: InboxItem[] }>('/api/inbox')).body.items).toHaveLength(0);
    expect((await c.defendant.get(`/api/service/${service.id}`)).status).toBe(404);

    const opened = await c.plaintiff.get<{ item: InboxItem }>(`/api/inbox/${delivery.id}`);
    expect(opened.body.item.read).toBe(true);
    const readAt = opened.body.item.deliveries[0]!.steps.find((s) => s.step === 'read')!.at;
    expect(opened.body.item.effect).toMatchObject({ effective: true, presumed: true, basis: 'read-receipt', effectiveAt: readAt });

    const acked = await c.plaintiff.post<{ item: InboxItem }>(`/api/inbox/${delivery.id}/acknowledge`);
    expect(acked.body.item.acknowledged).toBe(true);
    expect(acked.body.item.deliveries[0]!.steps.map((s) => s.step)).toEqual(['created', 'sent', 'delivered', 'read', 'acknowledged']);
    // The earliest effective moment stands: the read.
    expect(acked.body.item.effect).toMatchObject({ effectiveAt: readAt, presumed: true });

    const file = await c.plaintiff.raw(`/api/inbox/${delivery.id}/document`);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(service.document.sha256);
  });

  it('acknowledging without opening first: complete (not presumed) service at the acknowledgement', async () => {
    const service = await serve(c.clerk, c.caseId, { document: { kind: 'evidenceNotice' }, recipients: [{ userId: c.ids.plaintiff }], channels: ['inbox'] });
    const id = service.recipients[0]!.deliveries[0]!.id;
    const acked = await c.plaintiff.post<{ item: InboxItem }>(`/api/inbox/${id}/acknowledge`);
    const ackAt = acked.body.item.deliveries[0]!.steps.find((s) => s.step === 'acknowledged')!.at;
    expect(acked.body.item.effect).toMatchObject({ effective: true, presumed: false, basis: 'acknowledgement', effectiveAt: ackAt });
  });

  it('an inbox address the recipient confirmed (consent): effective on delivery', async () => {
    const consent = await c.plaintiff.put(`/api/cases/${c.caseId}/service-consent`, { userId: c.ids.plaintiff, ground: 'A', channel: 'platform', addresses: [{ channel: 'inbox', value: c.ids.plaintiff, confirmedByRecipient: true }] });
    expect(consent.status).toBe(200);
    const service = await serve(c.clerk, c.caseId, { document: { kind: 'feeNotice' }, recipients: [{ userId: c.ids.plaintiff }], channels: ['inbox'] });
    const r = service.recipients[0]!;
    const deliveredAt = r.deliveries[0]!.steps.find((s) => s.step === 'delivered')!.at;
    expect(r.deliveries[0]!.addressConfirmed).toBe(true);
    expect(r.effect).toMatchObject({ effective: true, presumed: false, basis: 'arrival', effectiveAt: deliveredAt });
    expect(r.caseRecord).toBe('NOTE');
  });

  it('SMS to an address nobody confirmed: delivered but not effective; following its link (read) makes it presumed', async () => {
    const service = await serve(c.clerk, c.caseId, { document: { kind: 'evidenceNotice' }, recipients: [{ userId: c.ids.defendant }], channels: ['sms'] });
    const r = service.recipients[0]!;
    expect(r.side).toBe('defendant');
    expect(r.deliveries[0]).toMatchObject({ channel: 'sms', addressConfirmed: false, status: 'delivered', address: '137****0002' });
    expect(r.effect.effective).toBe(false);
    expect(r.effect.reason).toMatch(/not provided or confirmed/);
    const rebut = await c.clerk.post(`/api/service/${service.id}/recipients/${c.ids.defendant}/rebuttal`, { provenArrivalAt: new Date().toISOString() });
    expect(rebut.body).toMatchObject({ error: { code: 'REBUTTAL_NOT_APPLICABLE' } });

    const message = await sms(r.deliveries[0]!.id);
    expect(message?.toMasked).toBe('137****0002');
    expect(message?.text).toContain('举证通知书');
    // The stored text cannot be replayed: no link token, no code.
    const stored = (await sentSms(server, r.deliveries[0]!.id))!.row.text;
    expect(stored).not.toContain(linkToken(message!.text));
    expect(stored).not.toContain(linkCode(message!.text));
    expect(stored).toContain('案号（');
    expect(stored).not.toContain('（（');
    const page = await fetch(`${server.url}/s/${linkToken(message!.text)}`);
    expect(page.status).toBe(200);
    const untouched = await c.clerk.get<{ service: { recipients: { effect: { effective: boolean }; deliveries: { steps: { step: string }[] }[] }[] } }>(`/api/service/${service.id}`);
    // Following the link (as a scanner would) records nothing.
    expect(untouched.body.service.recipients[0]!.deliveries[0]!.steps.map((s) => s.step)).toEqual(['created', 'sent', 'delivered']);
    expect(untouched.body.service.recipients[0]!.effect.effective).toBe(false);
    expect((await openByCode(message!.text)).status).toBe(200);

    const after = await c.clerk.get<{ service: { recipients: { effect: Record<string, unknown>; deliveries: { steps: { step: string; at: string }[] }[]; periods: Record<string, string> }[] } }>(`/api/service/${service.id}`);
    const now = after.body.service.recipients[0]!;
    const readAt = now.deliveries[0]!.steps.find((s) => s.step === 'read')!.at;
    expect(now.effect).toMatchObject({ effective: true, presumed: true, basis: 'read-receipt', effectiveAt: readAt });
    // Not the complaint: the case stays where it was and gets a note with the periods.
    const view = await c.clerk.get<{ status: string; timeline: { type: string; details: Record<string, unknown> }[] }>(`/api/cases/${c.caseId}`);
    expect(view.body.status).toBe('feeSettled');
    const note = view.body.timeline.find((e) => e.type === 'SERVICE_EFFECTIVE' && e.details.serviceId === service.id);
    expect(note?.details).toMatchObject({ recipientId: c.ids.defendant, presumed: true, periods: now.periods });
  });

  it('several channels: the earliest effective one wins (inbox acknowledged before the SMS link was read)', async () => {
    const service = await serve(c.clerk, c.caseId, { document: { kind: 'evidenceNotice' }, recipients: [{ userId: c.ids.defendant }], channels: ['inbox', 'sms'] });
    const deliveries = service.recipients[0]!.deliveries;
    const inbox = deliveries.find((d) => d.channel === 'inbox')!;
    const smsDelivery = deliveries.find((d) => d.channel === 'sms')!;
    const acked = await c.defendant.post<{ item: InboxItem }>(`/api/inbox/${inbox.id}/acknowledge`);
    const ackAt = acked.body.item.deliveries.find((d) => d.channel === 'inbox')!.steps.find((s) => s.step === 'acknowledged')!.at;
    await new Promise((r) => setTimeout(r, 20));
    const message = await sms(smsDelivery.id);
    expect((await openByCode(message!.text)).status).toBe(200);
    const item = (await c.defendant.get<{ item: InboxItem }>(`/api/inbox/${inbox.id}`)).body.item;
    const smsRead = item.deliveries.find((d) => d.channel === 'sms')!.steps.find((s) => s.step === 'read')!.at;
    expect(Date.parse(smsRead)).toBeGreaterThan(Date.parse(ackAt));
    expect(item.effect).toMatchObject({ effective: true, effectiveAt: ackAt, basis: 'acknowledgement', channel: 'inbox', presumed: false });
  });

  it('concurrent opens and link clicks: one read per delivery, one effect, a log that still verifies', async () => {
    const service = await serve(c.clerk, c.caseId, { document: { kind: 'evidenceNotice' }, recipients: [{ userId: c.ids.defendant }], channels: ['inbox', 'sms'] });
    const deliveries = service.recipients[0]!.deliveries;
    const inbox = deliveries.find((d) => d.channel === 'inbox')!;
    const text = (await sms(deliveries.find((d) => d.channel === 'sms')!.id))!.text;
    const replies = await Promise.all([
      ...Array.from({ length: 4 }, () => c.defendant.get(`/api/inbox/${inbox.id}`)),
      ...Array.from({ length: 4 }, () => openByCode(text)),
    ]);
    // The one-time code opens once; the other three concurrent uses are refused as replays.
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 409, 409, 409]);
    const after = await c.clerk.get<{ service: { recipients: { effectVersion: number; deliveries: { steps: { step: string }[] }[] }[] } }>(`/api/service/${service.id}`);
    const r = after.body.service.recipients[0]!;
    for (const d of r.deliveries) expect(d.steps.filter((s) => s.step === 'read')).toHaveLength(1);
    expect(r.effectVersion).toBe(1);
    expect(await server.db.connection.collection('service_effects').countDocuments({ serviceId: service.id })).toBe(1);
    expect((await c.clerk.get<{ valid: boolean }>(`/api/service/${service.id}/log/verify`)).body.valid).toBe(true);
  });

  it('SMS to a number the recipient confirmed (consent ground C): effective on delivery', async () => {
    const consent = await c.defendant.put(`/api/cases/${c.caseId}/service-consent`, { userId: c.ids.defendant, ground: 'C', channel: 'platform', addresses: [{ channel: 'sms', value: '+86 137-1000-0002', confirmedByRecipient: true }] });
    expect(consent.status).toBe(200);
    const service = await serve(c.clerk, c.caseId, { document: { kind: 'evidenceNotice' }, recipients: [{ userId: c.ids.defendant }], channels: ['sms'] });
    const r = service.recipients[0]!;
    const deliveredAt = r.deliveries[0]!.steps.find((s) => s.step === 'delivered')!.at;
    expect(r.deliveries[0]!.addressConfirmed).toBe(true);
    expect(r.effect).toMatchObject({ effective: true, presumed: false, basis: 'arrival', effectiveAt: deliveredAt });
  });

  it('consent can be revoked (a new version); electronic service is then refused with the other ways named, and nothing is sent', async () => {
    const revoked = await c.defendant.post<{ consent: { version: number; active: boolean; revokedAt?: string } }>(`/api/cases/${c.caseId}/service-consent/revoke`, { userId: c.ids.defendant });
    // Versions 1 (test 1) and 2 (ground C) came before; the revocation is version 3.
    expect(revoked.body.consent).toMatchObject({ version: 3, active: false });
    expect(revoked.body.consent.revokedAt).toBeDefined();
    expect((await c.defendant.post(`/api/cases/${c.caseId}/service-consent/revoke`, { userId: c.ids.defendant })).body).toMatchObject({ error: { code: 'NO_ACTIVE_CONSENT' } });
    const before = await server.db.connection.collection('services').countDocuments({ caseId: c.caseId });
    const documentsBefore = (await c.clerk.get<{ documents: unknown[] }>(`/api/cases/${c.caseId}`)).body.documents.length;
    const refused = await c.clerk.post(`/api/cases/${c.caseId}/service`, { document: { kind: 'evidenceNotice' }, recipients: [{ userId: c.ids.defendant }], channels: ['sms', 'email'] });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'SERVICE_CONSENT_REVOKED', details: { alternatives: ['consentRequest', 'post', 'inPerson'] } } });
    expect(await server.db.connection.collection('services').countDocuments({ caseId: c.caseId })).toBe(before);
    expect((await c.clerk.get<{ documents: unknown[] }>(`/api/cases/${c.caseId}`)).body.documents).toHaveLength(documentsBefore);
  });

  it('court documents are filed on the case and verifiable by the fingerprint printed on them; only the clerk serves', async () => {
    const issued = await c.clerk.post<{ document: { documentId: string; sha256: string; contentHash: string; title: string } }>(`/api/cases/${c.caseId}/court-documents`, { kind: 'feeNotice' });
    expect(issued.status).toBe(201);
    const view = await c.clerk.get<{ documents: { id: string; kind: string }[] }>(`/api/cases/${c.caseId}`);
    expect(view.body.documents).toContainEqual(expect.objectContaining({ id: issued.body.document.documentId, kind: 'courtDocument' }));
    const byPrint = await new ApiClient(server.url).get(`/api/verify/${issued.body.document.contentHash}`);
    // The fingerprint covers the content; the fee notice served earlier today says the same.
    expect(byPrint.body).toMatchObject({ genuine: true, type: 'courtDocument', matched: 'fingerprint', title: '交纳诉讼费用通知书', contentHash: issued.body.document.contentHash });
    const byFile = await new ApiClient(server.url).get(`/api/verify/${issued.body.document.sha256}`);
    expect(byFile.body).toMatchObject({ genuine: true, type: 'courtDocument', matched: 'file', sha256: issued.body.document.sha256 });
    expect((await new ApiClient(server.url).get(`/api/verify/${'0'.repeat(64)}`)).body).toEqual({ genuine: false });

    expect((await c.clerk.post(`/api/cases/${c.caseId}/court-documents`, { kind: 'summons' })).body).toMatchObject({ error: { code: 'HEARING_REQUIRED' } });
    expect((await c.plaintiff.post(`/api/cases/${c.caseId}/service`, { document: { kind: 'feeNotice' }, recipients: [{ userId: c.ids.plaintiff }], channels: ['inbox'] })).status).toBe(403);
    const stranger = await registerParty(server, '13790000001', 501, '案外人');
    const strangerId = await me(stranger);
    const wrongParty = await c.clerk.post(`/api/cases/${c.caseId}/service`, { document: { kind: 'acceptanceNotice' }, recipients: [{ userId: c.ids.defendant }], channels: ['inbox'] });
    expect(wrongParty.body).toMatchObject({ error: { code: 'DOCUMENT_NOT_FOR_RECIPIENT' } });
    const refused = await c.clerk.post(`/api/cases/${c.caseId}/service`, { document: { kind: 'feeNotice' }, recipients: [{ userId: strangerId }], channels: ['inbox'] });
    expect(refused.body).toMatchObject({ error: { code: 'RECIPIENT_NOT_A_PARTY' } });
    expect((await stranger.get(`/api/cases/${c.caseId}/service-consent`)).status).toBe(404);
  });

  it('a summons carries the hearing; served after scheduling it is recorded as a note, not SERVE_DEFENDANT', async () => {
    const judge = await login(server, '13800000002', DEMO_PASSWORD);
    const judgeId = await me(judge);
    const scheduled = await judge.post<{ id: string }>(`/api/cases/${c.caseId}/hearings`, {
      kind: 'hearing',
      // After the answer period a service today would start (issue 12: no hearing inside it).
      startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      participants: [
        { userId: judgeId, role: 'judge' },
        { userId: c.ids.plaintiff, role: 'party' },
        { userId: c.ids.defendant, role: 'party' },
      ],
    });
    expect(scheduled.status).toBe(201);
    await consentTo(c.defendant, c.caseId, c.ids.defendant, [{ channel: 'inbox', value: c.ids.defendant, confirmedByRecipient: false }]);
    const service = await serve(c.clerk, c.caseId, { document: { kind: 'summons', hearingId: scheduled.body.id }, recipients: [{ userId: c.ids.defendant }], channels: ['inbox'] });
    expect(service.document).toMatchObject({ kind: 'summons', title: '传票' });
    const item = await c.defendant.get<{ item: InboxItem }>(`/api/inbox/${service.recipients[0]!.deliveries[0]!.id}`);
    expect(item.body.item.effect).toMatchObject({ effective: true, presumed: true });
    const after = await c.clerk.get<{ service: { recipients: { caseRecord?: string; receiptId?: string }[] } }>(`/api/service/${service.id}`);
    expect(after.body.service.recipients[0]).toMatchObject({ caseRecord: 'NOTE', receiptId: expect.any(String) });
    const listed = await c.defendant.get<{ services: unknown[] }>(`/api/cases/${c.caseId}/service`);
    expect(listed.status).toBe(200);
    const all = await c.clerk.get<{ services: unknown[] }>(`/api/cases/${c.caseId}/service`);
    expect(listed.body.services.length).toBeLessThan(all.body.services.length);
  });
});
