import { describe, expect, it } from 'vitest';
import { chineseHolidayCalendar, fixedHolidayCalendar } from '../../../../state-machines/rules/periods.js';
import { addressConfirmed } from '../../../../state-machines/service/consent.js';
import type { EServiceConsent, ServiceChannel } from '../../../../state-machines/service/consent.js';
import { applyDeliveryStep } from '../../../../state-machines/service/delivery.js';
import type { DeliveryRecord, DeliveryStep } from '../../../../state-machines/service/delivery.js';
import {
  effectiveService,
  effectOfDelivery,
  periodsFromService,
  publicationEffectiveAt,
} from '../../../../state-machines/service/effectiveService.js';
import type { ServiceEffect } from '../../../../state-machines/service/effectiveService.js';

const ADDRESS: Record<ServiceChannel, string> = { inbox: 'u-defendant', email: 'zhang@example.com', sms: '13800138000' };

/** A record built through applyDeliveryStep, so every fixture is a trail the platform could hold. */
function record(channel: ServiceChannel, confirmed: boolean, steps: Array<[DeliveryStep, string]>): DeliveryRecord {
  let r: DeliveryRecord = { channel, address: ADDRESS[channel], addressConfirmed: confirmed, steps: [] };
  for (const [step, at] of [['created', '2026-02-28T09:00:00+08:00'] as [DeliveryStep, string], ...steps]) {
    const result = applyDeliveryStep(r, step, at);
    if (!result.ok) throw new Error(`${step} refused: ${result.error.message}`);
    r = result.record;
  }
  return r;
}

function effectiveAt(effect: ServiceEffect): string {
  if (!effect.effective) throw new Error(`expected effective service, got: ${effect.reason}`);
  return effect.effectiveAt;
}

const D = (day: string, time = '10:00:00') => `2026-03-${day}T${time}+08:00`;

