/**
 * One-time codes sent by SMS, proving that a person holds a phone number (registration, log-in
 * past the guessing delays, asking the court to review an ID number). A code is six digits,
 * lives ten minutes, allows five wrong tries and is used once. Only its keyed hash is stored.
 *
 * Messages go through the platform's SmsProvider (service/smsProvider.ts): a carrier gateway
 * in a real deployment, the built-in outbox that records each message otherwise.
 */
import crypto from 'node:crypto';
import type { Connection } from 'mongoose';
import { errors } from '../errors.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';
import type { SmsProvider } from '../mail/sms.js';

export const SMS_CODE_PURPOSES = ['register', 'login', 'identityReview'] as const;
export type SmsCodePurpose = (typeof SMS_CODE_PURPOSES)[number];

export const SMS_CODE_TTL_MS = 10 * 60 * 1000;
export const SMS_CODE_MAX_ATTEMPTS = 5;
export const SMS_CODE_PATTERN = /^\d{6}$/;
/** The reference every authentication message carries in the SMS outbox. */
export const SMS_CODE_REFERENCE = 'auth-code';

const PURPOSE_ZH: Record<SmsCodePurpose, string> = { register: '注册账号', login: '登录', identityReview: '申请身份核验' };
const PURPOSE_EN: Record<SmsCodePurpose, string> = { register: 'to register', login: 'to log in', identityReview: 'to ask the court to review your identity' };

interface SmsCodeDoc {
  _id: string;
  codeHash: string;
  expiresAt: Date;
  attempts: number;
  createdAt: Date;
}

export type SmsCodeCheck = { ok: true } | { ok: false; reason: 'wrong' | 'expired' };

export class SmsCodes {
  constructor(
    private readonly connection: Connection,
    private readonly cipher: PersonalDataCipher,
    private readonly sms: SmsProvider,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get collection() {
    return this.connection.collection<SmsCodeDoc>('sms_codes');
  }

  private id(phone: string, purpose: SmsCodePurpose): string {
    return `${purpose}:${this.cipher.lookupHash('phone', phone)}`;
  }

  private hash(id: string, code: string): string {
    // Keyed by the record id, so equal codes for two phones do not share a hash.
    return crypto.createHash('sha256').update(`${id}\u0000${code}`).digest('base64url');
  }

  /** Send a fresh code (replacing any earlier one for the same phone and purpose). */
  async issue(phone: string, purpose: SmsCodePurpose): Promise<void> {
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    const id = this.id(phone, purpose);
    const now = this.now();
    await this.collection.replaceOne(
      { _id: id },
      { codeHash: this.hash(id, code), expiresAt: new Date(now.getTime() + SMS_CODE_TTL_MS), attempts: 0, createdAt: now },
      { upsert: true },
    );
    await this.send(
      phone,
      `【微法庭】验证码 ${code}，10分钟内有效，用于${PURPOSE_ZH[purpose]}。请勿告诉他人。如非本人操作，请忽略。` +
        ` microcourt code ${code} ${PURPOSE_EN[purpose]}, valid for 10 minutes. Never share it.`,
    );
  }

  /** A message without a code (e.g. "you already have an account"), through the same channel. */
  async notify(phone: string, text: string): Promise<void> {
    await this.send(phone, text);
  }

  private async send(phone: string, text: string): Promise<void> {
    const result = await this.sms.send({ to: phone, text, reference: SMS_CODE_REFERENCE });
    if (!result.sent) throw errors.unavailable('The text message could not be sent. Please try again in a minute.', 'SMS_UNAVAILABLE');
  }

  /**
   * Checks a code. Each try is counted atomically before comparing, so parallel guesses get
   * no more than the allowed tries. `consume` uses the code up on success.
   */
  async check(phone: string, purpose: SmsCodePurpose, code: string, options: { consume: boolean }): Promise<SmsCodeCheck> {
    const id = this.id(phone, purpose);
    const now = this.now();
    const counted = await this.collection.findOneAndUpdate(
      { _id: id, expiresAt: { $gt: now }, attempts: { $lt: SMS_CODE_MAX_ATTEMPTS } },
      { $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    );
    if (!counted) return { ok: false, reason: 'expired' };
    const expected = Buffer.from(counted.codeHash);
    const given = Buffer.from(this.hash(id, code));
    if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return { ok: false, reason: 'wrong' };
    if (options.consume) {
      // Deleting by hash as well: of two requests racing with the same code, only one uses it.
      const removed = await this.collection.deleteOne({ _id: id, codeHash: counted.codeHash });
      if (removed.deletedCount !== 1) return { ok: false, reason: 'expired' };
    } else {
      // A right code does not use up a try: the person may still need it for the next step.
      await this.collection.updateOne({ _id: id }, { $inc: { attempts: -1 } });
    }
    return { ok: true };
  }

  /** check(), turned into the stable errors a client shows. */
  async require(phone: string, purpose: SmsCodePurpose, code: string, options: { consume: boolean }): Promise<void> {
    const result = await this.check(phone, purpose, code, options);
    if (result.ok) return;
    if (result.reason === 'wrong') {
      throw errors.validation('The SMS code is not correct.', { messageZh: '短信验证码不正确。' }, 'SMS_CODE_INVALID');
    }
    throw errors.validation(
      'The SMS code has expired or was tried too many times. Please ask for a new code.',
      { messageZh: '短信验证码已过期或错误次数过多，请重新获取。' },
      'SMS_CODE_EXPIRED',
    );
  }

  async consumeNow(phone: string, purpose: SmsCodePurpose): Promise<void> {
    await this.collection.deleteOne({ _id: this.id(phone, purpose) });
  }
}
