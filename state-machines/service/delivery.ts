/**
 * The trail of one electronic service to one address (C1 Art. 31 ¶3: the court keeps the full
 * trail and produces the 电子送达凭证 from it). One record per recipient, document and channel:
 *
 *   created -> sent -> delivered -> read / acknowledged / acted
 *   created | sent -> failed                          (terminal)
 *
 * 'sent' is the court system's "sent successfully" (C7 Art. 135), 'delivered' the address
 * system's delivery report, 'read' its read receipt, 'acknowledged' the recipient's reply that
 * it was received, 'acted' a procedural act taken in response. Pure: no I/O, no clock.
 */
import type { ServiceChannel } from './consent.js';
import { isInstant } from '../rules/periods.js';

export type DeliveryStep = 'created' | 'sent' | 'delivered' | 'read' | 'acknowledged' | 'acted' | 'failed';

export interface DeliveryRecord {
  channel: ServiceChannel;
  address: string;
  /** The address was provided or confirmed by the recipient (see `addressConfirmed`), fixed when the record is created. */
  addressConfirmed: boolean;
  /** In the order recorded, which is also time order. */
  steps: { step: DeliveryStep; at: string }[];
}

const STEPS: ReadonlySet<string> = new Set(['created', 'sent', 'delivered', 'read', 'acknowledged', 'acted', 'failed']);
/** Steps that show the message reached the recipient. */
const RECEIPT_STEPS: readonly DeliveryStep[] = ['read', 'acknowledged', 'acted'];

/** When `step` was recorded on `r`, or undefined if it was not. */
export function stepAt(r: DeliveryRecord, step: DeliveryStep): string | undefined {
  return r.steps.find((s) => s.step === step)?.at;
}

function has(r: DeliveryRecord, step: DeliveryStep): boolean {
  return r.steps.some((s) => s.step === step);
}

function refusal(r: DeliveryRecord, step: DeliveryStep, at: string): string | null {
  if (!STEPS.has(step)) return `unknown delivery step "${String(step)}"`;
  if (!isInstant(at)) return `at must be a real ISO 8601 instant with a zone, got "${String(at)}"`;

  const last = r.steps[r.steps.length - 1];
  if (last === undefined) return step === 'created' ? null : `the first step must be 'created', not '${step}'`;
  const previous = stepAt(r, step);
  if (previous !== undefined) return `'${step}' is already recorded (at ${previous})`;
  if (has(r, 'failed')) return `the delivery failed; no step may follow 'failed'`;

  switch (step) {
    case 'created':
      return `'created' must be the first step`;
    case 'sent':
      break;
    case 'delivered': {
      if (!has(r, 'sent')) return `'delivered' needs 'sent' first`;
      const receipt = RECEIPT_STEPS.find((s) => has(r, s));
      if (receipt !== undefined) return `'${receipt}' already shows the message arrived; a delivery report cannot follow it`;
      break;
    }
    case 'read':
    case 'acknowledged':
    case 'acted':
      if (!has(r, 'sent')) return `'${step}' needs 'sent' first`;
      break;
    case 'failed': {
      const arrived = (['delivered', ...RECEIPT_STEPS] as const).find((s) => has(r, s));
      if (arrived !== undefined) return `'failed' is only possible before 'delivered'; '${arrived}' is already recorded`;
      break;
    }
  }

  // Equal times are allowed: an inbox message is delivered and read at the same moment.
  if (Date.parse(at) < Date.parse(last.at)) {
    return `'${step}' at ${at} is earlier than the previous step '${last.step}' at ${last.at}`;
  }
  return null;
}

/**
 * Record `step` at instant `at`. Returns a new record; the input is not changed. Refused
 * (INVALID_STEP) when the step is out of order, repeated, after 'failed', or earlier than the
 * step before it.
 */
export function applyDeliveryStep(
  r: DeliveryRecord,
  step: DeliveryStep,
  at: string,
): { ok: true; record: DeliveryRecord } | { ok: false; error: { code: 'INVALID_STEP'; message: string } } {
  const message = refusal(r, step, at);
  if (message !== null) return { ok: false, error: { code: 'INVALID_STEP', message } };
  return {
    ok: true,
    record: {
      channel: r.channel,
      address: r.address,
      addressConfirmed: r.addressConfirmed,
      steps: [...r.steps.map((s) => ({ step: s.step, at: s.at })), { step, at }],
    },
  };
}