describe('docs/legal-rules.md service vectors', () => {
  it('consent ground C with an address confirmed -> effectiveAt = deliveredAt', () => {
    const consent: EServiceConsent = {
      ground: 'C',
      channel: 'platform',
      addresses: [{ channel: 'email', value: 'zhang@example.com', confirmedByRecipient: true }],
      capturedAt: '2026-02-20T09:00:00+08:00',
      capturedBy: 'u-clerk',
    };
    const confirmed = addressConfirmed(consent, 'email', 'zhang@example.com', D('01', '09:00:00'));
    expect(confirmed).toBe(true);
    const r = record('email', confirmed, [
      ['sent', D('01', '09:00:00')],
      ['delivered', D('01', '09:00:07')],
    ]);
    expect(effectOfDelivery(r)).toEqual({
      effective: true,
      effectiveAt: D('01', '09:00:07'),
      presumed: false,
      basis: 'arrival',
      channel: 'email',
      address: 'zhang@example.com',
    });
    expect(effectiveService([r])).toEqual(effectOfDelivery(r));
  });

  it('no confirmed address, SMS delivered but never read or acknowledged -> not effective', () => {
    const r = record('sms', false, [
      ['sent', D('01')],
      ['delivered', D('01', '10:00:03')],
    ]);
    const effect = effectOfDelivery(r);
    expect(effect.effective).toBe(false);
    if (!effect.effective) {
      expect(effect.reason).toMatch(/not provided or confirmed by the recipient.*another method/);
      expect(effect.reasonZh).toMatch(/其他方式送达/);
    }
    expect(effectiveService([r]).effective).toBe(false);
  });

  it('same case, but a read receipt at T -> presumed effective at T', () => {
    const T = D('02', '20:15:00');
    const r = record('sms', false, [
      ['sent', D('01')],
      ['delivered', D('01', '10:00:03')],
      ['read', T],
    ]);
    expect(effectiveService([r])).toEqual({
      effective: true,
      effectiveAt: T,
      presumed: true,
      basis: 'read-receipt',
      channel: 'sms',
      address: '13800138000',
    });
  });

  it('SMS read on 03-05 and platform acknowledgement on 03-04 -> effective 03-04 (earliest)', () => {
    const sms = record('sms', false, [['sent', D('01')], ['delivered', D('01')], ['read', D('05')]]);
    const inbox = record('inbox', false, [['sent', D('01')], ['delivered', D('01')], ['acknowledged', D('04')]]);
    for (const records of [[sms, inbox], [inbox, sms]]) {
      const effect = effectiveService(records);
      expect(effect).toMatchObject({ effective: true, effectiveAt: D('04'), presumed: false, basis: 'acknowledgement', channel: 'inbox' });
    }
  });

  it('court log shows sent 03-01; the recipient proves arrival 03-03 -> 03-03', () => {
    const r = record('email', true, [['sent', D('01')]]);
    expect(effectiveAt(effectiveService([r]))).toBe(D('01'));
    const rebutted = effectiveService([r], { provenArrivalAt: D('03'), note: 'mail server log' });
    expect(rebutted).toMatchObject({ effective: true, effectiveAt: D('03'), presumed: false, basis: 'proven-arrival' });
    expect(effectOfDelivery(r, { provenArrivalAt: D('03') })).toEqual(rebutted);
  });

  it('answer deadline with a holiday roll-over', () => {
    // The legal-rules example: effective 03-02 -> the period runs from 03-03 and ends 03-17.
    expect(periodsFromService(D('02'), chineseHolidayCalendar).answerBy).toBe('2026-03-17');
    // Were 03-17 a holiday, the period would end on the first day after it.
    expect(periodsFromService(D('02'), fixedHolidayCalendar(['2026-03-17'])).answerBy).toBe('2026-03-18');
    // Effective 2026-09-16: 15 days end on 10-01, National Day; the holiday runs to 10-07.
    expect(chineseHolidayCalendar.isRestDay('2026-10-07')).toBe(true);
    expect(chineseHolidayCalendar.isRestDay('2026-10-08')).toBe(false);
    expect(periodsFromService('2026-09-16T15:00:00+08:00', chineseHolidayCalendar).answerBy).toBe('2026-10-08');
    // Without the holiday data 10-01 is a Thursday and would be the last day.
    expect(periodsFromService('2026-09-16T15:00:00+08:00', fixedHolidayCalendar([])).answerBy).toBe('2026-10-01');
  });
});

