/**
 * Persistence of electronic service. Every collection whose entries must not happen twice or
 * must be ordered uses a computed unique `_id` (consent versions, log entries, effects):
 * the test database (FerretDB 1.x) has no transactions and no atomic concurrent $inc, but a
 * duplicate `_id` insert is always refused, so "insert next id, retry on duplicate" is the
 * one concurrency primitive used here.
 */
import type { ServicePeriods } from '../../state-machines/service/servicePeriods.js';
import { Schema, type Connection, type Model } from 'mongoose';
import type { ChainedEntry } from '../hashChain.js';
import type { ConsentGround, ServiceChannel } from '../../state-machines/service/consent.js';
import type { ServiceEffect } from '../../state-machines/service/effectiveService.js';
import type { OfflineEffect, OfflineMethod } from '../../state-machines/service/offlineService.js';
import type { CourtDocumentKind } from '../documents/courtDocuments.js';

/** One version of a recipient's consent on one case; never updated, a change is a new version. */
export interface ConsentVersionDoc {
  _id: string; // `${caseId}:${userId}:${version}`
  caseId: string;
  userId: string;
  version: number;
  ground: ConsentGround;
  channel: 'phone' | 'platform' | 'written';
  /** Address values are personal data: stored encrypted (privacy/personalData.ts). */
  addresses: { channel: ServiceChannel; valueEnc: string; confirmedByRecipient: boolean }[];
  capturedAt: string;
  capturedBy: string;
  evidenceRef?: string;
  revokedAt?: string;
  /** Who wrote this version and when (the revoker, for a revocation). */
  recordedBy: string;
  recordedByRole: string;
  recordedAt: string;
}

export type RecipientSide = 'plaintiff' | 'defendant' | 'other';

/** What was served: a court document generated for the case or a document already on file. */
export interface ServedDocument {
  documentId: string;
  /** 'acceptanceNotice' | ... for court documents, else the case document's kind ('complaint', ...). */
  kind: CourtDocumentKind | string;
  courtDocument: boolean;
  title: string;
  filename: string;
  sha256: string;
  /** Only for court documents: the fingerprint printed on the page. */
  contentHash?: string;
  /** A summons: the hearing and the start time it names (the 3-day notice is checked against it). */
  hearing?: { hearingId: string; startsAt: string };
}

export interface ServiceDoc {
  _id: string;
  caseId: string;
  courtId: string;
  caseNumber: string;
  document: ServedDocument;
  recipients: { userId: string; name: string; side: RecipientSide }[];
  channels: ServiceChannel[];
  /** Service by post or in person, recorded by the clerk (then `channels` is empty). */
  offline?: { method: OfflineMethod; servedAt: string; proofDocumentId: string; note?: string; refusal?: { reason: string; witness?: string } };
  createdBy: string;
  createdAt: string;
}

/** One recipient x channel. Its steps live only in the hash-chained log (deliveryLog.ts). */
export interface DeliveryDoc {
  _id: string;
  serviceId: string;
  caseId: string;
  recipientId: string;
  channel: ServiceChannel;
  /** Shown in logs, receipts and lists. */
  addressMasked: string;
  addressEnc?: string;
  /** Fixed at creation from the consent in force then (C1 Art. 31 Case 1 vs Case 2). */
  addressConfirmed: boolean;
  /** SHA-256 of the link token sent by email/SMS: a leaked database cannot be used to fake reads. */
  tokenHash?: string;
  /** SHA-256 of the one-time code sent with the link; opening with it consumes it. */
  codeHash?: string;
  codeAttempts?: number;
  /** When the one-time code was used; the link then opens only for the logged-in recipient. */
  codeUsedAt?: string;
  createdAt: string;
}

/** One hash-chained log entry of a service; `_id` = `${serviceId}:${seq}`. */
export interface ServiceLogEntry extends ChainedEntry {
  _id: string;
  serviceId: string;
}

