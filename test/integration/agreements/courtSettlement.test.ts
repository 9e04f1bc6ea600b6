import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { consentTo } from '../service/fixture.js';
import { feeSettledCase, waitForNotification, type MediationFixture } from './mediationCase.js';

/** Every signer enters their password again; registerParty's password. */
const PARTY_PASSWORD = 'a-good-password';

type ErrorReply = { error: { code: string; message: string } };
interface CaseReply {
  status: string;
  settledAt?: string;
  mediation?: {
    agreementId?: string;
    decision?: { decisionId: string; recipientIds: string[]; receipts: { recipientId: string; receivedAt: string }[]; effectiveAt?: string; refusal?: { recipientId: string } };
    transcript?: { ground: string; judgeId: string };
    rejection?: { reasons: string[]; returnTo: string };
  };
  timeline: { type: string; at: string; data?: Record<string, unknown> }[];
  allowedActions: string[];
}
interface InboxItem {
  id: string;
  caseId: string;
  document: { kind: string; title: string; sha256: string };
  acknowledged: boolean;
}

/** A case in mediation whose agreement both parties signed: it awaits the judge. */
async function signedAgreement(server: TestServer, seed: number): Promise<MediationFixture & { agreementId: string }> {
  const fx = await feeSettledCase(server, seed);
  await fx.mediator.post(`/api/cases/${fx.caseId}/mediation`, { action: 'offer' });
  await fx.mediator.post(`/api/cases/${fx.caseId}/mediation`, { action: 'accept' });
  const drafted = await fx.mediator.post<{ id: string; documentSha256: string }>(`/api/cases/${fx.caseId}/agreements`, {
    title: '调解协议书',
    terms: ['被告乙于2027年1月15日前支付原告甲货款人民币叁万元。', '原告甲放弃其他诉讼请求。'],
    signatories: [fx.ids.plaintiff, fx.ids.defendant],
  });
  expect(drafted.status).toBe(201);
  for (const party of [fx.plaintiff, fx.defendant]) {
    const signed = await party.post(`/api/agreements/${drafted.body.id}/sign`, { documentSha256: drafted.body.documentSha256, password: PARTY_PASSWORD });
    expect(signed.status).toBe(200);
  }
  // The 调解书 is served electronically, which needs each party's consent (C1 Art. 29).
  await consentTo(fx.plaintiff, fx.caseId, fx.ids.plaintiff, [{ channel: 'inbox', value: fx.ids.plaintiff, confirmedByRecipient: false }]);
  await consentTo(fx.defendant, fx.caseId, fx.ids.defendant, [{ channel: 'inbox', value: fx.ids.defendant, confirmedByRecipient: false }]);
  const view = await fx.judge.get<CaseReply>(`/api/cases/${fx.caseId}`);
  expect(view.body.status).toBe('agreementSigned');
  return { ...fx, agreementId: drafted.body.id };
}

async function mediationDecisionIn(party: ApiClient, caseId: string): Promise<InboxItem> {
  const inbox = await party.get<{ items: InboxItem[] }>('/api/inbox');
  const item = inbox.body.items.find((i) => i.caseId === caseId && i.document.kind === 'mediationDecision');
  if (!item) throw new Error(`no 调解书 in the inbox: ${JSON.stringify(inbox.body)}`);
  return item;
}

