/**
 * Electronic service (电子送达), the court's side: consent and addresses, issuing court
 * documents, serving a document on recipients over several channels, rebuttals, and the
 * proof of it all. The recipient's side (inbox, links, public verification) is in inbox.ts.
 */
import crypto from 'node:crypto';
import { consentActiveAt, type ConsentGround, type ServiceAddress, type ServiceChannel } from '../../state-machines/service/consent.js';
import { stepAt } from '../../state-machines/service/delivery.js';
import { effectiveService } from '../../state-machines/service/effectiveService.js';
import type { AuthUser } from '../auth/tokens.js';
import type { CaseDoc, StoredDocument } from '../cases/caseModel.js';
import type { CourtDocumentKind } from '../documents/courtDocuments.js';
import { errors } from '../errors.js';
import { CourtDocumentFiling, COURT_DOCUMENT } from './courtDocumentFiling.js';
import { Dispatcher, resolveAddress } from './dispatch.js';
import { foldDeliveries, type LogVerification } from './deliveryLog.js';
import { ServiceEffects } from './effects.js';
import { CaseParties, isClerkOf, isStaffOf } from './parties.js';
import type { ServiceDeps } from './serviceDeps.js';
import type { DeliveryDoc, EffectDoc, RecipientSide, ServedDocument, ServiceDoc } from './serviceModels.js';
import { caseRecipients, channelOptions, requireConsented, ALTERNATIVES } from './serviceOptions.js';
import { consentView, latestEffects, serviceView } from './views.js';

export interface ConsentRequest {
  userId: string;
  ground: ConsentGround;
  channel: 'phone' | 'platform' | 'written';
  addresses: ServiceAddress[];
  evidenceRef?: string;
}

export interface ServeRequest {
  document: { kind: CourtDocumentKind; hearingId?: string } | { documentId: string };
  recipients: { userId: string; side?: RecipientSide }[];
  channels: ServiceChannel[];
}

/** Titles of party documents when they are served (e.g. 起诉状副本 on the defendant). */
const SERVED_TITLES: Record<string, string> = { complaint: '起诉状副本', evidence: '证据材料', idProof: '身份证明材料', other: '诉讼材料', judgment: '民事判决书', ruling: '民事裁定书' };
const PLAINTIFF_ONLY: ReadonlySet<CourtDocumentKind> = new Set(['acceptanceNotice', 'feeNotice']);

export class ElectronicService {
  readonly filing: CourtDocumentFiling;
  readonly parties: CaseParties;
  readonly effects: ServiceEffects;
  readonly dispatcher: Dispatcher;
  /** Told when a recipient acknowledges (signs for) a served document in their inbox, with its time. */
  readonly acknowledgementListeners: ((service: ServiceDoc, recipientId: string, acknowledgedAt: string) => Promise<void>)[] = [];

  constructor(readonly deps: ServiceDeps) {
    this.filing = new CourtDocumentFiling(deps);
    this.parties = new CaseParties(deps);
    this.effects = new ServiceEffects(deps, this.filing);
    this.dispatcher = new Dispatcher(deps, this.effects);
  }

  // ---- consent ----

  async putConsent(user: AuthUser, caseId: string, input: ConsentRequest) {
    const { doc, staff } = await this.parties.caseFor(user, caseId);
    let role: 'clerk' | 'party';
    if (staff) {
      this.requireClerk(user, doc);
      if (input.channel === 'platform') {
        throw errors.validation('A clerk records consent given by phone or in writing; consent on the platform is given by the party.', undefined, 'CONSENT_CHANNEL_MISMATCH');
      }
      if (!(await this.parties.user(input.userId))) throw errors.validation('There is no such user.', undefined, 'UNKNOWN_USER');
      role = 'clerk';
    } else {
      if (input.userId !== user.id) throw errors.forbidden('A party records only their own consent.', 'NOT_YOUR_CONSENT');
      if (input.channel !== 'platform') {
        throw errors.validation('Consent you give yourself is given on the platform (channel "platform").', undefined, 'CONSENT_CHANNEL_MISMATCH');
      }
      role = 'party';
    }
    if (input.addresses.some((a) => a.channel === 'inbox' && a.value.trim() !== input.userId)) {
      throw errors.validation('An inbox address is the recipient\'s own platform account (their user id).', undefined, 'INBOX_ADDRESS_NOT_OWN');
    }
    const version = await this.deps.consents.record(caseId, input.userId, input, { userId: user.id, role });
    return consentView(version, consentActiveAt(version.consent, this.nowIso()));
  }

