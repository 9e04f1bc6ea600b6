import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { registerParty, sampleFiles, seedAndLoginClerk, validIdNumber, type ApiClient } from '../../support/api.js';
import type { TestServer } from '../../support/server.js';

export interface Smtp {
  port: number;
  received: { to: string[]; mail: ParsedMail }[];
  close(): Promise<void>;
}

/** A real SMTP server on port 0 that keeps every message it receives. */
export async function startSmtp(): Promise<Smtp> {
  const received: Smtp['received'] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const port = (smtp.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => smtp.close(() => resolve())) };
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function me(client: ApiClient): Promise<string> {
  const res = await client.get<{ user: { id: string } }>('/api/auth/me');
  return res.body.user.id;
}

export interface ServiceCase {
  caseId: string;
  caseNumber: string;
  complaintId: string;
  clerk: ApiClient;
  plaintiff: ApiClient;
  defendant: ApiClient;
  ids: { clerk: string; plaintiff: string; defendant: string };
}

/**
 * A case taken to feeSettled through the real API. The defendant is named in the complaint
 * with the ID number they registered with, and a clerk confirms their account as that defendant.
 */
export async function feeSettledCase(server: TestServer, seed: number): Promise<ServiceCase> {
  const clerk = await seedAndLoginClerk(server);
  const plaintiff = await registerParty(server, `1370000${String(seed).padStart(4, '0')}`, 300 + seed, '原告甲');
  const defendant = await registerParty(server, `1371000${String(seed).padStart(4, '0')}`, 400 + seed, '被告乙');
  const filed = await plaintiff.postForm<{ id: string; status: string }>(
    '/api/cases',
    { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付拖欠工资'], facts: '拖欠三个月工资', defendants: [{ name: '被告乙', idNumber: validIdNumber(400 + seed) }] },
    [
      { field: 'complaint', filename: 'complaint.pdf', bytes: sampleFiles.pdf(`complaint ${seed}`) },
      { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
    ],
  );
  if (filed.status !== 201) throw new Error(`filing failed: ${filed.status} ${JSON.stringify(filed.body)}`);
  const caseId = filed.body.id;
  const reviewed = await clerk.post<{ caseNumber: string }>(`/api/cases/${caseId}/review`, { decision: 'accept' });
  if (reviewed.status !== 200) throw new Error(`docketing failed: ${reviewed.status} ${JSON.stringify(reviewed.body)}`);
  // The court recognises the defendant's account: a clerk confirms it after checking identity
  // (an account merely carrying the same ID number is no longer enough: issue 14).
  const confirmed0 = await clerk.post(`/api/cases/${caseId}/defendants/0/confirm`, { userId: await me(defendant), identityCheck: '身份证件视频核验' });
  if (confirmed0.status !== 200) throw new Error(`confirming the defendant failed: ${confirmed0.status} ${JSON.stringify(confirmed0.body)}`);
  const pay = await plaintiff.post<{ payment: { _id: string } }>(`/api/cases/${caseId}/payments`);
  const confirmed = await clerk.post<{ status: string; documents: { id: string; kind: string }[] }>(`/api/cases/${caseId}/payments/${pay.body.payment._id}/confirm`);
  if (confirmed.body.status !== 'feeSettled') throw new Error(`payment not settled: ${JSON.stringify(confirmed.body)}`);
  const complaintId = confirmed.body.documents.find((d) => d.kind === 'complaint')?.id ?? '';
  return {
    caseId,
    caseNumber: reviewed.body.caseNumber,
    complaintId,
    clerk,
    plaintiff,
    defendant,
    ids: { clerk: await me(clerk), plaintiff: await me(plaintiff), defendant: await me(defendant) },
  };
}

export interface StepView {
  step: string;
  at: string;
  detail?: Record<string, unknown>;
}

export interface DeliveryView {
  id: string;
  channel: 'inbox' | 'email' | 'sms';
  address: string;
  addressConfirmed: boolean;
  status: string;
  steps: StepView[];
}

export interface EffectView {
  effective: boolean;
  effectiveAt?: string;
  presumed?: boolean;
  basis?: string;
  channel?: string;
  reason?: string;
}

export interface RecipientView {
  userId: string;
  side: string;
  effect: EffectView;
  periods?: { answerBy: string; appealAgainstJudgmentBy: string; appealAgainstRulingBy: string };
  effectVersion?: number;
  receiptId?: string;
  caseRecord?: string;
  deliveries: DeliveryView[];
}

export interface ServiceView {
  id: string;
  caseId: string;
  document: { id: string; kind: string; title: string; sha256: string; contentHash?: string };
  recipients: RecipientView[];
}

export interface InboxItem {
  id: string;
  serviceId: string;
  document: { title: string; sha256: string };
  read?: boolean;
  acknowledged: boolean;
  effect: EffectView;
  deliveries: DeliveryView[];
}

/** Serve and return the created service; fails the test with the body on anything but 201. */
export async function serve(clerk: ApiClient, caseId: string, body: unknown): Promise<ServiceView> {
  const res = await clerk.post<{ service: ServiceView }>(`/api/cases/${caseId}/service`, body);
  if (res.status !== 201) throw new Error(`serving failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.service;
}

export function linkToken(text: string): string {
  const m = /\/s\/([A-Za-z0-9_-]+)/.exec(text);
  if (!m?.[1]) throw new Error(`no service link in: ${text}`);
  return m[1];
}


/** The one-time code sent with a service link. */
export function linkCode(text: string): string {
  const m = /查阅码[：:]?\s*(\d{6})/.exec(text);
  if (!m?.[1]) throw new Error(`no one-time code in: ${text}`);
  return m[1];
}

/** The recipient consents to electronic service on the platform (ground A) with these addresses. */
export async function consentTo(client: ApiClient, caseId: string, userId: string, addresses: { channel: 'inbox' | 'email' | 'sms'; value: string; confirmedByRecipient: boolean }[], ground: 'A' | 'B' | 'C' | 'D' = 'A'): Promise<void> {
  const res = await client.put(`/api/cases/${caseId}/service-consent`, { userId, ground, channel: 'platform', addresses });
  if (res.status !== 200) throw new Error(`consent failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Both parties consent to service in their platform inbox (address not confirmed: C1 Art. 31 Case 2). */
export async function consentInbox(c: ServiceCase): Promise<void> {
  await consentTo(c.plaintiff, c.caseId, c.ids.plaintiff, [{ channel: 'inbox', value: c.ids.plaintiff, confirmedByRecipient: false }]);
  await consentTo(c.defendant, c.caseId, c.ids.defendant, [{ channel: 'inbox', value: c.ids.defendant, confirmedByRecipient: false }]);
}