describe('settlement through the court (CPL Arts. 100-102)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('approves the agreement, serves the 调解书 on both parties and settles at the last receipt', async () => {
    const fx = await signedAgreement(server, 21);
    // Only the judge: the mediator, the clerk and the parties are refused.
    for (const who of [fx.mediator, fx.clerk, fx.plaintiff]) {
      const refused = await who.post<ErrorReply>(`/api/cases/${fx.caseId}/mediation-decision`, { action: 'approve' });
      expect(refused.status).toBe(403);
    }
    expect((await fx.judge.post(`/api/cases/${fx.caseId}/mediation-decision`, { action: 'approve', ground: 'x' })).status).toBe(400);

    const approved = await fx.judge.post<CaseReply>(`/api/cases/${fx.caseId}/mediation-decision`, { action: 'approve' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('mediationDecisionServing');
    expect(approved.body.mediation?.decision?.recipientIds.sort()).toEqual([fx.ids.plaintiff, fx.ids.defendant].sort());
    const again = await fx.judge.post<ErrorReply>(`/api/cases/${fx.caseId}/mediation-decision`, { action: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('NO_SIGNED_AGREEMENT');

    // The 调解书 is a sealed court PDF in each party's inbox, the same file for both.
    const first = await mediationDecisionIn(fx.defendant, fx.caseId);
    const second = await mediationDecisionIn(fx.plaintiff, fx.caseId);
    expect(first.document.title).toBe('民事调解书');
    expect(second.document.sha256).toBe(first.document.sha256);
    const pdf = await fx.defendant.raw(`/api/inbox/${first.id}/document`);
    expect(pdf.status).toBe(200);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.toString('latin1')).toContain('/ByteRange'); // the court's digital seal

    expect((await fx.defendant.post(`/api/inbox/${first.id}/acknowledge`, {})).status).toBe(200);
    const half = await fx.judge.get<CaseReply>(`/api/cases/${fx.caseId}`);
    expect(half.body.status).toBe('mediationDecisionServing');
    expect(half.body.mediation?.decision?.receipts.map((r) => r.recipientId)).toEqual([fx.ids.defendant]);
    expect(half.body.settledAt).toBeUndefined();

    expect((await fx.plaintiff.post(`/api/inbox/${second.id}/acknowledge`, {})).status).toBe(200);
    const settled = await fx.judge.get<CaseReply>(`/api/cases/${fx.caseId}`);
    expect(settled.body.status).toBe('settled');
    const receipts = settled.body.mediation?.decision?.receipts ?? [];
    const last = receipts.map((r) => r.receivedAt).sort().at(-1);
    expect(settled.body.settledAt).toBe(last);
    expect(settled.body.mediation?.decision?.effectiveAt).toBe(last);
    // The receipt is the acknowledgement in the delivery log, at its logged time.
    const services = await fx.clerk.get<{ services: { document: { kind: string }; recipients: { userId: string; deliveries: { steps: { step: string; at: string }[] }[] }[] }[] }>(`/api/cases/${fx.caseId}/services`);
    const served = services.body.services?.find((s) => s.document.kind === 'mediationDecision');
    if (served) {
      const plaintiffAck = served.recipients.find((r) => r.userId === fx.ids.plaintiff)?.deliveries.flatMap((d) => d.steps).find((s) => s.step === 'acknowledged');
      expect(plaintiffAck?.at).toBe(receipts.find((r) => r.recipientId === fx.ids.plaintiff)?.receivedAt);
    }
    const types = settled.body.timeline.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['APPROVE_MEDIATION_AGREEMENT', 'COURT_DOCUMENT_ISSUED', 'MEDIATION_DECISION_RECEIVED']));
    expect(types.filter((t) => t === 'MEDIATION_DECISION_RECEIVED')).toHaveLength(2);
    expect((await fx.judge.get<{ valid: boolean }>(`/api/cases/${fx.caseId}/log/verify`)).body.valid).toBe(true);
    const told = await waitForNotification(fx.plaintiff, (n) => n.type === 'mediation.decisionEffective');
    expect(told.titleZh).toContain('调解结案');
    // Acknowledging again changes nothing.
    expect((await fx.plaintiff.post(`/api/inbox/${second.id}/acknowledge`, {})).status).toBe(200);
    expect((await fx.judge.get<CaseReply>(`/api/cases/${fx.caseId}`)).body.timeline.filter((e) => e.type === 'MEDIATION_DECISION_RECEIVED')).toHaveLength(2);
  });

  it('returns the case to litigation when a party refuses to sign for receipt (Art. 102)', async () => {
    const fx = await signedAgreement(server, 22);
    const early = await fx.clerk.post<ErrorReply>(`/api/cases/${fx.caseId}/mediation-decision/receipts`, { outcome: 'refused', recipientId: fx.ids.defendant, reason: '反悔' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('NO_MEDIATION_DECISION_SERVING');
    expect((await fx.judge.post(`/api/cases/${fx.caseId}/mediation-decision`, { action: 'approve' })).status).toBe(200);

    const byJudge = await fx.judge.post<ErrorReply>(`/api/cases/${fx.caseId}/mediation-decision/receipts`, { outcome: 'refused', recipientId: fx.ids.defendant, reason: '反悔' });
    expect(byJudge.status).toBe(403);
    const stranger = await fx.clerk.post<ErrorReply>(`/api/cases/${fx.caseId}/mediation-decision/receipts`, { outcome: 'refused', recipientId: 'someone-else', reason: '反悔' });
    expect(stranger.status).toBe(400);

    const refused = await fx.clerk.post<CaseReply>(`/api/cases/${fx.caseId}/mediation-decision/receipts`, { outcome: 'refused', recipientId: fx.ids.defendant, reason: '被告签收前反悔，拒绝签收' });
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('mediationFailed');
    expect(refused.body.settledAt).toBeUndefined();
    expect(refused.body.mediation?.decision?.refusal?.recipientId).toBe(fx.ids.defendant);
    // An acknowledgement arriving after the refusal settles nothing.
    const item = await mediationDecisionIn(fx.plaintiff, fx.caseId);
    expect((await fx.plaintiff.post(`/api/inbox/${item.id}/acknowledge`, {})).status).toBe(200);
    const after = await fx.clerk.get<CaseReply>(`/api/cases/${fx.caseId}`);
    expect(after.body.status).toBe('mediationFailed');
    expect(after.body.allowedActions).toContain('SCHEDULE_HEARING');
    await waitForNotification(fx.plaintiff, (n) => n.type === 'mediation.decisionRefused');
  });

  it('records the agreement in the hearing record in an Art. 101 case, with its ground', async () => {
    const fx = await signedAgreement(server, 23);
    const noGround = await fx.judge.post<ErrorReply>(`/api/cases/${fx.caseId}/mediation-decision`, { action: 'recordInTranscript' });
    expect(noGround.status).toBe(400);
    const byMediator = await fx.mediator.post<ErrorReply>(`/api/cases/${fx.caseId}/mediation-decision`, { action: 'recordInTranscript', ground: 'performedImmediately' });
    expect(byMediator.status).toBe(403);
    const recorded = await fx.judge.post<CaseReply>(`/api/cases/${fx.caseId}/mediation-decision`, { action: 'recordInTranscript', ground: 'performedImmediately', note: '被告当庭支付完毕' });
    expect(recorded.status).toBe(200);
    expect(recorded.body.status).toBe('settled');
    expect(recorded.body.mediation?.transcript?.ground).toBe('performedImmediately');
    const entry = recorded.body.timeline.find((e) => e.type === 'RECORD_AGREEMENT_IN_TRANSCRIPT');
    expect(entry?.at).toBe(recorded.body.settledAt);
    // No 调解书 is made or served.
    const inbox = await fx.plaintiff.get<{ items: InboxItem[] }>('/api/inbox');
    expect(inbox.body.items.some((i) => i.caseId === fx.caseId && i.document.kind === 'mediationDecision')).toBe(false);
    await waitForNotification(fx.plaintiff, (n) => n.type === 'mediation.recordedInTranscript');
  });

  it('rejects the agreement back to mediation', async () => {
    const fx = await signedAgreement(server, 24);
    const noReason = await fx.judge.post<ErrorReply>(`/api/cases/${fx.caseId}/mediation-decision`, { action: 'reject', reasons: [] });
    expect(noReason.status).toBe(400);
    const rejected = await fx.judge.post<CaseReply>(`/api/cases/${fx.caseId}/mediation-decision`, { action: 'reject', reasons: ['协议约定的履行方式损害案外人利益'], returnTo: 'mediation' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('inMediation');
    expect(rejected.body.mediation?.rejection?.returnTo).toBe('mediation');
    // The mediator may draft a new agreement.
    const redraft = await fx.mediator.post(`/api/cases/${fx.caseId}/agreements`, { title: '调解协议书（二）', terms: ['被告乙支付原告甲人民币贰万元。'], signatories: [fx.ids.plaintiff, fx.ids.defendant] });
    expect(redraft.status).toBe(201);
  });
});
