/**
 * Service by post or in person, recorded by the clerk so that every document has one service
 * record whatever the channel. When it took effect follows the method (pure, no clock):
 *   - post (邮寄送达, CPL Art. 91): the date of receipt signed on the return receipt (回执);
 *   - in person (直接送达, CPL Art. 88): the date the recipient signed the service receipt (送达回证);
 *   - left at the residence (留置送达, CPL Art. 89): the recipient refused personal service and
 *     the document was left; service is deemed made on the day it was left, with the refusal
 *     and the witness (or photo/video) recorded.
 */
import { instantMs } from '../rules/periods.js';

export type OfflineMethod = 'post' | 'inPerson' | 'leftAtResidence';

export interface OfflineServiceInput {
  method: OfflineMethod;
  /** The date on the proof: return-receipt date, signature date, or the day it was left. */
  servedAt: string;
  /** When the clerk records it; the proof cannot be dated after that. */
  recordedAt: string;
  /** 留置送达 only: why the recipient did not sign, and who witnessed it. */
  refusal?: { reason: string; witness?: string };
}

export interface OfflineEffect {
  effective: true;
  effectiveAt: string;
  presumed: false;
  basis: 'postal-receipt' | 'signature' | 'left-at-residence';
  channel: 'post' | 'inPerson';
  address: string;
}

const BASIS: Record<OfflineMethod, OfflineEffect['basis']> = { post: 'postal-receipt', inPerson: 'signature', leftAtResidence: 'left-at-residence' };

export type OfflineResult = { ok: true; effect: OfflineEffect } | { ok: false; code: 'SERVED_AT_IN_FUTURE' | 'REFUSAL_REQUIRED' | 'INVALID_INSTANT'; message: string };

export function offlineServiceEffect(input: OfflineServiceInput, address: string): OfflineResult {
  let served: number;
  try {
    served = instantMs(input.servedAt, 'servedAt');
    instantMs(input.recordedAt, 'recordedAt');
  } catch (err) {
    return { ok: false, code: 'INVALID_INSTANT', message: err instanceof Error ? err.message : String(err) };
  }
  if (served > Date.parse(input.recordedAt)) return { ok: false, code: 'SERVED_AT_IN_FUTURE', message: 'The date on the proof of service cannot be in the future.' };
  if (input.method === 'leftAtResidence' && !input.refusal?.reason.trim()) {
    return { ok: false, code: 'REFUSAL_REQUIRED', message: 'Leaving the document (留置送达, CPL Art. 89) needs the recorded refusal and a witness or photo/video.' };
  }
  return {
    ok: true,
    effect: { effective: true, effectiveAt: input.servedAt, presumed: false, basis: BASIS[input.method], channel: input.method === 'post' ? 'post' : 'inPerson', address },
  };
}
