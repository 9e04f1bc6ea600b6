import type { NotificationView } from './notificationViews.js';
import type { ReviewProgress } from './review.js';

/**
 * Socket.io namespace /user: live events for one signed-in user, whichever
 * page they are on. Handshake: `auth: { token }` with the login (access) JWT.
 */
export interface UserServerToClient {
  'notification:new': (notification: NotificationView) => void;
  /** The reading review of a filing moved on (to its filer and the court's clerks). */
  'review:progress': (progress: ReviewProgress) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- push only: reading and marking go through REST
export interface UserClientToServer {}
