/**
 * The lawful order before a hearing (issue 12), for fixtures that need a hearing that may open:
 * the complaint copy served on the defendant, a start after any answer period begun today, and
 * the summons for that start served on every party more than 3 days before it. All through the
 * real API: electronic service over the platform inbox, acknowledged by the recipient.
 */
import type { ApiClient } from './api.js';

const DAY_MS = 86_400_000;
/** Past any 15-day answer period begun today, even one rolled over a long holiday. */
export const LAWFUL_LEAD_DAYS = 30;

export function lawfulStart(extraDays = 0): string {
  return new Date(Date.now() + (LAWFUL_LEAD_DAYS + extraDays) * DAY_MS).toISOString();
}

interface Served {
  id: string;
  recipients: { userId: string; deliveries: { id: string; channel: string }[] }[];
}

/** Serves `document` on the recipients over the inbox; each acknowledges, so service takes effect now. */
export async function serveAndAcknowledge(
  clerk: ApiClient,
  caseId: string,
  document: { documentId: string } | { kind: 'summons'; hearingId: string },
  recipients: { client: ApiClient; userId: string; side: 'plaintiff' | 'defendant' }[],
): Promise<Served> {
  // Electronic service needs the recipient's consent first (C1 Art. 29): each consents to the inbox.
  for (const r of recipients) {
    const consent = await r.client.put(`/api/cases/${caseId}/service-consent`, {
      userId: r.userId,
      ground: 'A',
      channel: 'platform',
      addresses: [{ channel: 'inbox', value: r.userId, confirmedByRecipient: false }],
    });
    if (consent.status !== 200) throw new Error(`consent refused: ${consent.status} ${JSON.stringify(consent.body)}`);
  }
  const res = await clerk.post<{ service: Served }>(`/api/cases/${caseId}/service`, {
    document,
    recipients: recipients.map((r) => ({ userId: r.userId, side: r.side })),
    channels: ['inbox'],
  });
  if (res.status !== 201) throw new Error(`service refused: ${res.status} ${JSON.stringify(res.body)}`);
  for (const r of recipients) {
    const delivery = res.body.service.recipients.find((x) => x.userId === r.userId)?.deliveries.find((d) => d.channel === 'inbox');
    const acked = await r.client.post(`/api/inbox/${delivery?.id ?? 'missing'}/acknowledge`);
    if (acked.status !== 200) throw new Error(`acknowledgement refused: ${acked.status} ${JSON.stringify(acked.body)}`);
  }
  return res.body.service;
}

/** The complaint copy (起诉状副本) served on the defendant; resolves once the case shows them served. */
export async function serveComplaintCopy(clerk: ApiClient, caseId: string, defendant: { client: ApiClient; userId: string }, index = 0): Promise<void> {
  // The court recognises the defendant's account first (a clerk's confirmation after checking
  // identity, issue 14): an account never gains a case by the ID number it carries.
  const bound = await clerk.post<{ error?: { code: string } }>(`/api/cases/${caseId}/defendants/${index}/confirm`, { userId: defendant.userId, identityCheck: '身份证件视频核验' });
  if (bound.status !== 200 && bound.body.error?.code !== 'DEFENDANT_ALREADY_BOUND') {
    throw new Error(`confirming the defendant failed: ${bound.status} ${JSON.stringify(bound.body)}`);
  }
  const view = await clerk.get<{ documents: { id: string; kind: string }[] }>(`/api/cases/${caseId}`);
  const complaint = view.body.documents.find((d) => d.kind === 'complaint');
  if (!complaint) throw new Error('the case has no complaint on file');
  await serveAndAcknowledge(clerk, caseId, { documentId: complaint.id }, [{ ...defendant, side: 'defendant' }]);
  for (let i = 0; i < 200; i++) {
    const now = await clerk.get<{ service: { served: { defendantId: string }[] } }>(`/api/cases/${caseId}`);
    if (now.body.service.served.some((s) => s.defendantId === defendant.userId)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the case never recorded service of the complaint copy');
}

/** The summons for the hearing's current start served on each party. */
export async function serveSummons(clerk: ApiClient, caseId: string, hearingId: string, parties: { client: ApiClient; userId: string; side: 'plaintiff' | 'defendant' }[]): Promise<void> {
  await serveAndAcknowledge(clerk, caseId, { kind: 'summons', hearingId }, parties);
}