  async consentHistory(user: AuthUser, caseId: string, userId?: string) {
    const { staff } = await this.parties.caseFor(user, caseId);
    const whose = staff ? userId : user.id;
    if (!staff && userId && userId !== user.id) throw errors.notFound('The consent', 'CONSENT_NOT_FOUND');
    const versions = await this.deps.consents.history(caseId, whose);
    const now = this.nowIso();
    const latest = new Map<string, (typeof versions)[number]>();
    for (const v of versions) latest.set(v.userId, v);
    return {
      current: [...latest.values()].map((v) => consentView(v, consentActiveAt(v.consent, now))),
      versions: versions.map((v) => consentView(v, consentActiveAt(v.consent, now))),
    };
  }

  async revokeConsent(user: AuthUser, caseId: string, userId: string) {
    const { doc, staff } = await this.parties.caseFor(user, caseId);
    if (staff) this.requireClerk(user, doc);
    else if (userId !== user.id) throw errors.forbidden('A party revokes only their own consent.', 'NOT_YOUR_CONSENT');
    const version = await this.deps.consents.revoke(caseId, userId, { userId: user.id, role: staff ? 'clerk' : 'party' });
    return consentView(version, false);
  }

  // ---- court documents ----

  async issueCourtDocument(user: AuthUser, caseId: string, input: { kind: CourtDocumentKind; hearingId?: string; addressees?: string[] }) {
    const { doc } = await this.parties.caseFor(user, caseId);
    this.requireClerk(user, doc);
    const { served } = await this.issue(user, doc, input.kind, input.addressees ?? [], input.hearingId);
    return served;
  }

  private async issue(user: AuthUser, doc: CaseDoc, kind: CourtDocumentKind, addressees: string[], hearingId?: string) {
    const drawn = await this.filing.draw(doc, kind, addressees, hearingId);
    const filed = await this.filing.file(
      doc._id,
      { filename: drawn.filename, bytes: drawn.bytes, title: drawn.title, documentType: kind, contentHash: drawn.contentHash, carriesAccessCode: drawn.carriesAccessCode, ...(hearingId ? { hearingId } : {}) },
      { type: 'COURT_DOCUMENT_ISSUED', actor: { userId: user.id, role: 'clerk' }, data: { documentType: kind, title: drawn.title, contentHash: drawn.contentHash, ...(hearingId ? { hearingId } : {}) } },
    );
    await this.filing.registerVerifiable({
      _id: drawn.sha256,
      contentHash: drawn.contentHash,
      type: 'courtDocument',
      caseId: doc._id,
      caseNumber: filed.caseNumber,
      courtNameZh: filed.courtNameZh,
      title: drawn.title,
      documentId: filed.stored.id,
      issuedAt: filed.stored.uploadedAt,
    });
    const hearing = hearingId ? await this.filing.hearingOf(doc._id, hearingId) : undefined;
    const served: ServedDocument = {
      documentId: filed.stored.id,
      kind,
      courtDocument: true,
      title: drawn.title,
      filename: drawn.filename,
      sha256: drawn.sha256,
      contentHash: drawn.contentHash,
      ...(hearing ? { hearing: { hearingId: hearing._id, startsAt: hearing.startsAt } } : {}),
    };
    return { served, file: { bytes: drawn.bytes, mediaType: 'application/pdf' } };
  }

