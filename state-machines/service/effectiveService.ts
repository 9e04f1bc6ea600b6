/**
 * When electronic service takes effect, and the periods it starts (docs/legal-rules.md, "When electronic service takes effect";
 * C1 Art. 31, C7 Art. 135, CPL Arts. 85, 95, 128, 171). Pure: no I/O and no clock.
 *
 * How a rebuttal meets "earliest wins" (C1 Art. 31 ¶4):
 * - A Rebuttal is the recipient's proof, accepted by the court, of when the document actually
 *   arrived at an address the recipient provided or confirmed (Case 1). Under C7 Art. 135 the
 *   proven date replaces the arrival the court's system shows ('delivered', else 'sent').
 * - It carries no channel, so it is read as "the document first actually reached an address
 *   the recipient confirmed at this instant". It replaces the arrival time of every
 *   confirmed-address record that had been sent by then. A confirmed-address record sent only
 *   after that instant keeps its own arrival, which is later anyway. A proven arrival before
 *   the document was sent to any confirmed address is impossible and throws RangeError.
 * - It does not touch records to unconfirmed addresses (Case 2). Their times are the
 *   recipient's own reply or procedural act, or the read receipt, and they still compete.
 *   So a proven arrival on 03-03 does not displace an acknowledgement by SMS on 03-02: the
 *   earliest completed effective service is still 03-02.
 * - The proof cannot put arrival after the recipient's own acknowledgement or procedural act
 *   on the same record: the recipient could not reply to a message that had not arrived. A
 *   read receipt does not cap the proof, because showing the system's report was wrong is
 *   just what the recipient may prove.
 * - Failed or never-sent records have no arrival to rebut; a rebuttal leaves them not effective.
 */
import { addPeriod, instantMs } from '../rules/periods.js';
import { answerByFrom, appealByFrom, serviceDate } from '../rules/statutoryPeriods.js';
import type { HolidayCalendar } from '../rules/periods.js';
import type { ServiceChannel } from './consent.js';
import type { DeliveryRecord } from './delivery.js';
import { stepAt } from './delivery.js';

export interface Rebuttal {
  provenArrivalAt: string;
  note?: string;
}

export type ServiceEffect =
  | {
      effective: true;
      effectiveAt: string;
      presumed: boolean;
      basis: 'arrival' | 'proven-arrival' | 'acknowledgement' | 'procedural-act' | 'read-receipt';
      channel: ServiceChannel;
      address: string;
    }
  | { effective: false; reason: string; reasonZh: string };

type Effective = Extract<ServiceEffect, { effective: true }>;
type Basis = Effective['basis'];

interface Candidate {
  at: string;
  basis: Basis;
  presumed: boolean;
}

/** CPL Art. 95 (2023): service by publication is deemed made when 30 days have passed. */
const PUBLICATION_DAYS = 30;

const CHANNEL_ZH: Record<ServiceChannel, string> = { inbox: '平台站内信', email: '电子邮件', sms: '短信' };

/**
 * The earliest candidate by the instant it denotes (not by its text, since offsets may differ).
 * On a tie a firm basis beats a presumed one; otherwise the earlier in the list wins.
 */
function earliest<T extends { at: string; presumed: boolean }>(candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const c of candidates) {
    if (best === undefined) {
      best = c;
      continue;
    }
    const diff = Date.parse(c.at) - Date.parse(best.at);
    if (diff < 0 || (diff === 0 && best.presumed && !c.presumed)) best = c;
  }
  return best;
}

function candidate(at: string | undefined, basis: Basis, presumed = false): Candidate[] {
  return at === undefined ? [] : [{ at, basis, presumed }];
}

function notEffective(reason: string, reasonZh: string): ServiceEffect {
  return { effective: false, reason, reasonZh };
}

/**
 * The effect of one record (C1 Art. 31):
 * - Case 1 (addressConfirmed): effective on arrival, which is 'delivered' if reported, else
 *   'sent' (the court system's "sent successfully", C7 Art. 135). With a rebuttal, the proven
 *   arrival instead, capped by the record's own acknowledgement or procedural act.
 * - Case 2: complete at the earliest acknowledgement or procedural act; presumed at a read
 *   receipt. Whichever of these came first sets the time (docs/legal-rules.md: min(ack, act, read)), so
 *   a read receipt before a later reply gives a presumed service at the read. On a tie the
 *   firm basis is reported. A rebuttal does not apply to Case 2.
 * - Otherwise not effective: another method of service must be used.
 * Throws RangeError when the rebuttal's instant is malformed or before this record was sent.
 */
