/**
 * Hearings for the benchmarks, made through the real REST API on top of the
 * test fixture (test/support/hearing.ts): a case can be scheduled for a hearing
 * once, so every further hearing gets a case of its own.
 */
import type { HearingRole } from '../../protocol/hearing.js';
import { registerParty, sampleFiles, type ApiClient } from '../support/api.js';
import type { HearingFixture } from '../support/hearing.js';
import { lawfulStart, serveComplaintCopy, serveSummons } from '../support/procedure.js';
import type { TestServer } from '../support/server.js';

export interface BenchUser {
  label: string;
  userId: string;
  role: HearingRole;
  client: ApiClient;
}

function expectStatus(what: string, res: { status: number; body: unknown }, status: number): void {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
}

/** The fixture's judge, parties and clerk, in the order the join benchmark adds them. */
export function fixtureUsers(fx: HearingFixture): BenchUser[] {
  return [
    { label: 'judge', userId: fx.ids.judge, role: 'judge', client: fx.judge },
    { label: 'plaintiff', userId: fx.ids.plaintiff, role: 'party', client: fx.plaintiff },
    { label: 'defendant', userId: fx.ids.defendant, role: 'party', client: fx.defendant },
    { label: 'clerk', userId: fx.ids.clerk, role: 'clerk', client: fx.clerk },
  ];
}

/** Further parties, registered through the API (phones 1352000xxxx, ID sequence 300+). */
export async function extraParties(server: TestServer, count: number): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  for (let i = 1; i <= count; i++) {
    const client = await registerParty(server, `1352000${String(i).padStart(4, '0')}`, 300 + i, `第三人${i}`);
    const me = await client.get<{ user: { id: string } }>('/api/auth/me');
    users.push({ label: `party${i + 2}`, userId: me.body.user.id, role: 'party', client });
  }
  return users;
}

/**
 * A new case filed by the fixture's plaintiff, docketed and paid, and a court
 * hearing scheduled on it by the judge with exactly `participants`, in the lawful
 * order (issue 12) so that it may open: the complaint copy served on the fixture's
 * defendant, the start after the answer period, the summons served on both parties.
 */
export async function hearingOnNewCase(fx: HearingFixture, participants: Pick<BenchUser, 'userId' | 'role' | 'client'>[]): Promise<string> {
  const filed = await fx.plaintiff.postForm<{ id: string }>(
    '/api/cases',
    { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资（基准测试）', defendants: [{ name: '被告乙' }] },
    [
      { field: 'complaint', filename: 'c.pdf', bytes: sampleFiles.pdf() },
      { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
    ],
  );
  expectStatus('filing', filed, 201);
  const caseId = filed.body.id;
  expectStatus('review', await fx.clerk.post(`/api/cases/${caseId}/review`, { decision: 'accept' }), 200);
  const pay = await fx.plaintiff.post<{ payment: { _id: string } }>(`/api/cases/${caseId}/payments`);
  expectStatus('payment', pay, 201);
  expectStatus('payment confirmation', await fx.clerk.post(`/api/cases/${caseId}/payments/${pay.body.payment._id}/confirm`), 200);
  const defendant = { client: fx.defendant, userId: fx.ids.defendant };
  await serveComplaintCopy(fx.clerk, caseId, defendant);
  const scheduled = await fx.judge.post<{ id: string }>(`/api/cases/${caseId}/hearings`, {
    kind: 'hearing',
    startsAt: lawfulStart(),
    participants: participants.map((p) => ({ userId: p.userId, role: p.role })),
  });
  expectStatus('scheduling', scheduled, 201);
  // Every party summoned to the hearing must have been served (hearingProcedure.ts), the extra ones too.
  const extra = participants.filter((p) => p.role === 'party' && p.userId !== fx.ids.plaintiff && p.userId !== fx.ids.defendant);
  await serveSummons(fx.clerk, caseId, scheduled.body.id, [
    { client: fx.plaintiff, userId: fx.ids.plaintiff, side: 'plaintiff' },
    { ...defendant, side: 'defendant' },
    ...extra.map((p) => ({ client: p.client, userId: p.userId, side: 'plaintiff' as const })),
  ]);
  return scheduled.body.id;
}
