import crypto from 'node:crypto';
import type { Model } from 'mongoose';
import { isDuplicateKey } from '../cases/caseStore.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { OutgoingMail } from '../mail/mailer.js';
import { createPersonalDataCipher, type PersonalDataCipher } from '../privacy/personalData.js';
import { composeNotificationEmail } from './notificationEmail.js';
import {
  notificationModel,
  notificationSettingsModel,
  notificationView,
  type EmailOutcome,
  type NotificationDoc,
  type NotificationInput,
  type NotificationLanguage,
  type NotificationSettingsDoc,
} from './notificationModel.js';

/** Delivers a live event to every open socket of one user (see signalling/userNamespace.ts). */
export type UserPush = (userId: string, event: string, payload: unknown) => void;

export const NOTIFICATION_EVENT = 'notification:new';

export interface NotifyOptions {
  /**
   * Makes the call idempotent: the key becomes the notification's _id, so a
   * retried or concurrent notify with the same key stores, pushes and mails
   * nothing more and returns the first one. Prefix it with your domain
   * (`service:<attemptId>:<userId>`) so keys of different features never meet.
   */
  key?: string;
  /** Files to attach to the email (a served document, a receipt). Not stored with the notification. */
  attachments?: OutgoingMail['attachments'];
}

export interface NotificationSettings {
  email?: string;
  language: NotificationLanguage;
}

export interface NotificationPage {
  notifications: NotificationDoc[];
  unread: number;
  /** How many notifications the user has in all. */
  total: number;
  /** Whether older notifications follow this page (ask with `before` = the last one's createdAt). */
  more: boolean;
}

const DEFAULT_LANGUAGE: NotificationLanguage = 'zh';

/**
 * In-app, live and email notifications. The stored notification is the record;
 * the live push and the email are deliveries of it, so a failure of either
 * never loses the notification, and the email outcome is kept beside it.
 */
export class NotificationService {
  private readonly notifications: Model<NotificationDoc>;
  private readonly settings: Model<NotificationSettingsDoc>;

  constructor(
    private readonly ctx: AppContext,
    private readonly push: UserPush,
    private readonly cipher: PersonalDataCipher,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.notifications = notificationModel(ctx.connection);
    this.settings = notificationSettingsModel(ctx.connection);
  }

  /** Store, push live, then email (when the user gave an address and mail is configured). */
  async notify(userId: string, n: NotificationInput, options: NotifyOptions = {}): Promise<NotificationDoc> {
    for (const field of ['type', 'titleZh', 'titleEn', 'bodyZh', 'bodyEn'] as const) {
      if (typeof n[field] !== 'string' || n[field].trim() === '') throw new TypeError(`notify: ${field} is required`);
    }
    if (!userId) throw new TypeError('notify: userId is required');
    const prefs = await this.settings.findById(userId).lean<NotificationSettingsDoc>().exec();
    const address = this.addressOf(prefs);
    const at = this.nowIso();
    const email: EmailOutcome =
      address && this.ctx.mailer.available
        ? { status: 'pending', at }
        : { status: 'none', at, error: address ? 'No mail server is configured.' : 'No email address in the notification settings.' };
    const doc: NotificationDoc = {
      _id: options.key ?? crypto.randomUUID(),
      userId,
      type: n.type,
      ...(n.caseId !== undefined ? { caseId: n.caseId } : {}),
      titleZh: n.titleZh,
      titleEn: n.titleEn,
      bodyZh: n.bodyZh,
      bodyEn: n.bodyEn,
      ...(n.link !== undefined ? { link: n.link } : {}),
      createdAt: at,
      email,
    };
    try {
      await this.notifications.create(doc);
    } catch (err) {
      if (options.key !== undefined && isDuplicateKey(err)) {
        const first = await this.notifications.findById(options.key).lean<NotificationDoc>().exec();
        if (first) return first;
      }
      throw err;
    }
    this.pushLive(doc);
    if (email.status === 'none' || !address) return doc;
    return { ...doc, email: await this.mail(doc, address, prefs?.language ?? DEFAULT_LANGUAGE, options.attachments) };
  }

  /**
   * Fire-and-forget for side effects of a request (an agreement drafted, a case
   * settled): the reply does not wait for mail servers, and a failure is logged,
   * never thrown into the request that already succeeded.
   */
  notifyInBackground(userIds: readonly string[], n: NotificationInput, keyOf?: (userId: string) => string): void {
    for (const userId of new Set(userIds)) {
      this.notify(userId, n, keyOf ? { key: keyOf(userId) } : {}).catch((err: unknown) => {
        this.ctx.logger.error({ err, userId, type: n.type }, 'notification failed');
      });
    }
  }

