import { io as connect, type Socket } from 'socket.io-client';
import type { Ack } from '../../protocol/ack.js';
import type { HearingClientToServer, HearingServerToClient } from '../../protocol/hearing.js';
import { DEMO_PASSWORD } from '../../server/seedData.js';
import { login, registerParty, sampleFiles, seedAndLoginClerk, type ApiClient } from './api.js';
import { lawfulStart, serveComplaintCopy, serveSummons } from './procedure.js';
import type { TestServer } from './server.js';

export type HearingSocket = Socket<HearingServerToClient, HearingClientToServer>;

export interface HearingFixture {
  caseId: string;
  hearingId: string;
  clerk: ApiClient;
  judge: ApiClient;
  mediator: ApiClient;
  plaintiff: ApiClient;
  defendant: ApiClient;
  ids: { clerk: string; judge: string; mediator: string; plaintiff: string; defendant: string };
}

async function me(client: ApiClient): Promise<string> {
  const res = await client.get<{ user: { id: string } }>('/api/auth/me');
  return res.body.user.id;
}

/**
 * A case taken through filing, docketing and payment by the real API, and a
 * hearing (or mediation) scheduled on it with judge, clerk, mediator and both
 * parties. A hearing follows the lawful order (issue 12) so that it may open: the
 * complaint copy is served on the defendant, the hearing is fixed after the answer
 * period, and the summons for it is served on both parties.
 */
export async function scheduledHearing(server: TestServer, kind: 'hearing' | 'mediation' = 'hearing', phoneSeed = 1): Promise<HearingFixture> {
  const clerk = await seedAndLoginClerk(server);
  const judge = await login(server, '13800000002', DEMO_PASSWORD);
  const mediator = await login(server, '13800000003', DEMO_PASSWORD);
  const plaintiff = await registerParty(server, `1350000${String(phoneSeed).padStart(4, '0')}`, 100 + phoneSeed, '原告甲');
  const defendant = await registerParty(server, `1351000${String(phoneSeed).padStart(4, '0')}`, 200 + phoneSeed, '被告乙');
  const filed = await plaintiff.postForm<{ id: string }>(
    '/api/cases',
    { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付工资'], facts: '拖欠工资', defendants: [{ name: '被告乙' }] },
    [
      { field: 'complaint', filename: 'c.pdf', bytes: sampleFiles.pdf() },
      { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
    ],
  );
  const caseId = filed.body.id;
  await clerk.post(`/api/cases/${caseId}/review`, { decision: 'accept' });
  const pay = await plaintiff.post<{ payment: { _id: string } }>(`/api/cases/${caseId}/payments`);
  await clerk.post(`/api/cases/${caseId}/payments/${pay.body.payment._id}/confirm`);
  const ids = { clerk: await me(clerk), judge: await me(judge), mediator: await me(mediator), plaintiff: await me(plaintiff), defendant: await me(defendant) };
  if (kind === 'hearing') await serveComplaintCopy(clerk, caseId, { client: defendant, userId: ids.defendant });
  const scheduler = kind === 'hearing' ? judge : mediator;
  const participants =
    kind === 'hearing'
      ? [
          { userId: ids.judge, role: 'judge' },
          { userId: ids.clerk, role: 'clerk' },
          { userId: ids.plaintiff, role: 'party' },
          { userId: ids.defendant, role: 'party' },
        ]
      : [
          { userId: ids.mediator, role: 'mediator' },
          { userId: ids.plaintiff, role: 'party', side: 'plaintiff' },
          { userId: ids.defendant, role: 'party', side: 'defendant' },
        ];
  const scheduled = await scheduler.post<{ id: string }>(`/api/cases/${caseId}/hearings`, {
    kind,
    startsAt: kind === 'hearing' ? lawfulStart() : new Date(Date.now() + 3_600_000).toISOString(),
    participants,
  });
  if (scheduled.status !== 201) throw new Error(`scheduling failed: ${scheduled.status} ${JSON.stringify(scheduled.body)}`);
  if (kind === 'hearing') {
    await serveSummons(clerk, caseId, scheduled.body.id, [
      { client: plaintiff, userId: ids.plaintiff, side: 'plaintiff' },
      { client: defendant, userId: ids.defendant, side: 'defendant' },
    ]);
  }
  return { caseId, hearingId: scheduled.body.id, clerk, judge, mediator, plaintiff, defendant, ids };
}

export async function joinToken(client: ApiClient, hearingId: string): Promise<string> {
  const res = await client.post<{ token: string }>(`/api/hearings/${hearingId}/join-token`);
  if (res.status !== 200) throw new Error(`join token refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/** A signalling-only participant (no media). */
export async function openSocket(server: TestServer, token: string): Promise<HearingSocket> {
  const socket: HearingSocket = connect(`${server.url}/hearing`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      // A refused handshake leaves the connection open; nobody else would close it.
      socket.disconnect();
      reject(err);
    });
  });
  return socket;
}

export async function ask<T>(socket: HearingSocket, event: keyof HearingClientToServer, payload: object = {}): Promise<Ack<T>> {
  return (await (socket.timeout(10_000) as unknown as { emitWithAck: (e: string, p: object) => Promise<Ack<T>> }).emitWithAck(event, payload));
}

export function nextEvent<E extends keyof HearingServerToClient>(
  socket: HearingSocket,
  event: E,
  predicate: (payload: Parameters<HearingServerToClient[E]>[0]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Parameters<HearingServerToClient[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: Parameters<HearingServerToClient[E]>[0]) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}
