/**
 * Notifications (one document per message to one user) and each user's
 * notification settings. Texts are stored in both languages so that a user
 * who switches language later still reads their history.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export type NotificationLanguage = 'zh' | 'en';

import type { EmailOutcome, NotificationInput, NotificationView } from '../../protocol/notificationViews.js';

// What clients see is defined by the protocol; the stored document adds the owner.
export type { EmailOutcome, EmailStatus, NotificationInput, NotificationView } from '../../protocol/notificationViews.js';

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

export function notificationView(n: NotificationDoc): NotificationView {
  const { _id, userId: _userId, ...rest } = n;
  return { id: _id, ...rest, read: n.readAt !== undefined };
}
