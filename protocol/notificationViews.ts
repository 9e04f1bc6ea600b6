/** Notifications as the REST API and the /user channel deliver them (server/notifications). */

/**
 * `pending` exists only while the message is with the mail server: notify()
 * resolves after the outcome is stored, so callers see sent, failed or none.
 * A `pending` left in the database means the process stopped mid-send.
 */
export type EmailStatus = 'sent' | 'failed' | 'none' | 'pending';

export interface EmailOutcome {
  status: EmailStatus;
  at: string;
  /** Why it failed, or why no email was attempted (status none). */
  error?: string;
  /** The SMTP server's message id: what a delivery record can point at. */
  messageId?: string;
}

/** What a notification says, in both languages. */
export interface NotificationInput {
  type: string;
  caseId?: string;
  titleZh: string;
  titleEn: string;
  bodyZh: string;
  bodyEn: string;
  /** A path inside the app (`/cases/...`) or an absolute http(s) URL. */
  link?: string;
}

/** What clients see of a notification (over REST and pushed live). */
export interface NotificationView extends NotificationInput {
  id: string;
  createdAt: string;
  read: boolean;
  readAt?: string;
  email: EmailOutcome;
}
