import { describe, expect, it } from 'vitest';
import { CAUSES_OF_ACTION, causeOfAction, isFileableCause } from '../../../../state-machines/rules/data/causesOfAction.js';

describe('causes of action (民事案件案由规定 2020)', () => {
  it('has the 11 parts and the 54 second-level causes, each under an existing parent', () => {
    expect(CAUSES_OF_ACTION.filter((c) => c.level === 1)).toHaveLength(11);
    expect(CAUSES_OF_ACTION.filter((c) => c.level === 2)).toHaveLength(54);
    const codes = new Set(CAUSES_OF_ACTION.map((c) => c.code));
    expect(codes.size).toBe(CAUSES_OF_ACTION.length);
    for (const c of CAUSES_OF_ACTION) {
      if (c.level > 1) expect(codes.has(c.parent ?? ''), c.code).toBe(true);
      expect(c.zh.length).toBeGreaterThan(1);
      expect(c.en.length).toBeGreaterThan(1);
    }
  });

  it('places the common contract, tort, labour and family causes', () => {
    expect(causeOfAction('C10')?.zh).toBe('合同纠纷');
    expect(causeOfAction('C31')?.zh).toBe('侵权责任纠纷');
    expect(causeOfAction('C17')?.zh).toBe('劳动争议');
    expect(CAUSES_OF_ACTION.find((c) => c.zh === '借款合同纠纷')?.parent).toBe('C10');
    expect(CAUSES_OF_ACTION.find((c) => c.zh === '机动车交通事故责任纠纷')?.parent).toBe('C31');
    expect(CAUSES_OF_ACTION.find((c) => c.zh === '离婚纠纷')?.parent).toBe('C02');
    expect(CAUSES_OF_ACTION.find((c) => c.zh === '追索劳动报酬纠纷')?.parent).toBe('C17.01');
  });

  it('lets a filing name a cause from level 2 down, never a part or an unknown code', () => {
    expect(isFileableCause('C10')).toBe(true);
    expect(isFileableCause('C17.01.05')).toBe(true);
    expect(isFileableCause('P4')).toBe(false);
    expect(isFileableCause('C99')).toBe(false);
    expect(isFileableCause('')).toBe(false);
  });
});
