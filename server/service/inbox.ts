/**
 * Electronic service, the recipient's and the public's side: the platform inbox (opening an
 * item is the read receipt, acknowledging is the reply that it was received), the link in
 * emails and text messages, and the public check of a served document or receipt by its hash.
 */
import crypto from 'node:crypto';
import type { AuthUser } from '../auth/tokens.js';
import { AppError, errors } from '../errors.js';
import { stepAt } from '../../state-machines/service/delivery.js';
import { foldDeliveries } from './deliveryLog.js';
import { codeHash, tokenHash } from './dispatch.js';
import type { ElectronicService } from './electronicService.js';
import type { DeliveryDoc, EffectDoc, ServiceDoc, VerifiableDoc } from './serviceModels.js';
import { maskName } from './effects.js';
import { inboxItemView, latestEffects } from './views.js';

const HASH = /^[0-9a-f]{64}$/;
const MAX_CODE_ATTEMPTS = 5;

export class Inbox {
  constructor(private readonly service: ElectronicService) {}

  private get deps() {
    return this.service.deps;
  }

  /** Every document served on the caller, newest first. */
  async list(user: AuthUser) {
    const deliveries = await this.deps.models.deliveries.find({ recipientId: user.id }).sort({ createdAt: -1 }).limit(1000).lean<DeliveryDoc[]>().exec();
    const serviceIds = [...new Set(deliveries.map((d) => d.serviceId))].slice(0, 200);
    const services = await this.deps.models.services.find({ _id: { $in: serviceIds } }).lean<ServiceDoc[]>().exec();
    const entries = await this.deps.log.entriesOf(serviceIds);
    const effects = latestEffects(await this.deps.models.effects.find({ serviceId: { $in: serviceIds }, recipientId: user.id }).lean<EffectDoc[]>().exec());
    const byId = new Map(services.map((s) => [s._id, s]));
    return serviceIds.flatMap((id) => {
      const s = byId.get(id);
      return s ? [inboxItemView(s, user.id, entries.get(id) ?? [], effects)] : [];
    });
  }

  /** The caller's own delivery; anyone else's is 404 (whether it exists is not disclosed). */
  private async own(user: AuthUser, deliveryId: string): Promise<{ delivery: DeliveryDoc; service: ServiceDoc }> {
    const delivery = await this.deps.models.deliveries.findById(deliveryId).lean<DeliveryDoc>().exec();
    if (!delivery || delivery.recipientId !== user.id) throw errors.notFound('The served document', 'DELIVERY_NOT_FOUND');
    const service = await this.deps.models.services.findById(delivery.serviceId).lean<ServiceDoc>().exec();
    if (!service) throw errors.notFound('The served document', 'DELIVERY_NOT_FOUND');
    return { delivery, service };
  }

  private async item(service: ServiceDoc, recipientId: string) {
    const entries = await this.deps.log.entries(service._id);
    const effects = latestEffects(await this.deps.models.effects.find({ serviceId: service._id, recipientId }).lean<EffectDoc[]>().exec());
    const view = inboxItemView(service, recipientId, entries, effects);
    if (!service.document.hearing) return view;
    // A summons: the recipient sees when the hearing is and how to join it.
    const hearing = await this.service.filing.hearingOf(service.caseId, service.document.hearing.hearingId).catch(() => null);
    return hearing ? { ...view, hearing: { id: hearing._id, kind: hearing.kind, startsAt: hearing.startsAt, joinUrl: `/hearings/${hearing._id}` } } : view;
  }

  /** Opening an inbox item is its read receipt. */
  async open(user: AuthUser, deliveryId: string) {
    const { delivery, service } = await this.own(user, deliveryId);
    if (delivery.channel === 'inbox') await this.service.dispatcher.step(service, delivery._id, 'read', { userId: user.id, role: 'party' });
    return this.item(service, user.id);
  }

