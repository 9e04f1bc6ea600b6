/**
 * The one way a case changes. Every change, whatever its origin (a filing, a clerk's review, a
 * payment, a hearing, a service effect, an agreement, the deadline sweep, a note), is a command:
 * load the case, decide the change on it (a case-machine event, or a log entry that changes no
 * status), commit the log entry and its projection through CaseStore, and, when another writer
 * took the next log entry first (CASE_CHANGED), decide again on the fresh case. That retry
 * lives here and nowhere else: callers never see a lost race, only the machine's answer on the
 * case as it stands.
 */
import {
  allowedEventTypes,
  applyCaseEvent,
  createCase,
  type CaseActor,
  type CaseEvent,
  type CaseEventOf,
  type CaseEventType,
  type CaseStatus,
} from '../../state-machines/case/caseMachine.js';
import type { HolidayCalendar } from '../../state-machines/rules/periods.js';
import { AppError, errors } from '../errors.js';
import type { LogActor } from './caseLog.js';
import type { CaseDoc, CaseState } from './caseModel.js';
import type { CaseStore } from './caseStore.js';
import { outOfOrder } from './outOfOrder.js';

/** What a command does to the case it was given. */
export type CaseChange =
  /** A step of the case machine: the machine decides the new status and snapshot. */
  | { event: CaseEvent; fields?: Partial<CaseState>; data?: Record<string, unknown> }
  /** A fact for the case record that is not a step of the machine (a note, a listed document, a binding). */
  | { entry: { type: string; actor: LogActor; data: Record<string, unknown>; at?: string }; fields?: Partial<CaseState> };

/**
 * Decides the change on the case as it stands at `at`; null when there is nothing to do. Called
 * again on the fresh case after a lost race, so it must read everything it needs from `doc`.
 */
export type Decide<C = CaseChange | null> = (doc: CaseDoc, at: string) => C | Promise<C>;

/** The case a command works on: its id, the copy the caller already holds (first attempt only), or a loader. */
export type CaseTarget = string | CaseDoc | (() => Promise<CaseDoc | null>);

export interface CaseCommandDeps {
  store: CaseStore;
  calendar: HolidayCalendar;
  now: () => Date;
}

/**
 * How often a command is decided again when other writers keep taking the next log entry. Each
 * attempt waits a little longer, with jitter, so writers racing on one case spread out.
 */
const ATTEMPTS = 10;

export const caseNotFound = (): AppError => errors.notFound('The case', 'CASE_NOT_FOUND');

export class CaseCommands {
  constructor(private readonly deps: CaseCommandDeps) {}

  get calendar(): HolidayCalendar {
    return this.deps.calendar;
  }

  nowIso(): string {
    return this.deps.now().toISOString();
  }

  /** A new case: its first log entry is the filer's SUBMIT (a fresh id, so no other writer can race it). */
  async open(input: { caseId: string; courtId: string; filerId: string; at: string; event: CaseEventOf<'SUBMIT'>; fields: Omit<CaseState, 'status' | 'snapshot'>; data: Record<string, unknown> }): Promise<CaseDoc> {
    const draft = createCase({ caseId: input.caseId, courtId: input.courtId, filerId: input.filerId, at: input.at, calendar: this.deps.calendar });
    const result = applyCaseEvent(draft.snapshot, input.event, this.deps.calendar);
    if (!result.ok) throw machineError(result.error);
    return this.deps.store.create(input.caseId, {
      type: 'SUBMIT',
      actor: logActor(input.event.actor),
      at: input.at,
      data: input.data,
      state: { ...input.fields, status: result.status, snapshot: result.snapshot },
    });
  }

  /** Runs a command that always changes the case. */
  async apply(target: CaseTarget, decide: Decide<CaseChange>, missing: () => AppError = caseNotFound): Promise<CaseDoc> {
    const doc = await this.run(target, decide, missing);
    if (!doc) throw caseNotFound();
    return doc;
  }

  /**
   * Runs a command that may find nothing to do (null). A missing case throws `missing()`, or
   * yields null when `missing` returns null.
   */
  async run(target: CaseTarget, decide: Decide, missing: () => AppError | null = caseNotFound): Promise<CaseDoc | null> {
    let held = typeof target === 'object' ? target : undefined;
    for (let attempt = 1; ; attempt++) {
      const doc = held ?? (await this.load(target));
      held = undefined;
      if (!doc) {
        const err = missing();
        if (err) throw err;
        return null;
      }
      const at = this.nowIso();
      const change = await decide(doc, at);
      if (!change) return null;
      try {
        return await this.commit(doc, change, at);
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'CASE_CHANGED') || attempt >= ATTEMPTS) throw err;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
      }
    }
  }

  /** A note for the case record (no change of status), appended after whatever landed first. */
  async note(caseId: string, type: string, actor: LogActor, data: Record<string, unknown>): Promise<CaseDoc> {
    return this.apply(caseId, () => ({ entry: { type, actor, data } }));
  }

  /** Refuses, with the machine's precise reason, a step the actor may not take on the case now. */
  assertAllowed(doc: CaseDoc, actor: CaseActor, type: CaseEventType): void {
    if (allowedEventTypes(doc.snapshot, actor, this.deps.calendar).includes(type)) return;
    const probe = applyCaseEvent(doc.snapshot, { type, actor, at: this.nowIso() } as CaseEvent, this.deps.calendar);
    throw probe.ok ? errors.invalidState(`${type} is not possible now.`) : machineError(probe.error, type, doc.status);
  }

  private async load(target: CaseTarget): Promise<CaseDoc | null> {
    if (typeof target === 'string') return this.deps.store.get(target);
    if (typeof target === 'function') return target();
    return this.deps.store.get(target._id);
  }

  private async commit(doc: CaseDoc, change: CaseChange, at: string): Promise<CaseDoc> {
    if ('entry' in change) {
      // An entry may carry the time of the act it records (a calendar change), else it is now.
      const { at: entryAt = at, ...entry } = change.entry;
      return this.deps.store.commit(doc, { ...entry, at: entryAt, state: { ...stateOf(doc), ...change.fields, updatedAt: entryAt } });
    }
    const { event } = change;
    const result = applyCaseEvent(doc.snapshot, event, this.deps.calendar);
    if (!result.ok) throw machineError(result.error, event.type, doc.status);
    const { type, actor, at: eventAt, ...data } = event;
    return this.deps.store.commit(doc, {
      type,
      actor: logActor(actor),
      at: eventAt,
      data: { ...data, ...change.data },
      state: { ...stateOf(doc), ...change.fields, status: result.status, snapshot: result.snapshot, updatedAt: eventAt },
    });
  }
}

function stateOf(doc: CaseDoc): CaseState {
  const { _id: _id, version: _version, ...state } = doc;
  return state;
}

function logActor(actor: CaseActor): LogActor {
  return { userId: actor.userId, role: actor.role };
}

export function machineError(error: { code: string; message: string; rule?: { code: string; details: Record<string, unknown> } }, type?: CaseEventType, status?: CaseStatus): AppError {
  // A rule of procedure (procedureRules.ts): its own stable code, and the facts to act on.
  if (error.rule) return new AppError('invalidState', error.rule.code, error.message, error.rule.details);
  if (error.code === 'FORBIDDEN') return errors.forbidden(error.message);
  if (error.code === 'INVALID_STATE' && type && status) {
    const why = outOfOrder(type, status);
    return errors.invalidState(why.message, why.code);
  }
  if (error.code === 'INVALID_STATE') return errors.invalidState(error.message);
  return errors.validation(error.message, undefined, 'INVALID_EVENT');
}