  // ---- serving ----

  async serve(user: AuthUser, caseId: string, input: ServeRequest) {
    const { doc } = await this.parties.caseFor(user, caseId);
    this.requireClerk(user, doc);
    return this.serveOn(user, doc, input);
  }

  /**
   * Service the court makes itself as part of another step (the judge's 调解书,
   * agreements/courtSettlement.ts): the caller has already checked who may act.
   */
  async serveOn(user: AuthUser, doc: CaseDoc, input: ServeRequest) {
    const caseId = doc._id;
    if (!doc.caseNumber) throw errors.invalidState('The case has no case number yet: it must be docketed first.', 'CASE_NOT_DOCKETED');
    if (new Set(input.recipients.map((r) => r.userId)).size !== input.recipients.length) {
      throw errors.validation('Each recipient may be listed once.', undefined, 'DUPLICATE_RECIPIENT');
    }
    const recipients = [];
    for (const r of input.recipients) recipients.push(await this.recipientOf(doc, r));
    // 受理通知书 and 交纳诉讼费用通知书 speak to the plaintiff ("你诉…一案"); the defendant is told by other documents.
    if ('kind' in input.document && PLAINTIFF_ONLY.has(input.document.kind) && recipients.some((r) => r.side !== 'plaintiff')) {
      throw errors.validation(`A ${input.document.kind} is addressed to the plaintiff only.`, undefined, 'DOCUMENT_NOT_FOR_RECIPIENT');
    }
    // Consent is checked for every recipient and channel before anything is issued or sent.
    const checkAt = this.nowIso();
    for (const r of recipients) {
      requireConsented(r.name, r.userId, channelOptions(this.deps, r.user, await this.deps.consents.current(caseId, r.userId), checkAt), input.channels);
    }
    const { served, file } = await this.documentToServe(user, doc, input.document, recipients.map((r) => r.name));

    const at = this.nowIso();
    const courtNameZh = await this.filing.courtName(doc.courtId);
    const service: ServiceDoc = {
      _id: crypto.randomUUID(),
      caseId,
      courtId: doc.courtId,
      caseNumber: doc.caseNumber,
      document: served,
      recipients: recipients.map((r) => ({ userId: r.userId, name: r.name, side: r.side })),
      channels: [...new Set(input.channels)],
      createdBy: user.id,
      createdAt: at,
    };
    await this.deps.models.services.collection.insertOne(service as never);
    await this.deps.log.append(service._id, () => ({
      type: 'SERVICE_CREATED',
      actor: { userId: user.id, role: 'clerk' },
      data: { caseId, caseNumber: doc.caseNumber, document: served, recipients: service.recipients.map((r) => ({ userId: r.userId, side: r.side })), channels: service.channels },
    }));

    const outgoing = [];
    for (const r of recipients) {
      const consent = await this.deps.consents.current(caseId, r.userId);
      const phone = this.deps.cipher.decrypt(r.user.phoneEnc);
      for (const channel of service.channels) {
        const address = resolveAddress(channel, r.user, consent?.consent, phone, at);
        const delivery: DeliveryDoc = {
          _id: crypto.randomUUID(),
          serviceId: service._id,
          caseId,
          recipientId: r.userId,
          channel,
          addressMasked: address.masked,
          ...(address.value && channel !== 'inbox' ? { addressEnc: this.deps.cipher.encrypt(address.value) } : {}),
          addressConfirmed: address.confirmed,
          createdAt: at,
        };
        await this.deps.models.deliveries.collection.insertOne(delivery as never);
        await this.dispatcher.created(service, delivery, consent, address.missing);
        outgoing.push({ service, delivery, address, recipientName: r.name, courtNameZh, file });
      }
    }
    for (const out of outgoing) await this.dispatcher.send(out);
    return this.view(service);
  }

