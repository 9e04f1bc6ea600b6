import { io as connect, type Socket } from 'socket.io-client';
import type { NotificationView } from '../../../protocol/notificationViews.js';
import type { UserClientToServer, UserServerToClient } from '../../../protocol/user.js';
import { DEMO_PASSWORD } from '../../../server/seedData.js';
import { login, type ApiClient } from '../../support/api.js';
import { feeSettledCase as filedAndPaid, me } from '../service/fixture.js';
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

export { me };

/**
 * A case filed, docketed and paid through the real API (status feeSettled): the
 * electronic-service fixture's case (the complaint names the defendant by the ID
 * number they registered with), plus the demo court's judge and mediator.
 */
export async function feeSettledCase(server: TestServer, seed: number): Promise<MediationFixture> {
  const c = await filedAndPaid(server, seed);
  const judge = await login(server, '13800000002', DEMO_PASSWORD);
  const mediator = await login(server, '13800000003', DEMO_PASSWORD);
  return { caseId: c.caseId, clerk: c.clerk, judge, mediator, plaintiff: c.plaintiff, defendant: c.defendant, ids: { ...c.ids, mediator: await me(mediator) } };
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

