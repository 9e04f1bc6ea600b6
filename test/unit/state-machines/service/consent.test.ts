import { describe, expect, it } from 'vitest';
import {
  addressConfirmed,
  CONSENT_GROUND_TEXT,
  consentActiveAt,
  consentProblems,
} from '../../../../state-machines/service/consent.js';
import type { EServiceConsent } from '../../../../state-machines/service/consent.js';

function consent(overrides: Partial<EServiceConsent> = {}): EServiceConsent {
  return {
    ground: 'C',
    channel: 'platform',
    addresses: [
      { channel: 'email', value: 'Zhang.San@Example.com', confirmedByRecipient: true },
      { channel: 'sms', value: '+86 138-0013-8000', confirmedByRecipient: true },
      { channel: 'inbox', value: 'u-defendant', confirmedByRecipient: false },
    ],
    capturedAt: '2026-03-01T09:00:00+08:00',
    capturedBy: 'u-clerk',
    ...overrides,
  };
}

describe('consentProblems', () => {
  it('accepts a complete consent on every ground', () => {
    expect(consentProblems(consent())).toEqual([]);
    expect(consentProblems(consent({ ground: 'A', channel: 'phone' }))).toEqual([]);
    expect(consentProblems(consent({ ground: 'B', channel: 'written', evidenceRef: 'doc-17' }))).toEqual([]);
    expect(consentProblems(consent({ ground: 'D', evidenceRef: 'reply-3' }))).toEqual([]);
  });

  it('needs at least one address', () => {
    expect(consentProblems(consent({ addresses: [] }))).toEqual(['at least one electronic address is required']);
  });

  it('needs evidence for ground D (acceptance of a service already made)', () => {
    const problems = consentProblems(consent({ ground: 'D' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/ground D needs evidenceRef/);
    expect(consentProblems(consent({ ground: 'D', evidenceRef: '  ' }))).toEqual([
      'evidenceRef, when given, must be non-empty text',
    ]);
  });

  it('refuses a revocation before the capture, but not one after it', () => {
    expect(consentProblems(consent({ revokedAt: '2026-03-01T08:59:59+08:00' }))).toEqual(['revokedAt is before capturedAt']);
    // Same moment as the capture written in UTC: not before.
    expect(consentProblems(consent({ revokedAt: '2026-03-01T01:00:00Z' }))).toEqual([]);
    expect(consentProblems(consent({ revokedAt: '2026-03-10T09:00:00+08:00' }))).toEqual([]);
  });

  it('needs a recipient-confirmed address for ground C (an address given in a filing)', () => {
    const unconfirmed = consent({ addresses: [{ channel: 'email', value: 'a@example.com', confirmedByRecipient: false }] });
    expect(consentProblems(unconfirmed)).toEqual([expect.stringMatching(/ground C/)]);
    expect(consentProblems({ ...unconfirmed, ground: 'A' })).toEqual([]);
  });

  it('checks timestamps, the recorder and the addresses', () => {
    const problems = consentProblems(
      consent({
        capturedAt: '2026-03-01T09:00:00',
        capturedBy: ' ',
        addresses: [
          { channel: 'email', value: 'not-an-address', confirmedByRecipient: true },
          { channel: 'sms', value: 'call me', confirmedByRecipient: true },
          { channel: 'inbox', value: '', confirmedByRecipient: true },
        ],
      }),
    );
    expect(problems).toEqual([
      'capturedAt must be an ISO 8601 instant with a zone',
      'capturedBy is required',
      'addresses[0] is not an email address',
      'addresses[1] is not a phone number',
      'addresses[2].value is required',
    ]);
  });

  it('refuses the same address twice, however it is written', () => {
    const problems = consentProblems(
      consent({
        addresses: [
          { channel: 'sms', value: '13800138000', confirmedByRecipient: true },
          { channel: 'sms', value: '+86 138 0013 8000', confirmedByRecipient: false },
          { channel: 'email', value: 'li@example.com', confirmedByRecipient: true },
          { channel: 'email', value: 'li@EXAMPLE.com', confirmedByRecipient: true },
        ],
      }),
    );
    expect(problems).toEqual(['addresses[1] repeats an earlier sms address', 'addresses[3] repeats an earlier email address']);
  });

  it('refuses unknown grounds and capture channels from untyped input', () => {
    const raw = { ...consent(), ground: 'E', channel: 'fax' } as unknown as EServiceConsent;
    expect(consentProblems(raw)).toEqual([
      'ground must be one of A, B, C, D (C1 Art. 29)',
      'channel must be one of phone, platform, written (C1 Art. 30)',
    ]);
  });
});

describe('consentActiveAt', () => {
  const revocable = consent({ revokedAt: '2026-03-10T09:00:00+08:00' });

  it('runs from capture (inclusive) to revocation (exclusive)', () => {
    expect(consentActiveAt(revocable, '2026-03-01T08:59:59+08:00')).toBe(false);
    expect(consentActiveAt(revocable, '2026-03-01T01:00:00Z')).toBe(true); // the capture instant
    expect(consentActiveAt(revocable, '2026-03-10T08:59:59.999+08:00')).toBe(true);
    expect(consentActiveAt(revocable, '2026-03-10T01:00:00Z')).toBe(false); // the revocation instant
    expect(consentActiveAt(consent(), '2030-01-01T00:00:00Z')).toBe(true);
  });

  it('is never active when the consent has problems', () => {
    expect(consentActiveAt(consent({ ground: 'D' }), '2026-03-05T00:00:00Z')).toBe(false);
    expect(consentActiveAt(consent({ addresses: [] }), '2026-03-05T00:00:00Z')).toBe(false);
  });

  it('refuses an instant without a zone', () => {
    expect(() => consentActiveAt(consent(), '2026-03-05T10:00:00')).toThrow(RangeError);
  });
});

describe('addressConfirmed', () => {
  const at = '2026-03-02T10:00:00+08:00';

  it('is true for an address the recipient confirmed, under an active consent', () => {
    expect(addressConfirmed(consent(), 'email', 'Zhang.San@Example.com', at)).toBe(true);
    expect(addressConfirmed(consent(), 'sms', '13800138000', at)).toBe(true);
  });

  it('is false for an address listed but not confirmed by the recipient (Case 2)', () => {
    expect(addressConfirmed(consent(), 'inbox', 'u-defendant', at)).toBe(false);
  });

  it('is false for an unlisted address, another channel, or no consent', () => {
    expect(addressConfirmed(consent(), 'email', 'someone.else@example.com', at)).toBe(false);
    expect(addressConfirmed(consent(), 'email', '13800138000', at)).toBe(false);
    expect(addressConfirmed(undefined, 'email', 'Zhang.San@Example.com', at)).toBe(false);
  });

  it('is false before capture and after revocation', () => {
    const revoked = consent({ revokedAt: '2026-03-02T09:00:00+08:00' });
    expect(addressConfirmed(revoked, 'email', 'Zhang.San@Example.com', '2026-03-01T08:00:00+08:00')).toBe(false);
    expect(addressConfirmed(revoked, 'email', 'Zhang.San@Example.com', '2026-03-01T12:00:00+08:00')).toBe(true);
    expect(addressConfirmed(revoked, 'email', 'Zhang.San@Example.com', at)).toBe(false);
  });

  it('ignores an email domain’s case but not the local part’s', () => {
    expect(addressConfirmed(consent(), 'email', 'Zhang.San@example.COM', at)).toBe(true);
    expect(addressConfirmed(consent(), 'email', 'zhang.san@Example.com', at)).toBe(false);
  });

  it('is false when the consent is invalid, even for a listed confirmed address', () => {
    expect(addressConfirmed(consent({ ground: 'D' }), 'sms', '13800138000', at)).toBe(false);
  });
});

describe('CONSENT_GROUND_TEXT', () => {
  it('describes each of the four grounds in both languages', () => {
    expect(Object.keys(CONSENT_GROUND_TEXT).sort()).toEqual(['A', 'B', 'C', 'D']);
    expect(CONSENT_GROUND_TEXT.C.zh).toContain('电子地址');
    expect(CONSENT_GROUND_TEXT.D.en).toMatch(/not expressly objected/);
    const texts = Object.values(CONSENT_GROUND_TEXT).flatMap((t) => [t.zh, t.en]);
    expect(new Set(texts).size).toBe(8);
  });
});
