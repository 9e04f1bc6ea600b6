import { describe, expect, it } from 'vitest';
import en from '../../client/src/i18n/en.json' with { type: 'json' };
import zh from '../../client/src/i18n/zh.json' with { type: 'json' };

/**
 * A static check of the client's two catalogues. It lives with the browser
 * tests because they are what the catalogues serve; it starts no browser.
 */
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the client catalogues (zh.json, en.json)', () => {
  it('have the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  it('have no empty text and the same {placeholders} in both languages', () => {
    const zhTexts = zh as Record<string, string>;
    for (const [key, text] of Object.entries(en as Record<string, string>)) {
      expect(text.trim(), `en ${key}`).not.toBe('');
      expect(zhTexts[key]?.trim(), `zh ${key}`).not.toBe('');
      expect(placeholders(text), key).toEqual(placeholders(zhTexts[key] ?? ''));
    }
  });

  it('give every mediation wording (key + "Mediation", used by client/src/hearing/roomWords.ts) a base text, and no court words', () => {
    const zhTexts = zh as Record<string, string>;
    const enTexts = en as Record<string, string>;
    // The room's namespaces; elsewhere a key may end so as a word of its own (status.inMediation).
    const variants = Object.keys(zhTexts).filter((k) => /^(room|bench|sessionState|presence|device|record|error)\./.test(k) && k.endsWith('Mediation'));
    expect(variants.length).toBeGreaterThan(20);
    for (const key of variants) {
      expect(zhTexts[key.slice(0, -'Mediation'.length)], `${key} has no base text`).toBeDefined();
      for (const word of ['开庭', '闭庭', '候庭', '庭内', '庭审']) expect(zhTexts[key], key).not.toContain(word);
      expect(enTexts[key], key).not.toMatch(/\b(hearing|judge|court)\b/i);
    }
  });
});