  /**
   * The recipient replies that they received it (C1 Art. 31 Case 2(i)). No read is implied:
   * the reply is the firmer fact, and recording a read a moment before it would turn a
   * complete service into a presumed one.
   */
  async acknowledge(user: AuthUser, deliveryId: string) {
    const { delivery, service } = await this.own(user, deliveryId);
    if (delivery.channel !== 'inbox') throw errors.invalidState('Only a platform inbox item can be acknowledged here.', 'NOT_AN_INBOX_ITEM');
    await this.service.dispatcher.step(service, delivery._id, 'acknowledged', { userId: user.id, role: 'party' });
    await this.tellAcknowledged(service, delivery._id, user.id);
    return this.item(service, user.id);
  }

  /** The acknowledgement as logged (a repeat keeps the first time), to those who act on it (signing for a 调解书). */
  private async tellAcknowledged(service: ServiceDoc, deliveryId: string, recipientId: string): Promise<void> {
    if (this.service.acknowledgementListeners.length === 0) return;
    const folded = foldDeliveries(await this.deps.log.entries(service._id)).get(deliveryId);
    const at = folded ? stepAt(folded.record, 'acknowledged') : undefined;
    if (!at) return;
    for (const listener of this.service.acknowledgementListeners) await listener(service, recipientId, at);
  }

  /** The served file itself; downloading it from the inbox is reading it. */
  async document(user: AuthUser, deliveryId: string) {
    const { delivery, service } = await this.own(user, deliveryId);
    if (delivery.channel === 'inbox') await this.service.dispatcher.step(service, delivery._id, 'read', { userId: user.id, role: 'party' });
    const bytes = await this.deps.documents.read(service.document.documentId);
    return { bytes, filename: service.document.filename, sha256: service.document.sha256 };
  }

  private async byToken(token: string): Promise<{ delivery: DeliveryDoc; service: ServiceDoc }> {
    const valid = /^[A-Za-z0-9_-]{16,64}$/.test(token);
    const delivery = valid ? await this.deps.models.deliveries.findOne({ tokenHash: tokenHash(token) }).lean<DeliveryDoc>().exec() : null;
    const service = delivery ? await this.deps.models.services.findById(delivery.serviceId).lean<ServiceDoc>().exec() : null;
    if (!delivery || !service) throw errors.notFound('The link', 'LINK_NOT_FOUND');
    return { delivery, service };
  }

  /**
   * What the link in an email or text message shows before anyone opens the document. Following
   * the link records nothing: a mail scanner or link preview follows links too.
   */
  async linkInfo(token: string) {
    const { delivery, service } = await this.byToken(token);
    return {
      deliveryId: delivery._id,
      title: service.document.title,
      kind: service.document.kind,
      caseNumber: service.caseNumber,
      court: await this.service.filing.courtName(service.courtId),
      sha256: service.document.sha256,
      servedAt: service.createdAt,
      channel: delivery.channel,
      codeUsable: Boolean(delivery.codeHash) && !delivery.codeUsedAt && (delivery.codeAttempts ?? 0) < MAX_CODE_ATTEMPTS,
    };
  }

