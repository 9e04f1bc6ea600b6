/**
 * Notifications (one document per message to one user) and each user's
 * notification settings. Texts are stored in both languages so that a user
 * who switches language later still reads their history.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export type NotificationLanguage = 'zh' | 'en';

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

export interface NotificationDoc extends NotificationInput {
  _id: string;
  userId: string;
  createdAt: string;
  readAt?: string;
  email: EmailOutcome;
}

export interface NotificationSettingsDoc {
  /** The user id: one settings document per user, created on first save. */
  _id: string;
  /** The address, encrypted like every other contact detail (privacy/personalData.ts). */
  emailEnc?: string;
  language: NotificationLanguage;
  updatedAt: string;
}

const notificationSchema = new Schema<NotificationDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    type: { type: String, required: true },
    caseId: String,
    titleZh: { type: String, required: true },
    titleEn: { type: String, required: true },
    bodyZh: { type: String, required: true },
    bodyEn: { type: String, required: true },
    link: String,
    createdAt: { type: String, required: true },
    readAt: String,
    email: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'notifications', versionKey: false, minimize: false },
);
// The inbox query: one user's newest first.
notificationSchema.index({ userId: 1, createdAt: -1 });

const settingsSchema = new Schema<NotificationSettingsDoc>(
  {
    _id: { type: String, required: true },
    emailEnc: String,
    language: { type: String, required: true, enum: ['zh', 'en'] },
    updatedAt: { type: String, required: true },
  },
  { collection: 'notification_settings', versionKey: false },
);

export function notificationModel(connection: Connection): Model<NotificationDoc> {
  return (
    (connection.models.Notification as Model<NotificationDoc> | undefined) ??
    connection.model<NotificationDoc>('Notification', notificationSchema)
  );
}

export function notificationSettingsModel(connection: Connection): Model<NotificationSettingsDoc> {
  return (
    (connection.models.NotificationSettings as Model<NotificationSettingsDoc> | undefined) ??
    connection.model<NotificationSettingsDoc>('NotificationSettings', settingsSchema)
  );
}

/** What clients see of a notification (over REST and pushed live). */
export interface NotificationView extends NotificationInput {
  id: string;
  createdAt: string;
  read: boolean;
  readAt?: string;
  email: EmailOutcome;
}

export function notificationView(n: NotificationDoc): NotificationView {
  const { _id, userId: _userId, ...rest } = n;
  return { id: _id, ...rest, read: n.readAt !== undefined };
}