  /** A user's own notifications, newest first, and how many are unread. */
  async list(userId: string, page: { limit: number; before?: string }): Promise<NotificationPage> {
    const filter = { userId, ...(page.before ? { createdAt: { $lt: page.before } } : {}) };
    const [found, unread, total] = await Promise.all([
      // One more than asked for tells whether another page follows.
      this.notifications.find(filter).sort({ createdAt: -1, _id: -1 }).limit(page.limit + 1).lean<NotificationDoc[]>().exec(),
      this.notifications.countDocuments({ userId, readAt: { $exists: false } }).exec(),
      this.notifications.countDocuments({ userId }).exec(),
    ]);
    return { notifications: found.slice(0, page.limit), unread, total, more: found.length > page.limit };
  }

  /** Marks every unread notification of the user read at once; returns how many it marked. */
  async markAllRead(userId: string): Promise<number> {
    const result = await this.notifications.updateMany({ userId, readAt: { $exists: false } }, { $set: { readAt: this.nowIso() } }).exec();
    return result.modifiedCount;
  }

  /** Marks one of the user's notifications read; the first reading time is kept. 404 for anyone else's. */
  async markRead(userId: string, id: string): Promise<NotificationDoc> {
    await this.notifications.updateOne({ _id: id, userId, readAt: { $exists: false } }, { $set: { readAt: this.nowIso() } }).exec();
    const doc = await this.notifications.findOne({ _id: id, userId }).lean<NotificationDoc>().exec();
    if (!doc) throw errors.notFound('The notification', 'NOTIFICATION_NOT_FOUND');
    return doc;
  }

  async getSettings(userId: string): Promise<NotificationSettings> {
    const prefs = await this.settings.findById(userId).lean<NotificationSettingsDoc>().exec();
    const email = this.addressOf(prefs);
    return { ...(email ? { email } : {}), language: prefs?.language ?? DEFAULT_LANGUAGE };
  }

  /** Replaces the settings: leaving `email` out removes the address. */
  async saveSettings(userId: string, input: NotificationSettings): Promise<NotificationSettings> {
    const doc: NotificationSettingsDoc = {
      _id: userId,
      ...(input.email ? { emailEnc: this.cipher.encrypt(input.email) } : {}),
      language: input.language,
      updatedAt: this.nowIso(),
    };
    await this.settings.replaceOne({ _id: userId }, doc, { upsert: true }).exec();
    return { ...(input.email ? { email: input.email } : {}), language: input.language };
  }

  private async mail(doc: NotificationDoc, address: string, language: NotificationLanguage, attachments: NotifyOptions['attachments']): Promise<EmailOutcome> {
    const message = composeNotificationEmail(address, doc, language, this.ctx.publicUrl());
    const result = await this.ctx.mailer.send(attachments ? { ...message, attachments } : message);
    const at = this.nowIso();
    const outcome: EmailOutcome = result.accepted
      ? { status: 'sent', at, ...(result.messageId ? { messageId: result.messageId } : {}) }
      : { status: 'failed', at, error: result.error ?? result.response ?? 'The mail server did not accept the message.' };
    if (outcome.status === 'failed') this.ctx.logger.warn({ notificationId: doc._id, error: outcome.error }, 'notification email failed');
    await this.notifications.updateOne({ _id: doc._id }, { $set: { email: outcome } }).exec();
    return outcome;
  }

  private pushLive(doc: NotificationDoc): void {
    try {
      this.push(doc.userId, NOTIFICATION_EVENT, notificationView(doc));
    } catch (err) {
      // The notification is stored; the user sees it on the next load even if the live push failed.
      this.ctx.logger.warn({ err, notificationId: doc._id }, 'live notification push failed');
    }
  }

  private addressOf(prefs: NotificationSettingsDoc | null): string | undefined {
    if (!prefs?.emailEnc) return undefined;
    try {
      return this.cipher.decrypt(prefs.emailEnc);
    } catch (err) {
      this.ctx.logger.error({ err, userId: prefs._id }, 'stored notification email cannot be decrypted');
      return undefined;
    }
  }

  private nowIso(): string {
    return this.now().toISOString();
  }
}

export function createNotificationService(ctx: AppContext, push: UserPush): NotificationService {
  return new NotificationService(ctx, push, createPersonalDataCipher(ctx.config.dataEncryptionKey));
}

/**
 * Services are created before the socket server exists (server.ts); this
 * forwards pushes once the /user namespace is connected. Until then nobody can
 * be connected, so a dropped push loses nothing: the notification is stored.
 */
export class UserPushRelay {
  private target: { push: UserPush } | undefined;

  readonly push: UserPush = (userId, event, payload) => this.target?.push(userId, event, payload);

  connect(target: { push: UserPush }): void {
    this.target = target;
  }
}
