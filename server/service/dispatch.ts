/**
 * Sending one served document down each channel, and recording every step the channel
 * reports into the delivery log (through the pure `applyDeliveryStep`, which refuses steps
 * out of order). Each recorded step re-evaluates the recipient's effect.
 *
 *   inbox: an item on the platform, pushed live through the Notifier; delivered at once,
 *          read when the recipient opens it, acknowledged when they say so.
 *   email: through ctx.mailer; 'sent' = the SMTP server accepted it (C7 Art. 135).
 *   sms:   through the SmsProvider; sent and delivered as its report says.
 * Email and SMS carry a link `${publicUrl}/s/<token>` and a one-time code. Following the link
 * only shows a page (a link scanner must not make service effective); the document is opened,
 * and read recorded, only by the recipient logged in or entering the code (inbox.ts).
 */
import crypto from 'node:crypto';
import { addressConfirmed, consentActiveAt, type EServiceConsent, type ServiceChannel } from '../../state-machines/service/consent.js';
import { applyDeliveryStep, stepAt, type DeliveryStep } from '../../state-machines/service/delivery.js';
import { maskPhone } from '../../state-machines/rules/idNumber.js';
import { errors } from '../errors.js';
import type { UserDoc } from '../users/userModel.js';
import { SYSTEM_ACTOR } from '../../state-machines/case/caseMachine.js';
import type { ConsentVersion } from './consents.js';
import { foldDeliveries, type StepData } from './deliveryLog.js';
import type { ServiceEffects } from './effects.js';
import type { ServiceDeps } from './serviceDeps.js';
import type { DeliveryDoc, ServiceDoc } from './serviceModels.js';
import { emailText, inboxNoticeText, smsText } from './serviceTexts.js';


export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

export function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** The code is hashed with its token: six digits alone would be a lookup table away. */
export function codeHash(token: string, code: string): string {
  return crypto.createHash('sha256').update(`${token}:${code}`).digest('hex');
}

interface ResolvedAddress {
  value?: string;
  masked: string;
  confirmed: boolean;
  /** Why nothing can be sent on this channel. */
  missing?: string;
}

/**
 * Where to send: the consent's address for the channel (one the recipient confirmed first),
 * for SMS falling back to the phone the recipient registered with. `addressConfirmed` is
 * judged on the consent in force at this instant, so a later change does not rewrite history.
 */
export function resolveAddress(channel: ServiceChannel, user: UserDoc, consent: EServiceConsent | undefined, phone: string, at: string): ResolvedAddress {
  const active = consent && consentActiveAt(consent, at) ? consent : undefined;
  const listed = (active?.addresses ?? []).filter((a) => a.channel === channel).sort((a, b) => Number(b.confirmedByRecipient) - Number(a.confirmedByRecipient));
  const userId = user._id.toHexString();
  switch (channel) {
    case 'inbox':
      return { value: userId, masked: `平台账户 ${userId}`, confirmed: addressConfirmed(active, 'inbox', userId, at) };
    case 'email': {
      const email = listed[0]?.value;
      if (!email) return { masked: '（无）', confirmed: false, missing: 'NO_EMAIL_ADDRESS' };
      return { value: email, masked: maskEmail(email), confirmed: addressConfirmed(active, 'email', email, at) };
    }
    case 'sms': {
      const number = listed[0]?.value ?? phone;
      return { value: number, masked: maskPhone(number), confirmed: addressConfirmed(active, 'sms', number, at) };
    }
  }
}

export interface Outgoing {
  service: ServiceDoc;
  delivery: DeliveryDoc;
  address: ResolvedAddress;
  recipientName: string;
  courtNameZh: string;
  /** The served file, attached to the email. */
  file: { bytes: Buffer; mediaType: string };
}