describe('effectOfDelivery', () => {
  it('Case 1: without a delivery report, arrival is the system’s "sent successfully"', () => {
    const r = record('email', true, [['sent', D('01')]]);
    expect(effectOfDelivery(r)).toMatchObject({ effective: true, effectiveAt: D('01'), basis: 'arrival', presumed: false });
  });

  it('Case 1: a later read or reply does not move the arrival', () => {
    const r = record('inbox', true, [['sent', D('01')], ['delivered', D('01')], ['read', D('04')], ['acknowledged', D('05')]]);
    expect(effectiveAt(effectOfDelivery(r))).toBe(D('01'));
  });

  it('Case 2: a reply or procedural act completes service at the earlier of the two', () => {
    const acted = record('email', false, [['sent', D('01')], ['acted', D('03')], ['acknowledged', D('04')]]);
    expect(effectOfDelivery(acted)).toMatchObject({ effectiveAt: D('03'), basis: 'procedural-act', presumed: false });
    const acked = record('email', false, [['sent', D('01')], ['acknowledged', D('03')], ['acted', D('04')]]);
    expect(effectOfDelivery(acked)).toMatchObject({ effectiveAt: D('03'), basis: 'acknowledgement', presumed: false });
  });

  it('Case 2: a read receipt before a later reply gives presumed service at the read (min of ack, act, read)', () => {
    const r = record('sms', false, [['sent', D('01')], ['read', D('02')], ['acknowledged', D('04')]]);
    expect(effectOfDelivery(r)).toMatchObject({ effectiveAt: D('02'), basis: 'read-receipt', presumed: true });
  });

  it('Case 2: a read and a reply at the same instant are reported on the firm basis', () => {
    const r = record('inbox', false, [['sent', D('01')], ['delivered', D('02')], ['read', D('02')], ['acknowledged', D('02')]]);
    expect(effectOfDelivery(r)).toMatchObject({ effectiveAt: D('02'), basis: 'acknowledgement', presumed: false });
  });

  it('is not effective when the delivery failed or was never sent, even to a confirmed address', () => {
    const failed = effectOfDelivery(record('email', true, [['sent', D('01')], ['failed', D('01', '10:05:00')]]));
    expect(failed).toMatchObject({ effective: false, reason: expect.stringMatching(/delivery failed/) });
    const unsent = effectOfDelivery(record('email', true, []));
    expect(unsent).toMatchObject({ effective: false, reason: expect.stringMatching(/not reported the message as sent/) });
    expect(effectOfDelivery(record('email', true, [['failed', D('01')]]), { provenArrivalAt: D('03') }).effective).toBe(false);
  });

  it('a rebuttal overrides a delivery report too, and may prove an earlier arrival', () => {
    const r = record('email', true, [['sent', D('01')], ['delivered', D('04')]]);
    expect(effectiveAt(effectOfDelivery(r))).toBe(D('04'));
    expect(effectiveAt(effectOfDelivery(r, { provenArrivalAt: D('02') }))).toBe(D('02'));
    expect(effectiveAt(effectOfDelivery(r, { provenArrivalAt: D('06') }))).toBe(D('06'));
  });

  it('a rebuttal cannot put arrival after the recipient’s own reply on that record', () => {
    const r = record('email', true, [['sent', D('01')], ['acknowledged', D('02')]]);
    expect(effectOfDelivery(r, { provenArrivalAt: D('03') })).toMatchObject({ effectiveAt: D('02'), basis: 'acknowledgement' });
  });

  it('a read receipt does not cap a rebuttal', () => {
    const r = record('email', true, [['sent', D('01')], ['read', D('02')]]);
    expect(effectOfDelivery(r, { provenArrivalAt: D('03') })).toMatchObject({ effectiveAt: D('03'), basis: 'proven-arrival' });
  });

  it('ignores a rebuttal on a Case 2 record', () => {
    const r = record('sms', false, [['sent', D('01')], ['read', D('02')]]);
    expect(effectOfDelivery(r, { provenArrivalAt: D('05') })).toMatchObject({ effectiveAt: D('02'), basis: 'read-receipt' });
  });

  it('refuses a proven arrival before the message was sent, or without a zone', () => {
    const r = record('email', true, [['sent', D('03')]]);
    expect(() => effectOfDelivery(r, { provenArrivalAt: D('02') })).toThrow(RangeError);
    expect(() => effectOfDelivery(r, { provenArrivalAt: '2026-03-04T10:00:00' })).toThrow(RangeError);
  });
});

