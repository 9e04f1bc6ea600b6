/**
 * The delivery log of one service: every step of every delivery, every rebuttal and every
 * effect, append-only and hash-chained exactly like the case log (hashChain.ts), so the trail
 * behind a 电子送达凭证 can be re-verified at any time (C1 Art. 31 ¶3).
 *
 * The log is the only record of steps: a delivery's state is always folded from it through
 * the pure `applyDeliveryStep`, so there is no second copy that could disagree.
 */
import { applyDeliveryStep, type DeliveryRecord, type DeliveryStep } from '../../state-machines/service/delivery.js';
import type { ServiceChannel } from '../../state-machines/service/consent.js';
import { GENESIS_HASH, chainEntry, verifyHashChain, type ChainVerification } from '../hashChain.js';
import { errors } from '../errors.js';
import { insertOnce, type ServiceLogEntry, type ServiceModels } from './serviceModels.js';

export interface ServiceLogPayload {
  serviceId: string;
  seq: number;
  type: string;
  at: string;
  actor: { userId: string; role: string };
  data: Record<string, unknown>;
}

export interface StepData {
  deliveryId: string;
  recipientId: string;
  step: DeliveryStep;
  /** Only on 'created': the delivery's fixed facts, so the log alone rebuilds the record. */
  channel?: ServiceChannel;
  address?: string;
  addressConfirmed?: boolean;
  detail?: Record<string, unknown>;
}

export interface Appendable {
  type: string;
  actor: { userId: string; role: string };
  data: Record<string, unknown>;
}

export type LogVerification = ChainVerification;

const MAX_ATTEMPTS = 25;

export class ServiceLog {
  constructor(
    private readonly models: ServiceModels,
    private readonly now: () => Date,
  ) {}

  async entries(serviceId: string): Promise<ServiceLogEntry[]> {
    return this.models.log.find({ serviceId }).sort({ seq: 1 }).lean<ServiceLogEntry[]>().exec();
  }

  async entriesOf(serviceIds: string[]): Promise<Map<string, ServiceLogEntry[]>> {
    const all = await this.models.log.find({ serviceId: { $in: serviceIds } }).sort({ serviceId: 1, seq: 1 }).lean<ServiceLogEntry[]>().exec();
    const by = new Map<string, ServiceLogEntry[]>();
    for (const e of all) {
      const list = by.get(e.serviceId);
      if (list) list.push(e);
      else by.set(e.serviceId, [e]);
    }
    return by;
  }

  /**
   * Append the entry `decide` returns for the log as it is now, at a server time no earlier
   * than the last entry. `decide` may return null (nothing to do) or throw (refused). If
   * another writer took the same sequence number first, the log is re-read and `decide` asked
   * again, so a decision is always made against the entries it follows.
   */
  async append(serviceId: string, decide: (entries: ServiceLogEntry[], at: string) => Appendable | null): Promise<ServiceLogEntry | null> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entries = await this.entries(serviceId);
      const last = entries[entries.length - 1];
      const nowIso = this.now().toISOString();
      const at = last && Date.parse(last.at) > Date.parse(nowIso) ? last.at : nowIso;
      const next = decide(entries, at);
      if (!next) return null;
      const payload: ServiceLogPayload = { serviceId, seq: entries.length + 1, type: next.type, at, actor: next.actor, data: next.data };
      const entry = buildServiceEntry(payload, last?.hash ?? GENESIS_HASH);
      if (await insertOnce(this.models.log, entry)) return entry;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
    throw errors.conflict('The delivery log is busy. Please try again.', 'SERVICE_LOG_BUSY');
  }

  async verify(serviceId: string): Promise<LogVerification> {
    return verifyServiceLog(serviceId, await this.entries(serviceId));
  }
}

export function buildServiceEntry(payload: ServiceLogPayload, prevHash: string): ServiceLogEntry {
  return { ...chainEntry(payload.serviceId, payload, prevHash), serviceId: payload.serviceId };
}

export function verifyServiceLog(serviceId: string, entries: ServiceLogEntry[]): LogVerification {
  return verifyHashChain<ServiceLogPayload>(entries, (p) => p.serviceId === serviceId);
}

export function payloadOf(e: ServiceLogEntry): ServiceLogPayload {
  return JSON.parse(e.payload) as ServiceLogPayload;
}

export interface FoldedDelivery {
  deliveryId: string;
  recipientId: string;
  record: DeliveryRecord;
  /** Extra facts reported with steps (mail message id, failure reason...). */
  details: { step: DeliveryStep; at: string; detail?: Record<string, unknown> }[];
}

/** Every delivery's record as the log tells it, in log order. */
export function foldDeliveries(entries: ServiceLogEntry[]): Map<string, FoldedDelivery> {
  const deliveries = new Map<string, FoldedDelivery>();
  for (const e of entries) {
    if (e.type !== 'STEP') continue;
    const data = payloadOf(e).data as unknown as StepData;
    let current = deliveries.get(data.deliveryId);
    if (!current) {
      if (data.step !== 'created' || !data.channel) continue;
      current = {
        deliveryId: data.deliveryId,
        recipientId: data.recipientId,
        record: { channel: data.channel, address: data.address ?? '', addressConfirmed: data.addressConfirmed === true, steps: [] },
        details: [],
      };
      deliveries.set(data.deliveryId, current);
    }
    const applied = applyDeliveryStep(current.record, data.step, e.at);
    // Entries were checked with the same function before they were written; one that does not
    // apply now can only come from a changed log, which verify() reports.
    if (!applied.ok) continue;
    current.record = applied.record;
    current.details.push({ step: data.step, at: e.at, ...(data.detail ? { detail: data.detail } : {}) });
  }
  return deliveries;
}

/** The latest rebuttal accepted for a recipient, if any. */
export function latestRebuttal(entries: ServiceLogEntry[], recipientId: string): { provenArrivalAt: string; note?: string } | undefined {
  let found: { provenArrivalAt: string; note?: string } | undefined;
  for (const e of entries) {
    if (e.type !== 'REBUTTAL') continue;
    const d = payloadOf(e).data as { recipientId: string; provenArrivalAt: string; note?: string };
    if (d.recipientId === recipientId) found = { provenArrivalAt: d.provenArrivalAt, ...(d.note ? { note: d.note } : {}) };
  }
  return found;
}
