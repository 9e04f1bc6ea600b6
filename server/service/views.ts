/**
 * What clients see of services and deliveries. Built from the log (steps), the service and
 * the recorded effects; addresses only ever appear masked.
 */
import { effectiveService } from '../../state-machines/service/effectiveService.js';
import type { ConsentVersion } from './consents.js';
import { foldDeliveries, latestRebuttal, type FoldedDelivery } from './deliveryLog.js';
import type { EffectDoc, ServiceDoc, ServiceLogEntry } from './serviceModels.js';

export function deliveryView(d: FoldedDelivery) {
  const last = d.record.steps[d.record.steps.length - 1];
  return {
    id: d.deliveryId,
    channel: d.record.channel,
    address: d.record.address,
    addressConfirmed: d.record.addressConfirmed,
    status: last?.step ?? 'created',
    steps: d.details.map((s) => ({ step: s.step, at: s.at, ...(s.detail && s.step !== 'created' ? { detail: s.detail } : {}) })),
  };
}

/**
 * The effect as recorded (service takes effect once; later reports do not move it), or, before
 * one is recorded, why it has not taken effect, computed from the log.
 */
function effectView(deliveries: FoldedDelivery[], rebuttal: ReturnType<typeof latestRebuttal>, recorded: EffectDoc | undefined) {
  let effect;
  if (recorded) effect = recorded.effect;
  else {
    try {
      effect = effectiveService(deliveries.map((d) => d.record), rebuttal);
    } catch {
      effect = { effective: false as const, reason: 'the recorded rebuttal does not fit the deliveries', reasonZh: '反证记录与送达记录不符' };
    }
  }
  return {
    effect,
    ...(recorded ? { periods: recorded.periods, effectVersion: recorded.version, ...(recorded.fact ? { correctedBy: recorded.fact } : {}), ...(recorded.receiptId ? { receiptId: recorded.receiptId } : {}), ...(recorded.caseRecord ? { caseRecord: recorded.caseRecord } : {}) } : {}),
    ...(rebuttal ? { rebuttal } : {}),
  };
}

/** Latest recorded effect per recipient. */
export function latestEffects(effects: EffectDoc[]): Map<string, EffectDoc> {
  const latest = new Map<string, EffectDoc>();
  for (const e of effects) {
    const seen = latest.get(`${e.serviceId}:${e.recipientId}`);
    if (!seen || seen.version < e.version) latest.set(`${e.serviceId}:${e.recipientId}`, e);
  }
  return latest;
}

function documentView(service: ServiceDoc) {
  const d = service.document;
  return { id: d.documentId, kind: d.kind, title: d.title, filename: d.filename, sha256: d.sha256, ...(d.contentHash ? { contentHash: d.contentHash } : {}) };
}

/** A whole service as court staff see it. */
export function serviceView(service: ServiceDoc, entries: ServiceLogEntry[], effects: Map<string, EffectDoc>) {
  const folded = [...foldDeliveries(entries).values()];
  return {
    id: service._id,
    caseId: service.caseId,
    caseNumber: service.caseNumber,
    document: documentView(service),
    channels: service.channels,
    ...(service.offline ? { offline: { method: service.offline.method, servedAt: service.offline.servedAt, proofDocumentId: service.offline.proofDocumentId } } : {}),
    createdBy: service.createdBy,
    createdAt: service.createdAt,
    recipients: service.recipients.map((r) => {
      const mine = folded.filter((d) => d.recipientId === r.userId);
      return {
        userId: r.userId,
        name: r.name,
        side: r.side,
        ...effectView(mine, latestRebuttal(entries, r.userId), effects.get(`${service._id}:${r.userId}`)),
        deliveries: mine.map(deliveryView),
      };
    }),
  };
}

/** One served document as its recipient sees it: only their own deliveries. */
export function inboxItemView(service: ServiceDoc, recipientId: string, entries: ServiceLogEntry[], effects: Map<string, EffectDoc>) {
  const mine = [...foldDeliveries(entries).values()].filter((d) => d.recipientId === recipientId);
  const inbox = mine.find((d) => d.record.channel === 'inbox');
  const { effect, ...rest } = effectView(mine, latestRebuttal(entries, recipientId), effects.get(`${service._id}:${recipientId}`));
  return {
    id: (inbox ?? mine[0])?.deliveryId ?? '',
    serviceId: service._id,
    caseId: service.caseId,
    caseNumber: service.caseNumber,
    document: documentView(service),
    servedAt: service.createdAt,
    read: inbox ? inbox.record.steps.some((s) => s.step === 'read') : undefined,
    acknowledged: mine.some((d) => d.record.steps.some((s) => s.step === 'acknowledged')),
    effect,
    ...('periods' in rest ? { periods: rest.periods } : {}),
    deliveries: mine.map(deliveryView),
  };
}

export function consentView(v: ConsentVersion, active: boolean) {
  return {
    userId: v.userId,
    version: v.version,
    active,
    ...v.consent,
    recordedBy: v.recordedBy,
    recordedByRole: v.recordedByRole,
    recordedAt: v.recordedAt,
  };
}
