import type { NotificationView } from './notificationViews.js';

/**
 * Socket.io namespace /user: live events for one signed-in user, whichever
 * page they are on. Handshake: `auth: { token }` with the login (access) JWT.
 */
export interface UserServerToClient {
  'notification:new': (notification: NotificationView) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- push only: reading and marking go through REST
export interface UserClientToServer {}