export class Dispatcher {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly effects: ServiceEffects,
  ) {}

  /** The 'created' entry: fixes channel, masked address, whether it was confirmed, and the consent then in force. */
  async created(service: ServiceDoc, delivery: DeliveryDoc, consent: ConsentVersion | undefined, missing?: string): Promise<void> {
    await this.deps.log.append(service._id, () => ({
      type: 'STEP',
      actor: { userId: service.createdBy, role: 'clerk' },
      data: {
        deliveryId: delivery._id,
        recipientId: delivery.recipientId,
        step: 'created',
        channel: delivery.channel,
        address: delivery.addressMasked,
        addressConfirmed: delivery.addressConfirmed,
        detail: {
          consent: consent ? { version: consent.version, ground: consent.consent.ground, channel: consent.consent.channel, capturedAt: consent.consent.capturedAt, ...(consent.consent.revokedAt ? { revokedAt: consent.consent.revokedAt } : {}) } : null,
          ...(missing ? { missing } : {}),
        },
      } satisfies StepData as unknown as Record<string, unknown>,
    }));
  }

  /**
   * Record `step` on a delivery. Idempotent: a step already recorded is not recorded again
   * (opening an inbox item twice is one read). A step the delivery cannot take is 409 INVALID_STEP.
   */
  async step(service: ServiceDoc, deliveryId: string, step: DeliveryStep, actor: { userId: string; role: string } = SYSTEM_ACTOR, detail?: Record<string, unknown>, options: { evaluate?: boolean } = {}): Promise<boolean> {
    let recipientId = '';
    const entry = await this.deps.log.append(service._id, (entries, at) => {
      const current = foldDeliveries(entries).get(deliveryId);
      if (!current) throw errors.notFound('The delivery', 'DELIVERY_NOT_FOUND');
      recipientId = current.recipientId;
      if (stepAt(current.record, step) !== undefined) return null;
      const applied = applyDeliveryStep(current.record, step, at);
      if (!applied.ok) throw errors.conflict(`This delivery cannot be marked ${step}: ${applied.error.message}.`, 'INVALID_STEP');
      const data: StepData = { deliveryId, recipientId: current.recipientId, step, ...(detail ? { detail } : {}) };
      return { type: 'STEP', actor, data: data as unknown as Record<string, unknown> };
    });
    // A report that will be followed at once by the next one (inbox: sent then delivered) is not
    // evaluated on its own: one service gives one effect, not one per intermediate report.
    if (entry && options.evaluate !== false) await this.effects.evaluate(service, recipientId);
    return entry !== null;
  }

  async send(out: Outgoing): Promise<void> {
    const { service, delivery, address } = out;
    if (address.missing || !address.value) {
      await this.step(service, delivery._id, 'failed', SYSTEM_ACTOR, { reason: address.missing ?? 'NO_ADDRESS' });
      return;
    }
    switch (delivery.channel) {
      case 'inbox':
        return this.sendInbox(out);
      case 'email':
        return this.sendEmail(out, address.value);
      case 'sms':
        return this.sendSms(out, address.value);
    }
  }

  /** A new link token and one-time code; only their hashes are stored. */
  static newToken(): { token: string; hash: string; code: string; codeHash: string } {
    const token = crypto.randomBytes(24).toString('base64url');
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    return { token, hash: tokenHash(token), code, codeHash: codeHash(token, code) };
  }

  private link(token: string): string {
    return `${this.deps.publicUrl()}/s/${token}`;
  }

  private async sendInbox(out: Outgoing): Promise<void> {
    const { service, delivery } = out;
    await this.step(service, delivery._id, 'sent', SYSTEM_ACTOR, undefined, { evaluate: false });
    await this.step(service, delivery._id, 'delivered');
    try {
      const text = inboxNoticeText({ courtNameZh: out.courtNameZh, caseNumber: service.caseNumber, title: service.document.title, recipientName: out.recipientName });
      await this.deps.notifier.notify(delivery.recipientId, { type: 'service.delivered', caseId: service.caseId, ...text, link: `/inbox/${delivery._id}` }, { key: `service:${delivery._id}` });
    } catch (err) {
      // The item is in the inbox either way; only the live push failed.
      this.deps.logger.warn({ err, deliveryId: delivery._id }, 'inbox notification could not be pushed');
    }
  }

  private async sendEmail(out: Outgoing, to: string): Promise<void> {
    const { service, delivery } = out;
    const { token, hash, code, codeHash: codeHashed } = Dispatcher.newToken();
    await this.deps.models.deliveries.updateOne({ _id: delivery._id }, { $set: { tokenHash: hash, codeHash: codeHashed } }).exec();
    const base = this.deps.publicUrl();
    const { subject, text } = emailText({
      courtNameZh: out.courtNameZh,
      caseNumber: service.caseNumber,
      title: service.document.title,
      recipientName: out.recipientName,
      link: this.link(token),
      code,
      sha256: service.document.sha256,
      verifyUrl: `${base}/verify/${service.document.sha256}`,
    });
    const result = await this.deps.mailer.send({
      to,
      subject,
      text,
      attachments: [{ filename: service.document.filename, content: out.file.bytes, contentType: out.file.mediaType }],
    });
    if (result.accepted) {
      await this.step(service, delivery._id, 'sent', SYSTEM_ACTOR, { ...(result.messageId ? { messageId: result.messageId } : {}) });
    } else {
      await this.step(service, delivery._id, 'failed', SYSTEM_ACTOR, { reason: this.deps.mailer.available ? 'MAIL_REJECTED' : 'MAIL_UNAVAILABLE', ...(result.error ? { error: result.error.slice(0, 300) } : {}) });
    }
  }

  private async sendSms(out: Outgoing, to: string): Promise<void> {
    const { service, delivery } = out;
    const { token, hash, code, codeHash: codeHashed } = Dispatcher.newToken();
    await this.deps.models.deliveries.updateOne({ _id: delivery._id }, { $set: { tokenHash: hash, codeHash: codeHashed } }).exec();
    const text = smsText({ courtNameZh: out.courtNameZh, caseNumber: service.caseNumber, title: service.document.title, recipientName: out.recipientName, link: this.link(token), code });
    const result = await this.deps.sms.send({ to, text, reference: delivery._id, secrets: [token, code] });
    if (!result.sent) {
      await this.step(service, delivery._id, 'failed', SYSTEM_ACTOR, { reason: 'SMS_NOT_SENT', ...(result.error ? { error: result.error.slice(0, 300) } : {}) });
      return;
    }
    await this.step(service, delivery._id, 'sent', SYSTEM_ACTOR, { provider: this.deps.sms.name, ...(result.providerMessageId ? { messageId: result.providerMessageId } : {}) }, { evaluate: !result.delivered });
    if (result.delivered) await this.step(service, delivery._id, 'delivered', SYSTEM_ACTOR, { provider: this.deps.sms.name });
  }
}