describe('effectiveService: several channels', () => {
  it('says nothing was attempted for no records', () => {
    expect(effectiveService([])).toMatchObject({ effective: false, reason: 'no electronic service has been attempted' });
  });

  it('a presumed service that came first still wins over a later complete one', () => {
    const sms = record('sms', false, [['sent', D('01')], ['read', D('02')]]);
    const inbox = record('inbox', false, [['sent', D('01')], ['acknowledged', D('04')]]);
    expect(effectiveService([inbox, sms])).toMatchObject({ effectiveAt: D('02'), presumed: true, channel: 'sms' });
  });

  it('on a tie a firm basis beats a presumed one, whatever the order', () => {
    const sms = record('sms', false, [['sent', D('01')], ['read', D('03')]]);
    const email = record('email', false, [['sent', D('01')], ['acknowledged', '2026-03-03T02:00:00Z']]);
    expect(effectiveService([sms, email])).toMatchObject({ basis: 'acknowledgement', channel: 'email', presumed: false });
    expect(effectiveService([email, sms])).toMatchObject({ basis: 'acknowledgement', channel: 'email' });
  });

  it('compares instants, not their text', () => {
    // 23:00 in Shanghai on 03-04 is earlier than 16:00 UTC on 03-04 (= 00:00 on 03-05 in Shanghai).
    const inbox = record('inbox', false, [['sent', D('01')], ['acknowledged', '2026-03-04T16:00:00Z']]);
    const email = record('email', false, [['sent', D('01')], ['acknowledged', '2026-03-04T23:00:00+08:00']]);
    expect(effectiveService([inbox, email])).toMatchObject({ channel: 'email', effectiveAt: '2026-03-04T23:00:00+08:00' });
  });

  it('a Case 1 arrival competes with Case 2 completions', () => {
    const email = record('email', true, [['sent', D('03')]]);
    const sms = record('sms', false, [['sent', D('01')], ['acknowledged', D('02')]]);
    expect(effectiveService([email, sms])).toMatchObject({ effectiveAt: D('02'), channel: 'sms' });
    const lateSms = record('sms', false, [['sent', D('01')], ['acknowledged', D('05')]]);
    expect(effectiveService([lateSms, email])).toMatchObject({ effectiveAt: D('03'), channel: 'email', basis: 'arrival' });
  });

  it('combines the reasons when nothing took effect, naming channels but not addresses', () => {
    const effect = effectiveService([
      record('sms', false, [['sent', D('01')], ['delivered', D('01')]]),
      record('email', true, [['sent', D('01')], ['failed', D('01', '10:01:00')]]),
    ]);
    expect(effect.effective).toBe(false);
    if (effect.effective) return;
    expect(effect.reason).toMatch(/^no electronic service has taken effect; sms \(record 1\): .*another method.*; email \(record 2\): delivery failed/);
    expect(effect.reasonZh).toMatch(/^电子送达均未生效：短信（第1条）：.*；电子邮件（第2条）：送达失败/);
    expect(effect.reason).not.toContain('13800138000');
    expect(effect.reason).not.toContain('zhang@example.com');
  });
});

describe('effectiveService: rebuttal and earliest-wins', () => {
  const rebuttal = { provenArrivalAt: D('03') };

  it('does not displace an earlier reply through another channel', () => {
    const email = record('email', true, [['sent', D('01')]]);
    const sms = record('sms', false, [['sent', D('01')], ['acknowledged', D('02')]]);
    expect(effectiveService([email, sms], rebuttal)).toMatchObject({ effectiveAt: D('02'), basis: 'acknowledgement', channel: 'sms' });
  });

  it('beats a later Case 2 service', () => {
    const email = record('email', true, [['sent', D('01')]]);
    const sms = record('sms', false, [['sent', D('01')], ['read', D('04')]]);
    expect(effectiveService([sms, email], rebuttal)).toMatchObject({ effectiveAt: D('03'), basis: 'proven-arrival', channel: 'email' });
  });

  it('replaces the arrival of every confirmed address sent by then', () => {
    const email = record('email', true, [['sent', D('01')]]);
    const inbox = record('inbox', true, [['sent', D('01', '11:00:00')], ['delivered', D('01', '11:00:00')]]);
    expect(effectiveAt(effectiveService([email, inbox]))).toBe(D('01'));
    expect(effectiveService([email, inbox], rebuttal)).toMatchObject({ effectiveAt: D('03'), basis: 'proven-arrival' });
  });

  it('leaves a confirmed address sent only after the proven arrival alone', () => {
    const email = record('email', true, [['sent', D('01')]]);
    const inbox = record('inbox', true, [['sent', D('05')]]);
    expect(effectiveService([inbox, email], rebuttal)).toMatchObject({ effectiveAt: D('03'), channel: 'email' });
  });

  it('refuses a proven arrival before anything was sent to a confirmed address', () => {
    const email = record('email', true, [['sent', D('04')]]);
    const sms = record('sms', false, [['sent', D('01')], ['read', D('02')]]);
    expect(() => effectiveService([email, sms], rebuttal)).toThrow(RangeError);
    expect(() => effectiveService([email], { provenArrivalAt: 'yesterday' })).toThrow(RangeError);
  });

  it('has no effect when no confirmed address was served', () => {
    const sms = record('sms', false, [['sent', D('01')], ['read', D('05')]]);
    const failed = record('email', true, [['sent', D('01')], ['failed', D('01', '10:01:00')]]);
    expect(effectiveService([sms, failed], rebuttal)).toMatchObject({ effectiveAt: D('05'), basis: 'read-receipt' });
  });
});

