/**
 * The events of the case log: every entry the case store applies (committed, and the case
 * document updated) is published here, including entries rolled forward after a crash, and
 * possibly more than once for one entry when two readers roll the same entry forward. So a
 * subscriber must be idempotent per (case, seq). Notices subscribe in app.ts
 * (notifications/caseNotifier.ts); cases/ imports none of its subscribers.
 */
import { EventBus } from '../events/eventBus.js';
import type { LogActor } from './caseLog.js';
import type { CaseDoc } from './caseModel.js';

/** One applied log entry as subscribers see it: the step and the case after it. */
export interface AppliedEntry {
  seq: number;
  type: string;
  at: string;
  actor: LogActor;
  data: Record<string, unknown>;
}

export interface CaseCommitted {
  /** The case as it stands after the entry. */
  doc: CaseDoc;
  entry: AppliedEntry;
}

export type CaseEvents = EventBus<CaseCommitted>;

export function createCaseEvents(onError?: (err: unknown, event: CaseCommitted) => void): CaseEvents {
  return new EventBus<CaseCommitted>(onError);
}