export function effectOfDelivery(r: DeliveryRecord, rebuttal?: Rebuttal): ServiceEffect {
  const failedAt = stepAt(r, 'failed');
  if (failedAt !== undefined) {
    return notEffective(`delivery failed at ${failedAt}`, `送达失败（${failedAt}）`);
  }
  const sentAt = stepAt(r, 'sent');
  if (sentAt === undefined) {
    return notEffective('the system has not reported the message as sent', '系统尚未显示发送成功');
  }
  const firm = [
    ...candidate(stepAt(r, 'acknowledged'), 'acknowledgement'),
    ...candidate(stepAt(r, 'acted'), 'procedural-act'),
  ];

  let chosen: Candidate | undefined;
  if (r.addressConfirmed) {
    if (rebuttal !== undefined) {
      const proven = instantMs(rebuttal.provenArrivalAt, 'rebuttal.provenArrivalAt');
      if (proven < Date.parse(sentAt)) {
        throw new RangeError(`The proven arrival ${rebuttal.provenArrivalAt} is before the message was sent (${sentAt})`);
      }
      const proof: Candidate = { at: rebuttal.provenArrivalAt, basis: 'proven-arrival', presumed: false };
      chosen = earliest([proof, ...firm]) ?? proof;
    } else {
      chosen = { at: stepAt(r, 'delivered') ?? sentAt, basis: 'arrival', presumed: false };
    }
  } else {
    chosen = earliest([...firm, ...candidate(stepAt(r, 'read'), 'read-receipt', true)]);
    if (chosen === undefined) {
      return notEffective(
        'the address was not provided or confirmed by the recipient, and there is no acknowledgement, procedural act or read receipt; serve by another method',
        '该电子地址非受送达人提供或确认，且受送达人未回复收悉、未作出相应诉讼行为、系统亦未反馈已阅知；应采用其他方式送达',
      );
    }
  }
  return {
    effective: true,
    effectiveAt: chosen.at,
    presumed: chosen.presumed,
    basis: chosen.basis,
    channel: r.channel,
    address: r.address,
  };
}

/** Whether a confirmed-address record can carry the rebuttal (see the module comment). */
function rebuttable(r: DeliveryRecord): r is DeliveryRecord & { addressConfirmed: true } {
  return r.addressConfirmed && stepAt(r, 'failed') === undefined && stepAt(r, 'sent') !== undefined;
}

/**
 * The effect of serving the same content on one recipient through several records: the
 * earliest completed effective service sets the time (C1 Art. 31 ¶4), presumed ones included.
 * On a tie a firm basis beats a presumed one, then the earlier record in the list wins. When
 * none is effective, the reasons of all records are combined (channels only: the addresses
 * are personal data and reasons may end up in logs).
 * Throws RangeError when the rebuttal's instant is malformed, or is before the document was
 * sent to any confirmed address.
 */
export function effectiveService(records: DeliveryRecord[], rebuttal?: Rebuttal): ServiceEffect {
  if (records.length === 0) {
    return notEffective('no electronic service has been attempted', '尚未进行电子送达');
  }
  let appliesTo = (_r: DeliveryRecord): boolean => false;
  if (rebuttal !== undefined) {
    const proven = instantMs(rebuttal.provenArrivalAt, 'rebuttal.provenArrivalAt');
    const confirmed = records.filter(rebuttable);
    appliesTo = (r) => rebuttable(r) && Date.parse(stepAt(r, 'sent') ?? '') <= proven;
    if (confirmed.length > 0 && !confirmed.some(appliesTo)) {
      throw new RangeError(
        `The proven arrival ${rebuttal.provenArrivalAt} is before the document was sent to any address the recipient confirmed`,
      );
    }
  }

  const effects = records.map((r) => effectOfDelivery(r, appliesTo(r) ? rebuttal : undefined));
  const effective = effects.filter((e): e is Effective => e.effective);
  const winner = earliest(effective.map((e) => ({ ...e, at: e.effectiveAt })));
  if (winner !== undefined) {
    const { at: _at, ...effect } = winner;
    return effect;
  }

  const reasons: string[] = [];
  const reasonsZh: string[] = [];
  effects.forEach((e, i) => {
    const r = records[i];
    if (e.effective || r === undefined) return;
    reasons.push(`${r.channel} (record ${i + 1}): ${e.reason}`);
    reasonsZh.push(`${CHANNEL_ZH[r.channel] ?? r.channel}（第${i + 1}条）：${e.reasonZh}`);
  });
  return notEffective(
    `no electronic service has taken effect; ${reasons.join('; ')}`,
    `电子送达均未生效：${reasonsZh.join('；')}`,
  );
}


/** Counts plain days: a deemed-service date is nobody's deadline to act, so it does not roll over. */
const NO_ROLL_OVER: HolidayCalendar = { isRestDay: () => false };

/**
 * The date ('YYYY-MM-DD', Asia/Shanghai) on which service by publication is deemed made: when
 * 30 days have passed from issue (CPL Art. 95), the day of issue not counted (Art. 85). Issued
 * 2026-03-01 -> 2026-03-31. `noticeIssuedAt` is a zoned instant or a date. Throws RangeError
 * otherwise.
 */
export function publicationEffectiveAt(noticeIssuedAt: string): string {
  return addPeriod(serviceDate(noticeIssuedAt), PUBLICATION_DAYS, 'day', NO_ROLL_OVER);
}

/**
 * Last days ('YYYY-MM-DD', Asia/Shanghai) of the periods that service starts: the answer
 * (15 days, CPL Art. 128) and appeals against a judgment (15 days) or a ruling (10 days, Art.
 * 171). The day service took effect is not counted; a last day that is a rest day in
 * `calendar` rolls over to the next working day (Art. 85). `effectiveAt` is a zoned instant
 * (its Shanghai date counts) or a date such as `publicationEffectiveAt` returns.
 */
export function periodsFromService(
  effectiveAt: string,
  calendar: HolidayCalendar,
): { answerBy: string; appealAgainstJudgmentBy: string; appealAgainstRulingBy: string } {
  return {
    answerBy: answerByFrom(effectiveAt, calendar),
    appealAgainstJudgmentBy: appealByFrom(effectiveAt, 'judgment', calendar),
    appealAgainstRulingBy: appealByFrom(effectiveAt, 'ruling', calendar),
  };
}
