import type { Namespace, Server } from 'socket.io';
import { verifyAccessToken } from '../auth/tokens.js';
import { toAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { UserPush } from '../notifications/notificationService.js';
import type { UserClientToServer, UserServerToClient } from '../../protocol/user.js';

export type UserNamespace = Namespace<UserClientToServer, UserServerToClient>;

interface SocketData {
  userId: string;
}

/** The room of one user: every tab and device they have open joins it. */
export const userRoom = (userId: string) => `user:${userId}`;

/**
 * Socket.io namespace /user, authenticated with the login JWT (not a hearing
 * join token): a refused handshake gets `{ code, message }` in the error's data,
 * as in /hearing. Only the server speaks here.
 */
export function attachUserNamespace(io: Server, jwtSecret: string, logger: Logger): { push: UserPush } {
  const ns: UserNamespace = io.of('/user');

  ns.use((socket, next) => {
    try {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      const user = verifyAccessToken(typeof token === 'string' ? token : '', jwtSecret);
      (socket.data as SocketData).userId = user.id;
      next();
    } catch (err) {
      const e = toAppError(err);
      next(Object.assign(new Error(e.message), { data: { code: e.code, message: e.message } }));
    }
  });

  ns.on('connection', (socket) => {
    const { userId } = socket.data as SocketData;
    // socket.io joins synchronously for the in-memory adapter; the promise form covers other adapters.
    Promise.resolve(socket.join(userRoom(userId))).catch((err: unknown) => {
      logger.warn({ err, userId }, 'user socket could not join its room');
      socket.disconnect(true);
    });
  });

  return {
    push(userId, event, payload) {
      ns.to(userRoom(userId)).emit(event as keyof UserServerToClient, payload as never);
    },
  };
}
