import { describe, expect, it } from 'vitest';
import { instantMs, isInstant, shanghaiDate } from '../../../../state-machines/rules/periods.js';
import { createSession } from '../../../../state-machines/hearing/sessionMachine.js';
import { applyCaseEvent, createCase } from '../../../../state-machines/case/caseMachine.js';
import { chineseHolidayCalendar } from '../../../../state-machines/rules/periods.js';

describe('the one strict instant validator', () => {
  it('accepts a zoned ISO 8601 instant naming a real date and time', () => {
    for (const v of ['2026-02-28T10:00:00Z', '2026-02-28T10:00Z', '2024-02-29T23:59:59.999+08:00', '2026-03-01T00:00:00-05:30', '2026-03-01T10:00:00.123456789z']) {
      expect(isInstant(v), v).toBe(true);
    }
  });

  it('rejects dates that do not exist, though Date.parse reads them as another day', () => {
    expect(Number.isNaN(Date.parse('2026-02-30T10:00:00Z'))).toBe(false);
    for (const v of ['2026-02-30T10:00:00Z', '2025-02-29T10:00:00Z', '2026-04-31T10:00:00+08:00', '2026-13-01T10:00:00Z', '2026-00-10T10:00:00Z']) {
      expect(isInstant(v), v).toBe(false);
    }
  });

  it('rejects times that do not exist, a missing zone, and anything but a string', () => {
    for (const v of ['2026-02-28T24:00:00Z', '2026-02-28T10:60:00Z', '2026-02-28T10:00:60Z', '2026-02-28T10:00:00', '2026-02-28T10:00:00+24:00', '2026-02-28T10:00:00+0800', '2026-02-28', '', 'now']) {
      expect(isInstant(v), v).toBe(false);
    }
    expect(isInstant(Date.parse('2026-02-28T10:00:00Z'))).toBe(false);
    expect(isInstant(new Date())).toBe(false);
    expect(isInstant(undefined)).toBe(false);
  });

  it('instantMs and shanghaiDate refuse what it refuses', () => {
    expect(instantMs('2026-02-28T16:00:00Z')).toBe(Date.UTC(2026, 1, 28, 16));
    expect(() => instantMs('2026-02-30T10:00:00Z', 'servedAt')).toThrow(/servedAt must be an ISO 8601 instant/);
    expect(shanghaiDate('2026-02-28T16:00:00Z')).toBe('2026-03-01');
    expect(() => shanghaiDate('2026-02-30T10:00:00Z')).toThrow(RangeError);
  });

  it('the case machine and the hearing session machine use it', () => {
    expect(() => createCase({ caseId: 'c', courtId: 'court', filerId: 'u', at: '2026-02-30T10:00:00Z', calendar: chineseHolidayCalendar })).toThrow(TypeError);
    const draft = createCase({ caseId: 'c', courtId: 'court', filerId: 'u', at: '2026-02-27T10:00:00Z', calendar: chineseHolidayCalendar });
    const refused = applyCaseEvent(draft.snapshot, { type: 'SUBMIT', findings: [], actor: { userId: 'u', role: 'party' }, at: '2026-02-30T10:00:00Z' }, chineseHolidayCalendar);
    expect(refused.ok).toBe(false);
    expect(() => createSession({ hearingId: 'h', kind: 'hearing', at: '2026-02-30T10:00:00Z' } as Parameters<typeof createSession>[0])).toThrow(TypeError);
  });
});