describe('periodsFromService', () => {
  it('gives 15 / 15 / 10 days, the day of service not counted', () => {
    expect(periodsFromService('2026-03-02', chineseHolidayCalendar)).toEqual({
      answerBy: '2026-03-17',
      appealAgainstJudgmentBy: '2026-03-17',
      appealAgainstRulingBy: '2026-03-12',
    });
  });

  it('counts from the Shanghai date of the instant', () => {
    // 16:30 UTC on 03-01 is 00:30 on 03-02 in Shanghai.
    expect(periodsFromService('2026-03-01T16:30:00Z', chineseHolidayCalendar).answerBy).toBe('2026-03-17');
    expect(periodsFromService('2026-03-01T15:30:00Z', chineseHolidayCalendar).answerBy).toBe('2026-03-16');
  });

  it('rolls a last day on a weekend over to Monday', () => {
    // Effective Friday 03-06: 15 days end Saturday 03-21.
    expect(periodsFromService('2026-03-06', fixedHolidayCalendar([])).answerBy).toBe('2026-03-23');
  });

  it('rolls each period over separately with the real holiday data', () => {
    // Effective 09-15: the ruling appeal ends 09-25, the Mid-Autumn holiday (Fri-Sun), so it
    // moves to Monday 09-28; the 15-day periods end 09-30, a working day.
    expect(periodsFromService('2026-09-15', chineseHolidayCalendar)).toEqual({
      answerBy: '2026-09-30',
      appealAgainstJudgmentBy: '2026-09-30',
      appealAgainstRulingBy: '2026-09-28',
    });
    expect(periodsFromService('2026-09-15', fixedHolidayCalendar([])).appealAgainstRulingBy).toBe('2026-09-25');
  });

  it('refuses an instant without a zone', () => {
    expect(() => periodsFromService('2026-03-02T10:00:00', chineseHolidayCalendar)).toThrow(RangeError);
  });
});

describe('publicationEffectiveAt', () => {
  it('is the day 30 days after issue, the day of issue not counted (CPL Art. 95)', () => {
    expect(publicationEffectiveAt('2026-03-01T09:00:00+08:00')).toBe('2026-03-31');
    expect(publicationEffectiveAt('2026-03-01')).toBe('2026-03-31');
    // 17:00 UTC on 02-28 is 01:00 on 03-01 in Shanghai.
    expect(publicationEffectiveAt('2026-02-28T17:00:00Z')).toBe('2026-03-31');
  });

  it('does not roll over holidays', () => {
    expect(publicationEffectiveAt('2026-09-01')).toBe('2026-10-01');
  });

  it('feeds periodsFromService', () => {
    expect(periodsFromService(publicationEffectiveAt('2026-03-01'), chineseHolidayCalendar).answerBy).toBe('2026-04-15');
  });

  it('refuses an instant without a zone', () => {
    expect(() => publicationEffectiveAt('2026-03-01T09:00:00')).toThrow(RangeError);
  });
});
