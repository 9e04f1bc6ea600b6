import { describe, expect, it } from 'vitest';
import en from '../../../../client/src/i18n/en.json' with { type: 'json' };
import zh from '../../../../client/src/i18n/zh.json' with { type: 'json' };
import { CASE_EVENT_TYPES } from '../../../../state-machines/case/caseTypes.js';

/**
 * The case history (client Timeline) names each step by `event.<TYPE>`; a step without wording
 * shows its raw type (`WAIVE_ANSWER_PERIOD`) to parties. Every step the case machine knows must
 * read in both languages, so a new event cannot ship without its words.
 */
describe('case event wording', () => {
  const catalogues = { en: en as Record<string, string>, zh: zh as Record<string, string> };

  it.each(Object.entries(catalogues))('every case event has wording in %s', (_lang, catalogue) => {
    const missing = CASE_EVENT_TYPES.filter((type) => !(catalogue[`event.${type}`] ?? '').trim());
    expect(missing).toEqual([]);
  });

  it('the Chinese wording is Chinese and differs from the English', () => {
    for (const type of CASE_EVENT_TYPES) {
      const zhText = catalogues.zh[`event.${type}`] ?? '';
      expect(zhText, type).toMatch(/[\u4e00-\u9fff]/);
      expect(zhText, type).not.toBe(catalogues.en[`event.${type}`]);
    }
  });
});
