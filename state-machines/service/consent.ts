/**
 * Consent to electronic service (docs/legal-rules.md, "When electronic service takes effect"; CPL Art. 90, 在线诉讼规则 Arts. 29-30, Interpretation Art. 136).
 * Pure: no I/O and no clock; every timestamp is an ISO 8601 instant passed in.
 */
import { instantMs, isInstant } from '../rules/periods.js';

/** The four grounds of C1 Art. 29, (a) to (d). */
export type ConsentGround = 'A' | 'B' | 'C' | 'D';
export type ServiceChannel = 'inbox' | 'email' | 'sms';

export interface ServiceAddress {
  channel: ServiceChannel;
  value: string;
  /** provided or confirmed by the recipient (docs/legal-rules.md: Case 1) */
  confirmedByRecipient: boolean;
}

export interface EServiceConsent {
  ground: ConsentGround;
  /** How the consent was captured (C1 Art. 30): by phone, on the platform, or on a written form. */
  channel: 'phone' | 'platform' | 'written';
  addresses: ServiceAddress[];
  capturedAt: string;
  /** The user id of whoever recorded the consent. */
  capturedBy: string;
  /** The 送达地址确认书, call record or other proof; required for ground D. */
  evidenceRef?: string;
  /** From this instant on the consent no longer supports electronic service. */
  revokedAt?: string;
}

/** Short statements of each ground, for the consent form and the service certificate. */
export const CONSENT_GROUND_TEXT: Record<ConsentGround, { zh: string; en: string }> = {
  A: {
    zh: '受送达人明确表示同意电子送达',
    en: 'The recipient expressly agrees to electronic service.',
  },
  B: {
    zh: '受送达人在诉讼前已约定或者承诺适用电子送达',
    en: 'Before the proceedings, the recipient agreed or undertook to accept electronic service.',
  },
  C: {
    zh: '受送达人在起诉状、上诉状、申请书、答辩状中主动提供了用于接收送达的电子地址',
    en: 'The recipient gave an electronic address for receiving service in a complaint, appeal, application or defence.',
  },
  D: {
    zh: '受送达人通过回复收悉、参加诉讼等方式接受已经完成的电子送达，且未明确表示不同意电子送达',
    en: 'The recipient accepted an electronic service already made, by replying that it was received or by taking part in the proceedings, and has not expressly objected.',
  },
};

const GROUNDS: ReadonlySet<string> = new Set(['A', 'B', 'C', 'D']);
const CAPTURE_CHANNELS: ReadonlySet<string> = new Set(['phone', 'platform', 'written']);
const SERVICE_CHANNELS: ReadonlySet<string> = new Set(['inbox', 'email', 'sms']);

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// E.164 allows at most 15 digits; the shortest real numbers are a few digits longer than 5.
const PHONE_RE = /^\+?\d{5,15}$/;

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/**
 * The form in which two addresses are compared.
 * - email: the domain is case-insensitive, the local part is compared exactly. Treating two
 *   spellings as different at worst sends the message down Case 2 (stricter for the court),
 *   never treats an address the recipient did not give as confirmed.
 * - sms: spaces, hyphens, dots and brackets are dropped, and the mainland prefix +86 / 0086
 *   before an 11-digit mobile number is removed, so '+86 138-0013-8000' equals '13800138000'.
 * - inbox: the platform account id, trimmed.
 */
function normalizeAddress(channel: ServiceChannel, value: string): string {
  const trimmed = value.trim();
  if (channel === 'email') {
    const at = trimmed.lastIndexOf('@');
    return at < 0 ? trimmed : trimmed.slice(0, at) + trimmed.slice(at).toLowerCase();
  }
  if (channel === 'sms') {
    const compact = trimmed.replace(/[\s\-().]/g, '');
    const mainland = /^(?:\+86|0086)(1\d{10})$/.exec(compact);
    return mainland?.[1] ?? compact;
  }
  return trimmed;
}

