import { io as connect, type Socket } from 'socket.io-client';
import type { NotificationView } from '../../../server/notifications/notificationModel.js';
import type { UserClientToServer, UserServerToClient } from '../../../server/notifications/userProtocol.js';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { login, registerParty, sampleFiles, seedAndLoginClerk, type ApiClient } from '../../support/api.js';
import type { TestServer } from '../../support/server.js';

export interface MediationFixture {
  caseId: string;
  clerk: ApiClient;
  judge: ApiClient;
  mediator: ApiClient;
  plaintiff: ApiClient;
  defendant: ApiClient;
  ids: { clerk: string; mediator: string; plaintiff: string; defendant: string };
}

export async function me(client: ApiClient): Promise<string> {
  const res = await client.get<{ user: { id: string } }>('/api/auth/me');
  return res.body.user.id;
}

/**
 * A case filed, docketed and paid through the real API (status feeSettled),
 * with the demo court's staff and two registered parties. `seed` keeps phone
 * numbers and ID numbers apart when one server holds several fixtures.
 */
export async function feeSettledCase(server: TestServer, seed: number): Promise<MediationFixture> {
  const clerk = await seedAndLoginClerk(server);
  const judge = await login(server, '13800000002', DEMO_PASSWORD);
  const mediator = await login(server, '13800000003', DEMO_PASSWORD);
  const plaintiff = await registerParty(server, `1370000${String(seed).padStart(4, '0')}`, 300 + seed, '原告甲');
  const defendant = await registerParty(server, `1371000${String(seed).padStart(4, '0')}`, 400 + seed, '被告乙');
  const filed = await plaintiff.postForm<{ id: string }>(
    '/api/cases',
    { court: 'bj-chaoyang', caseType: 'labour', claims: ['支付拖欠工资'], facts: '用人单位拖欠三个月工资。', defendants: [{ name: '被告乙' }] },
    [
      { field: 'complaint', filename: 'c.pdf', bytes: sampleFiles.pdf() },
      { field: 'idProof', filename: 'id.png', bytes: sampleFiles.png() },
    ],
  );
  if (filed.status !== 201) throw new Error(`filing failed: ${filed.status} ${JSON.stringify(filed.body)}`);
  const caseId = filed.body.id;
  await clerk.post(`/api/cases/${caseId}/review`, { decision: 'accept' });
  const pay = await plaintiff.post<{ payment: { _id: string } }>(`/api/cases/${caseId}/payments`);
  const confirmed = await clerk.post<{ status: string }>(`/api/cases/${caseId}/payments/${pay.body.payment._id}/confirm`);
  if (confirmed.body.status !== 'feeSettled') throw new Error(`payment not confirmed: ${JSON.stringify(confirmed.body)}`);
  const ids = { clerk: await me(clerk), mediator: await me(mediator), plaintiff: await me(plaintiff), defendant: await me(defendant) };
  return { caseId, clerk, judge, mediator, plaintiff, defendant, ids };
}

export type UserSocket = Socket<UserServerToClient, UserClientToServer>;

/** A socket.io client on /user with the given login token; rejects with the handshake error. */
export async function openUserSocket(server: TestServer, token: string | undefined): Promise<UserSocket> {
  const socket: UserSocket = connect(`${server.url}/user`, { auth: token === undefined ? {} : { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
  return socket;
}

export function nextNotification(socket: UserSocket, predicate: (n: NotificationView) => boolean, timeoutMs = 10_000): Promise<NotificationView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('notification:new', listener);
      reject(new Error(`no matching notification:new within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (n: NotificationView) => {
      if (!predicate(n)) return;
      clearTimeout(timer);
      socket.off('notification:new', listener);
      resolve(n);
    };
    socket.on('notification:new', listener);
  });
}

/** Polls a user's notifications until one matches (side-effect notifications are sent in the background). */
export async function waitForNotification(
  client: ApiClient,
  predicate: (n: NotificationView) => boolean,
  timeoutMs = 10_000,
): Promise<NotificationView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await client.get<{ notifications: NotificationView[] }>('/api/notifications');
    const found = res.body.notifications.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching notification within ${timeoutMs} ms: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

