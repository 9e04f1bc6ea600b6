/**
 * Instants for the service modules (internal). Every timestamp is an ISO 8601 string that
 * names its zone: a bare local time would be read in the server's own zone. Instants are
 * compared by the moment they denote, never as text, because the same moment may be written
 * with different offsets ('2026-03-01T16:00:00Z' and '2026-03-02T00:00:00+08:00').
 */
import { isIsoDate } from '../rules/periods.js';

const INSTANT_RE =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;

/**
 * A zoned ISO 8601 instant naming a real date and time. Date.parse alone is not enough: it
 * reads '2026-02-30' as 03-02 and '24:00' as the next midnight.
 */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = INSTANT_RE.exec(value);
  return match !== null && isIsoDate(match[1] ?? '') && Number.isFinite(Date.parse(value));
}

/** Milliseconds since the epoch; throws RangeError for anything but a zoned ISO instant. */
export function instantMs(value: string, what = 'timestamp'): number {
  if (!isInstant(value)) {
    throw new RangeError(`${what} must be an ISO 8601 instant with a zone (Z or ±hh:mm), got "${String(value)}"`);
  }
  return Date.parse(value);
}
