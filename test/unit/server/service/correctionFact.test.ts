/** A recorded time of service is corrected only on a new fact, and the correction names it (issue 15). */
import { describe, expect, it } from 'vitest';
import { correctionFact } from '../../../../server/service/effects.js';

const effect = (effectiveAt: string, basis: 'arrival' | 'proven-arrival' | 'acknowledgement' = 'arrival') => ({ effective: true as const, effectiveAt, presumed: false, basis, channel: 'inbox' as const, address: 'x' });

describe('correctionFact', () => {
  const recorded = { effect: effect('2026-03-01T10:00:00.000Z') };

  it('a later report on the same delivery (delivered after sent, a read, an acknowledgement) is no correction', () => {
    expect(correctionFact(recorded, effect('2026-03-01T10:00:00.150Z'))).toBeUndefined();
    expect(correctionFact(recorded, effect('2026-03-02T10:00:00.000Z', 'acknowledgement'))).toBeUndefined();
    expect(correctionFact(recorded, effect('2026-03-01T10:00:00.000Z'))).toBeUndefined();
  });

  it('an earlier effective service on another channel, reported later, is a correction: earlier-channel', () => {
    expect(correctionFact(recorded, effect('2026-03-01T09:00:00.000Z', 'acknowledgement'))).toBe('earlier-channel');
  });

  it('a new rebuttal is a correction: rebuttal; the same rebuttal again is not', () => {
    const proven = '2026-03-03T10:00:00.000Z';
    expect(correctionFact(recorded, effect(proven, 'proven-arrival'), { provenArrivalAt: proven })).toBe('rebuttal');
    expect(correctionFact({ ...recorded, effect: effect(proven, 'proven-arrival'), rebuttalAt: proven }, effect(proven, 'proven-arrival'), { provenArrivalAt: proven })).toBeUndefined();
  });
});