  /** For the clerk's screen: who can be served on this case, and by which channels (and why not). */
  async serviceOptions(user: AuthUser, caseId: string) {
    const { doc } = await this.parties.caseFor(user, caseId);
    this.requireClerk(user, doc);
    const at = this.nowIso();
    const people = await caseRecipients(this.deps, doc);
    const recipients = [];
    for (const p of people) {
      const userId = p.user._id.toHexString();
      const consent = await this.deps.consents.current(caseId, userId);
      recipients.push({
        userId,
        name: p.user.name,
        side: p.side,
        consent: consent ? { version: consent.version, ground: consent.consent.ground, active: consentActiveAt(consent.consent, at), ...(consent.consent.revokedAt ? { revokedAt: consent.consent.revokedAt } : {}) } : null,
        channels: channelOptions(this.deps, p.user, consent, at),
      });
    }
    return { mailAvailable: this.deps.mailer.available, alternatives: [...ALTERNATIVES], recipients };
  }

  /** The document a service serves: one on this case's file (another case's is 404), or a court document issued now. */
  async documentToServe(user: AuthUser, doc: CaseDoc, document: ServeRequest['document'], addressees: string[]) {
    return 'documentId' in document ? this.onFile(doc, document.documentId) : this.issue(user, doc, document.kind, addressees, document.hearingId);
  }

  /** A recipient the clerk names: a known user, on a side of this case (or the side the clerk names). */
  async recipientOf(doc: CaseDoc, r: { userId: string; side?: RecipientSide }) {
    const found = await this.parties.user(r.userId);
    if (!found) throw errors.validation(`There is no user ${r.userId}.`, undefined, 'UNKNOWN_RECIPIENT');
    const side = r.side ?? (await this.parties.sideOf(doc, r.userId));
    if (!side) {
      throw errors.validation(`User ${r.userId} is not known as a party of this case; name their side (plaintiff, defendant or other) to serve them.`, undefined, 'RECIPIENT_NOT_A_PARTY');
    }
    return { user: found, userId: r.userId, name: found.name, side };
  }

  /** A document already on the case file, served as it is (e.g. the complaint on the defendant). */
  private async onFile(doc: CaseDoc, documentId: string): Promise<{ served: ServedDocument; file: { bytes: Buffer; mediaType: string } }> {
    const meta = doc.documents.find((d) => d.id === documentId) as (StoredDocument & { documentType?: string; title?: string; contentHash?: string }) | undefined;
    // A summons issued beforehand carries the hearing it names.
    const issuedFor = (meta as { hearingId?: unknown } | undefined)?.hearingId;
    if (!meta) throw errors.notFound('The document', 'DOCUMENT_NOT_FOUND');
    const bytes = await this.deps.documents.read(documentId);
    const hearing = typeof issuedFor === 'string' ? await this.filing.hearingOf(doc._id, issuedFor) : undefined;
    const isCourt = (meta.kind as string) === COURT_DOCUMENT;
    const served: ServedDocument = {
      documentId,
      kind: isCourt ? (meta.documentType ?? COURT_DOCUMENT) : meta.kind,
      courtDocument: isCourt,
      title: meta.title ?? SERVED_TITLES[meta.kind] ?? meta.filename,
      filename: meta.filename,
      sha256: meta.sha256,
      ...(meta.contentHash ? { contentHash: meta.contentHash } : {}),
      ...(hearing ? { hearing: { hearingId: hearing._id, startsAt: hearing.startsAt } } : {}),
    };
    await this.filing.registerVerifiable({
      _id: meta.sha256,
      type: isCourt ? 'courtDocument' : 'servedDocument',
      caseId: doc._id,
      caseNumber: doc.caseNumber ?? '',
      courtNameZh: await this.filing.courtName(doc.courtId),
      title: served.title,
      documentId,
      issuedAt: meta.uploadedAt,
      ...(meta.contentHash ? { contentHash: meta.contentHash } : {}),
    });
    return { served, file: { bytes, mediaType: meta.mediaType } };
  }