function addressProblem(a: ServiceAddress, index: number): string | null {
  const where = `addresses[${index}]`;
  if (typeof a !== 'object' || a === null) return `${where} must be an object`;
  if (!SERVICE_CHANNELS.has(a.channel)) return `${where}.channel must be one of inbox, email, sms`;
  if (!isText(a.value)) return `${where}.value is required`;
  if (typeof a.confirmedByRecipient !== 'boolean') return `${where}.confirmedByRecipient must be true or false`;
  const normalized = normalizeAddress(a.channel, a.value);
  if (a.channel === 'email' && !EMAIL_RE.test(normalized)) return `${where} is not an email address`;
  if (a.channel === 'sms' && !PHONE_RE.test(normalized)) return `${where} is not a phone number`;
  return null;
}

/**
 * Everything wrong with a consent record; empty when it can support electronic service.
 * A consent with problems is treated as no consent by `consentActiveAt` and `addressConfirmed`.
 */
export function consentProblems(c: EServiceConsent): string[] {
  const problems: string[] = [];
  if (!GROUNDS.has(c.ground)) problems.push('ground must be one of A, B, C, D (C1 Art. 29)');
  if (!CAPTURE_CHANNELS.has(c.channel)) problems.push('channel must be one of phone, platform, written (C1 Art. 30)');
  if (!isInstant(c.capturedAt)) problems.push('capturedAt must be an ISO 8601 instant with a zone');
  if (!isText(c.capturedBy)) problems.push('capturedBy is required');

  const addresses: unknown = c.addresses;
  if (!Array.isArray(addresses) || addresses.length === 0) {
    problems.push('at least one electronic address is required');
  } else {
    const seen = new Set<string>();
    c.addresses.forEach((a, i) => {
      const problem = addressProblem(a, i);
      if (problem !== null) {
        problems.push(problem);
        return;
      }
      const key = `${a.channel}:${normalizeAddress(a.channel, a.value)}`;
      if (seen.has(key)) problems.push(`addresses[${i}] repeats an earlier ${a.channel} address`);
      seen.add(key);
    });
    if (c.ground === 'C' && !c.addresses.some((a) => a?.confirmedByRecipient === true)) {
      problems.push('ground C rests on an address the recipient gave in a filing: mark that address confirmedByRecipient');
    }
  }

  if (c.evidenceRef !== undefined && !isText(c.evidenceRef)) {
    problems.push('evidenceRef, when given, must be non-empty text');
  } else if (c.ground === 'D' && c.evidenceRef === undefined) {
    problems.push('ground D needs evidenceRef: the reply or procedural act by which the recipient accepted e-service');
  }

  if (c.revokedAt !== undefined) {
    if (!isInstant(c.revokedAt)) {
      problems.push('revokedAt, when given, must be an ISO 8601 instant with a zone');
    } else if (isInstant(c.capturedAt) && Date.parse(c.revokedAt) < Date.parse(c.capturedAt)) {
      problems.push('revokedAt is before capturedAt');
    }
  }
  return problems;
}

/**
 * True when the consent supports electronic service at instant `at`: it has no problems, was
 * captured at or before `at`, and was not revoked at or before `at`.
 * Throws RangeError when `at` is not a zoned ISO instant.
 */
export function consentActiveAt(c: EServiceConsent, at: string): boolean {
  const t = instantMs(at, 'at');
  if (consentProblems(c).length > 0) return false;
  if (Date.parse(c.capturedAt) > t) return false;
  return c.revokedAt === undefined || Date.parse(c.revokedAt) > t;
}

/**
 * True only if an active consent lists this address as provided or confirmed by the recipient,
 * i.e. service to it falls under Case 1 of C1 Art. 31. Pass the instant the document is sent.
 * Throws RangeError when `at` is not a zoned ISO instant.
 */
export function addressConfirmed(c: EServiceConsent | undefined, channel: ServiceChannel, value: string, at: string): boolean {
  instantMs(at, 'at');
  if (c === undefined || !consentActiveAt(c, at)) return false;
  if (!SERVICE_CHANNELS.has(channel) || !isText(value)) return false;
  const wanted = normalizeAddress(channel, value);
  return c.addresses.some(
    (a) => a.confirmedByRecipient && a.channel === channel && normalizeAddress(a.channel, a.value) === wanted,
  );
}