/** A version of the effect of one service on one recipient; `_id` = `${serviceId}:${recipientId}:${version}`. */
export interface EffectDoc {
  _id: string;
  serviceId: string;
  caseId: string;
  recipientId: string;
  version: number;
  effect: Extract<ServiceEffect, { effective: true }> | OfflineEffect;
  /** Only the periods this document starts for this recipient (servicePeriods.ts). */
  periods: ServicePeriods;
  recordedAt: string;
  /**
   * Why a version after the first exists: the new fact that corrected the time of service
   * (a rebuttal, or an earlier effective channel reported later). Absent on version 1.
   */
  fact?: 'rebuttal' | 'earlier-channel';
  /** The proven arrival this version reflects, if any. */
  rebuttalAt?: string;
  /**
   * What the case got: SERVE_DEFENDANT (the answer period started), SERVICE_EFFECT_REVISED (it moved),
   * DECISION_SERVED (this party's appeal period started or moved) or a note; set once done.
   */
  caseRecord?: 'SERVE_DEFENDANT' | 'SERVICE_EFFECT_REVISED' | 'DECISION_SERVED' | 'NOTE';
  receiptId?: string;
}

/** Anything the public verification page can vouch for, keyed by a hash a holder can compute or read. */
export interface VerifiableDoc {
  _id: string; // the SHA-256 of the file
  contentHash?: string;
  type: 'courtDocument' | 'servedDocument' | 'serviceReceipt';
  caseId: string;
  caseNumber: string;
  courtNameZh: string;
  title: string;
  documentId: string;
  issuedAt: string;
  /** Receipts only. */
  receipt?: {
    serviceId: string;
    served: { title: string; sha256: string };
    recipient: { name: string; idNumber?: string };
    effectiveAt: string;
    presumed: boolean;
    basis: string;
    channel: ServiceChannel | OfflineEffect['channel'];
    version: number;
  };
}

export interface SmsOutboxDoc {
  _id: string;
  toEnc: string;
  toMasked: string;
  /** The text with the link token and one-time code blanked: nothing here can be replayed. */
  text: string;
  /** The text as sent, encrypted with the personal-data key (what the carrier received). */
  textEnc: string;
  reference: string;
  createdAt: string;
}

function model<T>(connection: Connection, name: string, schema: Schema<T>, collection: string): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema, collection);
}

const loose = { versionKey: false, minimize: false, strict: false } as const;

const consentSchema = new Schema<ConsentVersionDoc>({ _id: String, caseId: String, userId: String, version: Number }, loose);
consentSchema.index({ caseId: 1, userId: 1, version: 1 });

const serviceSchema = new Schema<ServiceDoc>({ _id: String, caseId: String, courtId: String, createdAt: String }, loose);
serviceSchema.index({ caseId: 1, createdAt: 1 });

const deliverySchema = new Schema<DeliveryDoc>({ _id: String, serviceId: String, recipientId: String, tokenHash: String, createdAt: String }, loose);
deliverySchema.index({ serviceId: 1 });
deliverySchema.index({ recipientId: 1, createdAt: -1 });
deliverySchema.index({ tokenHash: 1 });

const logSchema = new Schema<ServiceLogEntry>(
  { _id: String, serviceId: String, seq: Number, type: String, at: String, payload: String, prevHash: String, hash: String },
  { versionKey: false },
);
logSchema.index({ serviceId: 1, seq: 1 });

const effectSchema = new Schema<EffectDoc>({ _id: String, serviceId: String, recipientId: String, version: Number }, loose);
effectSchema.index({ serviceId: 1, recipientId: 1, version: 1 });

const verifiableSchema = new Schema<VerifiableDoc>({ _id: String, contentHash: String, type: String }, loose);
verifiableSchema.index({ contentHash: 1 });

const smsSchema = new Schema<SmsOutboxDoc>({ _id: String, createdAt: String }, loose);

export function serviceModels(connection: Connection) {
  return {
    consents: model(connection, 'ServiceConsent', consentSchema, 'service_consents'),
    services: model(connection, 'Service', serviceSchema, 'services'),
    deliveries: model(connection, 'ServiceDelivery', deliverySchema, 'service_deliveries'),
    log: model(connection, 'ServiceLogEntry', logSchema, 'service_log'),
    effects: model(connection, 'ServiceEffect', effectSchema, 'service_effects'),
    verifiable: model(connection, 'VerifiableDocument', verifiableSchema, 'verifiable_documents'),
    smsOutbox: model(connection, 'SmsOutbox', smsSchema, 'sms_outbox'),
  };
}

export type ServiceModels = ReturnType<typeof serviceModels>;

export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** Insert a document whose `_id` must be new; false if it already existed. */
export async function insertOnce<T>(m: Model<T>, doc: T): Promise<boolean> {
  try {
    await m.collection.insertOne(doc as never);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}
