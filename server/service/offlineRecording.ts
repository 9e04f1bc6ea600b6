/**
 * Service by post or in person, recorded by the clerk with the date and the proof (the signed
 * return receipt 回执 or service receipt 送达回证, uploaded), so that every served document has
 * one service record whatever the channel. The effect follows the method
 * (state-machines/service/offlineService.ts) and has the same consequences on the case as
 * electronic service (effects.ts): the periods, SERVE_DEFENDANT, DECISION_SERVED or a note.
 */
import crypto from 'node:crypto';
import { periodsFor } from '../../state-machines/service/servicePeriods.js';
import { offlineServiceEffect, type OfflineMethod } from '../../state-machines/service/offlineService.js';
import type { AuthUser } from '../auth/tokens.js';
import { DocumentStore } from '../documents/documentStore.js';
import { errors } from '../errors.js';
import { COURT_DOCUMENT } from './courtDocumentFiling.js';
import type { ElectronicService, ServeRequest } from './electronicService.js';
import type { EffectDoc, RecipientSide, ServiceDoc } from './serviceModels.js';

export interface OfflineRequest {
  document: ServeRequest['document'];
  recipient: { userId: string; side?: RecipientSide };
  method: OfflineMethod;
  servedAt: string;
  proof: { filename: string; contentBase64: string };
  note?: string;
  refusal?: { reason: string; witness?: string };
}

const PROOF_TITLE: Record<OfflineMethod, string> = { post: '邮寄送达回执', inPerson: '送达回证', leftAtResidence: '送达回证（留置送达）' };
const ADDRESS: Record<OfflineMethod, string> = { post: '邮寄地址', inPerson: '当面交付', leftAtResidence: '受送达人住所' };

export async function recordOfflineService(es: ElectronicService, user: AuthUser, caseId: string, input: OfflineRequest) {
  const { doc } = await es.parties.caseFor(user, caseId);
  es.requireClerk(user, doc);
  if (!doc.caseNumber) throw errors.invalidState('The case has no case number yet: it must be docketed first.', 'CASE_NOT_DOCKETED');
  const recipient = await es.recipientOf(doc, input.recipient);
  const at = es.deps.now().toISOString();
  const servedAt = new Date(input.servedAt).toISOString();
  const checked = offlineServiceEffect({ method: input.method, servedAt, recordedAt: at, ...(input.refusal ? { refusal: input.refusal } : {}) }, ADDRESS[input.method]);
  if (!checked.ok) throw errors.validation(checked.message, undefined, checked.code);
  const bytes = Buffer.from(input.proof.contentBase64, 'base64');
  // Checked before anything is written: an unreadable proof leaves no half-recorded service.
  DocumentStore.check({ field: COURT_DOCUMENT, filename: input.proof.filename, bytes });

  const { served } = await es.documentToServe(user, doc, input.document, [recipient.name]);
  const serviceId = crypto.randomUUID();
  const proof = await es.filing.file(
    caseId,
    { filename: input.proof.filename, bytes, title: PROOF_TITLE[input.method], documentType: 'serviceProof' },
    { type: 'SERVICE_PROOF_FILED', actor: { userId: user.id, role: 'clerk' }, data: { serviceId, method: input.method, servedAt, recipientId: recipient.userId } },
  );
  const service: ServiceDoc = {
    _id: serviceId,
    caseId,
    courtId: doc.courtId,
    caseNumber: doc.caseNumber,
    document: served,
    recipients: [{ userId: recipient.userId, name: recipient.name, side: recipient.side }],
    channels: [],
    offline: { method: input.method, servedAt, proofDocumentId: proof.stored.id, ...(input.note ? { note: input.note } : {}), ...(input.refusal ? { refusal: input.refusal } : {}) },
    createdBy: user.id,
    createdAt: at,
  };
  await es.deps.models.services.collection.insertOne(service as never);
  await es.deps.log.append(serviceId, () => ({
    type: 'SERVICE_CREATED',
    actor: { userId: user.id, role: 'clerk' },
    data: { caseId, caseNumber: doc.caseNumber, document: served, recipients: service.recipients.map((r) => ({ userId: r.userId, side: r.side })), offline: { method: input.method, servedAt, proof: { id: proof.stored.id, sha256: proof.stored.sha256 } } },
  }));
  const effect: EffectDoc = {
    _id: `${serviceId}:${recipient.userId}:1`,
    serviceId,
    caseId,
    recipientId: recipient.userId,
    version: 1,
    effect: checked.effect,
    periods: periodsFor(String(served.kind), recipient.side, servedAt, es.deps.calendar),
    recordedAt: at,
  };
  await es.effects.record(service, effect, null);
  return es.view(service);
}
