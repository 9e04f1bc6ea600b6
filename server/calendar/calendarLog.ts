/**
 * The log of holiday arrangements entered by platform administrators. Append-only and
 * hash-chained like the case log (hashChain.ts): every entry records who entered which
 * year's arrangement, when, and the arrangement before and after. The arrangements in force
 * are read back from this log, so the log is the only record and cannot disagree with it.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { YearArrangement } from '../../state-machines/calendar/courtCalendar.js';
import { CHAINED_ENTRY_FIELDS, chainEntry, verifyHashChain, type ChainVerification, type ChainedEntry } from '../hashChain.js';

export const CALENDAR_CHAIN = 'calendar';

export interface StoredArrangement extends YearArrangement {
  /** Where the dates come from, e.g. 国办发明电〔2026〕x号. */
  source: string;
}

export interface CalendarLogPayload {
  chain: typeof CALENDAR_CHAIN;
  seq: number;
  type: 'ARRANGEMENT_ENTERED';
  at: string;
  actor: { userId: string; role: string };
  year: number;
  /** The arrangement in force before: a previously entered one, or null for none. */
  before: StoredArrangement | null;
  after: StoredArrangement;
}

export interface CalendarLogEntry extends ChainedEntry {
  _id: string;
}

const schema = new Schema<CalendarLogEntry>(
  {
    _id: { type: String, required: true },
    ...CHAINED_ENTRY_FIELDS,
  },
  { versionKey: false },
);
// `_id` is `calendar:<seq>`: two administrators saving at once cannot both take the same seq.
schema.index({ seq: 1 }, { unique: true });

export function calendarLogModel(connection: Connection): Model<CalendarLogEntry> {
  return (
    (connection.models.CalendarLogEntry as Model<CalendarLogEntry> | undefined) ??
    connection.model<CalendarLogEntry>('CalendarLogEntry', schema, 'calendar_log')
  );
}

export function buildCalendarEntry(payload: CalendarLogPayload, prevHash: string): CalendarLogEntry {
  return chainEntry(CALENDAR_CHAIN, payload, prevHash);
}

export function verifyCalendarChain(entries: CalendarLogEntry[]): ChainVerification {
  return verifyHashChain<CalendarLogPayload>(entries, (p) => p.chain === CALENDAR_CHAIN);
}

export function payloadOf(entry: CalendarLogEntry): CalendarLogPayload {
  return JSON.parse(entry.payload) as CalendarLogPayload;
}
