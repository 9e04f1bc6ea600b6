import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepDeadlines } from '../../../server/server.js';
import { addPeriod, chineseHolidayCalendar, endOfDayShanghai, shanghaiDate } from '../../../state-machines/rules/periods.js';
import { ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { feeSettledCase, linkCode, linkToken, serve, startSmtp, waitFor, type ServiceCase, type ServiceView, type Smtp } from './fixture.js';
import { calendarDateEn } from '../../../state-machines/rules/courtDates.js';

interface CaseView {
  status: string;
  deadlines: { kind: string; date: string }[];
  documents: { id: string; kind: string; filename: string; sha256: string }[];
  timeline: { type: string; by: string; details: Record<string, unknown> }[];
}

describe('electronic service by email: consent, real SMTP, the answer deadline, receipts and the log', () => {
  let server: TestServer;
  let smtp: Smtp;
  let c: ServiceCase;
  let served: ServiceView;
  const email = 'defendant.yi@example.com';

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
    c = await feeSettledCase(server, 1);
  });
  afterAll(async () => {
    await server?.destroy();
    await smtp?.close();
  });

  it('the defendant gives an email address for service on the platform; every change is a new version', async () => {
    const bad = await c.defendant.put(`/api/cases/${c.caseId}/service-consent`, { userId: c.ids.defendant, ground: 'C', channel: 'platform', addresses: [{ channel: 'email', value: email, confirmedByRecipient: false }] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'CONSENT_INVALID' } });
    const forOther = await c.defendant.put(`/api/cases/${c.caseId}/service-consent`, { userId: c.ids.plaintiff, ground: 'A', channel: 'platform', addresses: [{ channel: 'email', value: email, confirmedByRecipient: true }] });
    expect(forOther.status).toBe(403);
    const byClerkOnPlatform = await c.clerk.put(`/api/cases/${c.caseId}/service-consent`, { userId: c.ids.defendant, ground: 'A', channel: 'platform', addresses: [{ channel: 'email', value: email, confirmedByRecipient: true }] });
    expect(byClerkOnPlatform.body).toMatchObject({ error: { code: 'CONSENT_CHANNEL_MISMATCH' } });

    const first = await c.defendant.put(`/api/cases/${c.caseId}/service-consent`, { userId: c.ids.defendant, ground: 'C', channel: 'platform', addresses: [{ channel: 'email', value: 'old@example.com', confirmedByRecipient: true }] });
    expect(first.status).toBe(200);
    const second = await c.defendant.put(`/api/cases/${c.caseId}/service-consent`, { userId: c.ids.defendant, ground: 'C', channel: 'platform', addresses: [{ channel: 'email', value: email, confirmedByRecipient: true }] });
    expect(second.body).toMatchObject({ consent: { version: 2, active: true, ground: 'C', addresses: [{ channel: 'email', value: email }] } });
    const history = await c.clerk.get<{ versions: { version: number; addresses: { value: string }[] }[] }>(`/api/cases/${c.caseId}/service-consent?userId=${c.ids.defendant}`);
    expect(history.body.versions.map((v) => [v.version, v.addresses[0]?.value])).toEqual([
      [1, 'old@example.com'],
      [2, email],
    ]);
    // The plaintiff sees none of the defendant's addresses.
    const nosy = await c.plaintiff.get(`/api/cases/${c.caseId}/service-consent?userId=${c.ids.defendant}`);
    expect(nosy.status).toBe(404);
    // Addresses are personal data: encrypted at rest.
    const raw = await server.db.connection.collection('service_consents').find({ caseId: c.caseId }).toArray();
    expect(JSON.stringify(raw)).not.toContain(email);
  });

  it('the complaint served by email reaches a real SMTP server; service takes effect on arrival and the answer deadline appears on the case', async () => {
    served = await serve(c.clerk, c.caseId, { document: { documentId: c.complaintId }, recipients: [{ userId: c.ids.defendant }], channels: ['email'] });
    const recipient = served.recipients[0]!;
    expect(recipient.side).toBe('defendant');
    const delivery = recipient.deliveries[0]!;
    expect(delivery).toMatchObject({ channel: 'email', addressConfirmed: true, status: 'sent', address: 'd***@example.com' });
    expect(delivery.steps.map((s) => s.step)).toEqual(['created', 'sent']);
    const sentAt = delivery.steps[1]!.at;
    // Case 1 (address given by the recipient): effective when it arrived, i.e. sent successfully.
    expect(recipient.effect).toMatchObject({ effective: true, effectiveAt: sentAt, presumed: false, basis: 'arrival', channel: 'email' });
    expect(recipient.caseRecord).toBe('SERVE_DEFENDANT');

    const message = await waitFor(() => smtp.received.find((m) => m.to.includes(email)), 'the service email');
    expect(message.mail.subject).toContain('起诉状副本');
    expect(message.mail.text).toContain(served.document.sha256);
    expect(message.mail.attachments).toHaveLength(1);
    expect(crypto.createHash('sha256').update(message.mail.attachments[0]!.content).digest('hex')).toBe(served.document.sha256);

    const view = await c.clerk.get<CaseView>(`/api/cases/${c.caseId}`);
    expect(view.body.status).toBe('servedOnDefendant');
    const answerBy = view.body.deadlines.find((d) => d.kind === 'answerBy')?.date;
    const expected = addPeriod(shanghaiDate(sentAt), 15, 'day', chineseHolidayCalendar);
    expect(answerBy).toBe(expected);
    expect(recipient.periods?.answerBy).toBe(expected);
    // End to end through the holiday calendar: never on a rest day, and rolled over when the
    // 15th day is one (e.g. served on a Saturday, the 15th day is a Sunday).
    expect(chineseHolidayCalendar.isRestDay(expected)).toBe(false);
    const unrolled = addPeriod(shanghaiDate(sentAt), 15, 'day', { isRestDay: () => false });
    if (chineseHolidayCalendar.isRestDay(unrolled)) expect(expected > unrolled).toBe(true);
    else expect(expected).toBe(unrolled);
  });

  it('following the link in the email records nothing; opening with the one-time code records the read; the effect stays at arrival', async () => {
    const message = smtp.received.find((m) => m.to.includes(email))!;
    const token = linkToken(message.mail.text ?? '');
    const page = await fetch(`${server.url}/s/${token}`);
    expect(page.status).toBe(200);
    const info = await new ApiClient(server.url).get<{ link: { title: string; caseNumber: string } }>(`/api/links/${token}`);
    expect(info.body.link).toMatchObject({ title: '起诉状副本', caseNumber: c.caseNumber });
    const unknown = await fetch(`${server.url}/s/not-a-token-at-all-000`);
    expect(unknown.status).toBe(404);
    const afterPage = await c.clerk.get<{ service: ServiceView }>(`/api/service/${served.id}`);
    expect(afterPage.body.service.recipients[0]!.deliveries[0]!.steps.map((s) => s.step)).toEqual(['created', 'sent']);

    const open = (body: unknown, auth?: string) => fetch(`${server.url}/api/links/${token}/open`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(body) });
    expect((await open({})).status).toBe(401);
    const wrong = await open({ code: linkCode(message.mail.text ?? '') === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: { code: 'WRONG_CODE' } });
    const opened = await open({ code: linkCode(message.mail.text ?? '') });
    expect(opened.status).toBe(200);
    expect(crypto.createHash('sha256').update(Buffer.from(await opened.arrayBuffer())).digest('hex')).toBe(served.document.sha256);
    const replay = await open({ code: linkCode(message.mail.text ?? '') });
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: { code: 'LINK_ALREADY_USED' } });
    const forged = await fetch(`${server.url}/api/links/${'A'.repeat(32)}/open`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: '123456' }) });
    expect(forged.status).toBe(404);

    const res = await c.clerk.get<{ service: ServiceView }>(`/api/service/${served.id}`);
    const r = res.body.service.recipients[0]!;
    expect(r.deliveries[0]!.steps.map((s) => s.step)).toEqual(['created', 'sent', 'read']);
    expect(r.effect.basis).toBe('arrival');
    expect(r.effectVersion).toBe(1);
  });

  it('a receipt is filed into the case and verifies publicly; a changed byte does not', async () => {
    const view = await c.clerk.get<CaseView>(`/api/cases/${c.caseId}`);
    const receipts = view.body.documents.filter((d) => d.kind === 'courtDocument' && d.filename.startsWith('电子送达凭证'));
    expect(receipts).toHaveLength(1);
    const receipt = receipts[0]!;
    const file = await c.clerk.raw(`/api/cases/${c.caseId}/documents/${receipt.id}`);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(receipt.sha256);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

    const anonymous = new ApiClient(server.url);
    const ok = await anonymous.get<Record<string, unknown>>(`/api/verify/${receipt.sha256}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      genuine: true,
      type: 'serviceReceipt',
      caseNumber: c.caseNumber,
      served: { title: '起诉状副本', sha256: served.document.sha256 },
      recipient: { name: '被**', idNumber: expect.stringMatching(/^\d{6}\*{8}\d{3}[\dX]$/) },
      channel: 'email',
      presumed: false,
      effectiveAt: served.recipients[0]!.effect.effectiveAt,
    });

    const tampered = Buffer.from(bytes);
    const middle = Math.floor(tampered.length / 2);
    tampered[middle] = (tampered[middle] ?? 0) ^ 0x01;
    const bad = await anonymous.get(`/api/verify/${crypto.createHash('sha256').update(tampered).digest('hex')}`);
    expect(bad.body).toEqual({ genuine: false });
    // The served document itself is vouched for too.
    const complaint = await anonymous.get(`/api/verify/${served.document.sha256}`);
    expect(complaint.body).toMatchObject({ genuine: true, type: 'servedDocument', caseNumber: c.caseNumber });
    expect((await anonymous.get('/api/verify/not-a-hash')).status).toBe(400);

    const timeline = view.body.timeline.map((e) => e.type);
    expect(timeline).toContain('SERVE_DEFENDANT');
    expect(timeline).toContain('SERVICE_RECEIPT_FILED');
  });

  it('a rebuttal (proven arrival) overrides the arrival shown by the system, with a corrected receipt', async () => {
    const sentAt = served.recipients[0]!.effect.effectiveAt!;
    const future = await c.clerk.post(`/api/service/${served.id}/recipients/${c.ids.defendant}/rebuttal`, { provenArrivalAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(future.body).toMatchObject({ error: { code: 'REBUTTAL_IN_FUTURE' } });
    const early = await c.clerk.post(`/api/service/${served.id}/recipients/${c.ids.defendant}/rebuttal`, { provenArrivalAt: new Date(Date.parse(sentAt) - 60_000).toISOString() });
    expect(early.body).toMatchObject({ error: { code: 'REBUTTAL_INVALID' } });
    const byParty = await c.defendant.post(`/api/service/${served.id}/recipients/${c.ids.defendant}/rebuttal`, { provenArrivalAt: sentAt });
    expect(byParty.status).toBe(403);

    const proven = new Date(Date.parse(sentAt) + 1000).toISOString();
    await waitFor(() => (Date.now() > Date.parse(proven) ? true : undefined), 'the proven instant to pass');
    const res = await c.clerk.post<{ service: ServiceView }>(`/api/service/${served.id}/recipients/${c.ids.defendant}/rebuttal`, { provenArrivalAt: proven, note: '邮件服务器日志显示次日到达' });
    expect(res.status).toBe(200);
    const r = res.body.service.recipients[0]!;
    expect(r.effect).toMatchObject({ effective: true, effectiveAt: proven, basis: 'proven-arrival', presumed: false });
    expect(r.effectVersion).toBe(2);

    const view = await c.clerk.get<CaseView>(`/api/cases/${c.caseId}`);
    // The service that started the answer period was revised: the case machine moves the period (the clerk's act).
    expect(view.body.timeline.find((e) => e.type === 'SERVICE_EFFECT_REVISED')).toMatchObject({ by: 'clerk', details: { servedAt: proven, replaces: sentAt } });
    expect(view.body.deadlines.find((d) => d.kind === 'answerBy')?.date).toBe(addPeriod(shanghaiDate(proven), 15, 'day', chineseHolidayCalendar));
    const receipts = view.body.documents.filter((d) => d.filename.startsWith('电子送达凭证'));
    expect(receipts.map((d) => d.filename.startsWith('电子送达凭证（更正）'))).toEqual([false, true]);
    const check = await new ApiClient(server.url).get(`/api/verify/${receipts[1]!.sha256}`);
    expect(check.body).toMatchObject({ genuine: true, effectiveAt: proven, revision: 2 });
  });

  it('the served defendant, and only they, is reminded in the last days of the answer period', async () => {
    const view = await c.clerk.get<CaseView>(`/api/cases/${c.caseId}`);
    const answerBy = view.body.deadlines.find((d) => d.kind === 'answerBy')?.date ?? 'missing';
    const swept = await sweepDeadlines(server.services, new Date(endOfDayShanghai(answerBy).getTime() - 86_400_000));
    expect(swept.reminders.deadlines).toBe(1);
    const reminders = async (who: ApiClient) =>
      (await who.get<{ notifications: { type: string; caseId?: string; titleEn: string }[] }>('/api/notifications?limit=200')).body.notifications.filter(
        (n) => n.type === 'reminder.deadline' && n.caseId === c.caseId,
      );
    expect((await reminders(c.defendant)).map((n) => n.titleEn)).toEqual([`Please file your answer by ${calendarDateEn(answerBy)}`]);
    expect(await reminders(c.plaintiff)).toEqual([]);
  });

  it('the delivery log verifies, and a tampered entry does not', async () => {
    const ok = await c.clerk.get<{ valid: boolean; entries: number }>(`/api/service/${served.id}/log/verify`);
    expect(ok.body.valid).toBe(true);
    expect(ok.body.entries).toBeGreaterThanOrEqual(6);
    expect((await c.defendant.get(`/api/service/${served.id}/log/verify`)).status).toBe(404);

    const log = server.db.connection.collection<{ _id: string; payload: string }>('service_log');
    const entry = await log.findOne({ _id: `${served.id}:3` });
    await log.updateOne({ _id: `${served.id}:3` }, { $set: { payload: entry!.payload.replace(/"at":"[^"]+"/, '"at":"2020-01-01T00:00:00.000Z"') } });
    const bad = await c.clerk.get<{ valid: boolean; firstInvalid: { seq: number; reason: string } }>(`/api/service/${served.id}/log/verify`);
    expect(bad.body.valid).toBe(false);
    expect(bad.body.firstInvalid.seq).toBe(3);
    await log.updateOne({ _id: `${served.id}:3` }, { $set: { payload: entry!.payload } });
    expect((await c.clerk.get<{ valid: boolean }>(`/api/service/${served.id}/log/verify`)).body.valid).toBe(true);
  });
});
