import type { NotificationView } from './notificationViews.js';
import type { CombinedFileJobView } from './playbackViews.js';
import type { ReviewProgress } from './review.js';

/**
 * Socket.io namespace /user: live events for one signed-in user, whichever
 * page they are on. Handshake: `auth: { token }` with the login (access) JWT.
 */
export interface UserServerToClient {
  'notification:new': (notification: NotificationView) => void;
  /** The reading review of a filing moved on (to its filer and the court's clerks). */
  'review:progress': (progress: ReviewProgress) => void;
  /** A combined file the user asked for moved on (queued, progress, done or failed). */
  'recording:combined': (job: CombinedFileJobView) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- push only: reading and marking go through REST
export interface UserClientToServer {}