  /**
   * The recipient opens the document from the link: logged in as the recipient, or with the
   * one-time code sent with it (used once; a replay is refused). Only this records the read.
   */
  async openLink(token: string, user: AuthUser | undefined, code: string | undefined) {
    const { delivery, service } = await this.byToken(token);
    if (user && user.id === delivery.recipientId) {
      await this.service.dispatcher.step(service, delivery._id, 'read', { userId: user.id, role: 'party' });
    } else if (code !== undefined) {
      if (!delivery.codeHash) throw errors.notFound('The link', 'LINK_NOT_FOUND');
      if (delivery.codeUsedAt) throw errors.conflict('This one-time code was already used. Log in to open the document again.', 'LINK_ALREADY_USED');
      if ((delivery.codeAttempts ?? 0) >= MAX_CODE_ATTEMPTS) throw errors.rateLimited('Too many wrong codes for this link. Log in to open the document.', 'LINK_LOCKED');
      const given = Buffer.from(codeHash(token, code));
      if (!crypto.timingSafeEqual(given, Buffer.from(delivery.codeHash))) {
        await this.deps.models.deliveries.updateOne({ _id: delivery._id }, { $inc: { codeAttempts: 1 } }).exec();
        throw errors.validation('The code does not match the one sent with this link.', undefined, 'WRONG_CODE');
      }
      // Only the first of concurrent openers with the right code gets through. The claim is an
      // insert keyed by the delivery: a unique _id decides even on servers (FerretDB 1.x) where a
      // conditional update is not atomic under concurrency.
      const usedAt = this.deps.now().toISOString();
      try {
        await this.deps.models.deliveries.db.collection<{ _id: string; usedAt: string }>('service_link_code_uses').insertOne({ _id: delivery._id, usedAt });
      } catch (err) {
        if ((err as { code?: number }).code === 11000) throw errors.conflict('This one-time code was already used. Log in to open the document again.', 'LINK_ALREADY_USED');
        throw err;
      }
      await this.deps.models.deliveries.updateOne({ _id: delivery._id }, { $set: { codeUsedAt: usedAt } }).exec();
      await this.service.dispatcher.step(service, delivery._id, 'read', { userId: delivery.recipientId, role: 'recipient-code' });
    } else if (user) {
      throw errors.forbidden('This document was served on someone else.', 'LINK_NOT_YOURS');
    } else {
      throw new AppError('unauthorised', 'CODE_REQUIRED', 'Log in as the recipient, or enter the one-time code sent with the link.');
    }
    const bytes = await this.deps.documents.read(service.document.documentId);
    return { bytes, filename: service.document.filename, sha256: service.document.sha256 };
  }

  /** Whom a document was served on and when each service took effect; names masked as on a receipt. */
  private async servedTo(sha256: string) {
    const services = await this.deps.models.services.find({ 'document.sha256': sha256 }).limit(50).lean<ServiceDoc[]>().exec();
    if (services.length === 0) return [];
    const effects = latestEffects(await this.deps.models.effects.find({ serviceId: { $in: services.map((s) => s._id) } }).lean<EffectDoc[]>().exec());
    return services.flatMap((s) =>
      s.recipients.map((r) => {
        const e = effects.get(`${s._id}:${r.userId}`);
        return { recipient: maskName(r.name), ...(e ? { effectiveAt: e.effect.effectiveAt, basis: e.effect.basis, channel: e.effect.channel, presumed: e.effect.presumed } : { effectiveAt: null }) };
      }),
    );
  }

  /**
   * Is a document or receipt with this hash (its file SHA-256, or the fingerprint printed on
   * it) one this platform issued or served? Answers without login; says no more about people
   * than the paper itself does, masked.
   */
  async verify(hash: string) {
    const h = hash.trim().toLowerCase();
    if (!HASH.test(h)) throw errors.validation('A hash is 64 hexadecimal characters (SHA-256).', undefined, 'INVALID_HASH');
    const found =
      (await this.deps.models.verifiable.findById(h).lean<VerifiableDoc>().exec()) ??
      (await this.deps.models.verifiable.findOne({ contentHash: h }).lean<VerifiableDoc>().exec());
    if (!found) return { genuine: false as const };
    const base = {
      // Reserved for the PDF signature and timestamp check (signed documents); null until then.
      signature: null,
      genuine: true as const,
      type: found.type,
      matched: found._id === h ? ('file' as const) : ('fingerprint' as const),
      title: found.title,
      caseNumber: found.caseNumber,
      court: found.courtNameZh,
      issuedAt: found.issuedAt,
      sha256: found._id,
      ...(found.contentHash ? { contentHash: found.contentHash } : {}),
    };
    if (found.type !== 'serviceReceipt' || !found.receipt) return { ...base, servedTo: await this.servedTo(found._id) };
    const r = found.receipt;
    return {
      ...base,
      served: r.served,
      recipient: r.recipient,
      channel: r.channel,
      effectiveAt: r.effectiveAt,
      presumed: r.presumed,
      basis: r.basis,
      revision: r.version,
    };
  }
}