  async listForCase(user: AuthUser, caseId: string) {
    const { staff } = await this.parties.caseFor(user, caseId);
    const filter = staff ? { caseId } : { caseId, 'recipients.userId': user.id };
    const services = await this.deps.models.services.find(filter).sort({ createdAt: 1 }).lean<ServiceDoc[]>().exec();
    const entries = await this.deps.log.entriesOf(services.map((s) => s._id));
    const effects = latestEffects(await this.deps.models.effects.find({ serviceId: { $in: services.map((s) => s._id) } }).lean<EffectDoc[]>().exec());
    return services.map((s) => {
      const view = serviceView(s, entries.get(s._id) ?? [], effects);
      return staff ? view : { ...view, recipients: view.recipients.filter((r) => r.userId === user.id) };
    });
  }

  /** A service its court's staff may see; 404 for anyone else. */
  async serviceFor(user: AuthUser, serviceId: string): Promise<ServiceDoc> {
    const service = await this.deps.models.services.findById(serviceId).lean<ServiceDoc>().exec();
    if (!service || !isStaffOf(user, service.courtId)) throw errors.notFound('The service', 'SERVICE_NOT_FOUND');
    return service;
  }

  async get(user: AuthUser, serviceId: string) {
    return this.view(await this.serviceFor(user, serviceId));
  }

  async verifyLog(user: AuthUser, serviceId: string): Promise<LogVerification> {
    const service = await this.serviceFor(user, serviceId);
    return this.deps.log.verify(service._id);
  }

  /** The recipient proved when the document actually arrived (C7 Art. 135); the effect is recomputed. */
  async rebut(user: AuthUser, serviceId: string, recipientId: string, input: { provenArrivalAt: string; note?: string }) {
    const service = await this.serviceFor(user, serviceId);
    if (!isClerkOf(user, service.courtId)) throw errors.forbidden('Only a clerk of the court records a rebuttal.', 'NOT_CLERK_OF_COURT');
    if (!service.recipients.some((r) => r.userId === recipientId)) throw errors.notFound('The recipient', 'RECIPIENT_NOT_FOUND');
    const provenArrivalAt = new Date(input.provenArrivalAt).toISOString();
    if (Date.parse(provenArrivalAt) > this.deps.now().getTime()) {
      throw errors.validation('A proven arrival cannot be in the future.', undefined, 'REBUTTAL_IN_FUTURE');
    }
    const rebuttal = { provenArrivalAt, ...(input.note ? { note: input.note } : {}) };
    await this.deps.log.append(service._id, (entries) => {
      const records = [...foldDeliveries(entries).values()].filter((d) => d.recipientId === recipientId).map((d) => d.record);
      if (!records.some((r) => r.addressConfirmed && stepAt(r, 'sent') !== undefined && stepAt(r, 'failed') === undefined)) {
        throw errors.conflict('A proven arrival applies only to a document sent to an address the recipient provided or confirmed.', 'REBUTTAL_NOT_APPLICABLE');
      }
      try {
        effectiveService(records, rebuttal);
      } catch (err) {
        if (err instanceof RangeError) throw errors.validation(err.message, undefined, 'REBUTTAL_INVALID');
        throw err;
      }
      return { type: 'REBUTTAL', actor: { userId: user.id, role: 'clerk' }, data: { recipientId, ...rebuttal } };
    });
    await this.effects.evaluate(service, recipientId);
    return this.view(service);
  }

  async view(service: ServiceDoc) {
    const entries = await this.deps.log.entries(service._id);
    const effects = latestEffects(await this.deps.models.effects.find({ serviceId: service._id }).lean<EffectDoc[]>().exec());
    return serviceView(service, entries, effects);
  }

  requireClerk(user: AuthUser, doc: CaseDoc): void {
    if (!isClerkOf(user, doc.courtId)) throw errors.forbidden("Only a clerk of the case's court can do this.", 'NOT_CLERK_OF_COURT');
  }

  private nowIso(): string {
    return this.deps.now().toISOString();
  }
}
