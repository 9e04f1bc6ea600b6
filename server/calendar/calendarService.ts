/**
 * Holiday arrangements: entering a year's State Council notice, reading the calendar, and
 * recounting the open deadlines a new arrangement moves (with a notice to each party and an
 * entry in each case log).
 */
import type { Connection, Model } from 'mongoose';
import { ArrangementError, validateArrangement } from '../../state-machines/calendar/courtCalendar.js';
import { statutoryHolidays } from '../../state-machines/calendar/statutoryHolidays.js';
import { SHIPPED_ARRANGEMENTS } from '../../state-machines/calendar/shippedArrangements.js';
import { recomputeDeadlines, type MovedDeadline } from '../../state-machines/case/caseDeadlineRecompute.js';
import type { CaseStatus } from '../../state-machines/case/caseTypes.js';
import { shanghaiDate } from '../../state-machines/rules/periods.js';
import type { AuthUser } from '../auth/tokens.js';
import type { CaseDoc } from '../cases/caseModel.js';
import type { CaseCommands } from '../cases/caseCommands.js';
import type { CaseStore } from '../cases/caseStore.js';
import { isDuplicateKey } from '../cases/caseStore.js';
import { GENESIS_HASH } from '../hashChain.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NotificationService } from '../notifications/notificationService.js';
import { userModel } from '../users/userModel.js';
import {
  buildCalendarEntry,
  calendarLogModel,
  payloadOf,
  verifyCalendarChain,
  type CalendarLogEntry,
  type StoredArrangement,
} from './calendarLog.js';
import type { LiveCourtCalendar } from './liveCalendar.js';
import { calendarDateEn } from '../../state-machines/rules/courtDates.js';
import { calendarDateZh } from '../documents/pdf.js';

export interface CalendarDeps {
  connection: Connection;
  calendar: LiveCourtCalendar;
  caseStore: CaseStore;
  /** Each recount is a case command (cases/caseCommands.ts). */
  commands: CaseCommands;
  notifications: NotificationService;
  logger: Logger;
  now: () => Date;
}

/** Statuses whose periods can no longer run: nothing to recount. */
const ENDED: CaseStatus[] = ['draft', 'rejected', 'closed', 'withdrawn'];

export type YearStatus = 'shipped' | 'entered' | 'provisional';

export class CalendarService {
  private readonly log: Model<CalendarLogEntry>;

  constructor(private readonly deps: CalendarDeps) {
    this.log = calendarLogModel(deps.connection);
  }

  /** Reads the entered arrangements into the live calendar (start-up, and after each entry). */
  async load(): Promise<void> {
    this.deps.calendar.replace((await this.entered()).values());
  }

  private async entries(): Promise<CalendarLogEntry[]> {
    return this.log.find({}).sort({ seq: 1 }).lean<CalendarLogEntry[]>().exec();
  }

  private async entered(): Promise<Map<number, StoredArrangement>> {
    const byYear = new Map<number, StoredArrangement>();
    for (const e of await this.entries()) {
      const p = payloadOf(e);
      byYear.set(p.year, p.after);
    }
    return byYear;
  }

  /** One year as the admin screen and the public read it. */
  async year(year: number) {
    if (!Number.isInteger(year) || year < 1901 || year > 2099) {
      throw errors.validation('The year must be between 1901 and 2099.', undefined, 'CALENDAR_YEAR_OUT_OF_RANGE');
    }
    const entered = (await this.entered()).get(year);
    const shipped = SHIPPED_ARRANGEMENTS.find((a) => a.year === year);
    const status: YearStatus = entered ? 'entered' : shipped ? 'shipped' : 'provisional';
    const arrangement = entered ?? shipped;
    return {
      year,
      status,
      provisional: status === 'provisional',
      statutoryHolidays: statutoryHolidays(year),
      ...(arrangement ? { restDays: [...arrangement.restDays], workdays: [...arrangement.workdays] } : {}),
      ...(entered ? { source: entered.source } : {}),
    };
  }

  /** Enters (or replaces) a year's arrangement, logs it, and recounts the open deadlines it moves. */
  async enter(user: AuthUser, input: StoredArrangement): Promise<{ year: number; seq: number; movedCases: number }> {
    const after: StoredArrangement = {
      year: input.year,
      restDays: [...new Set(input.restDays)].sort(),
      workdays: [...new Set(input.workdays)].sort(),
      source: input.source,
    };
    try {
      // A day repeated in one list is harmless and dropped; a day in both lists is an error.
      validateArrangement(after);
    } catch (err) {
      if (err instanceof ArrangementError) throw errors.validation(err.message, undefined, err.code);
      throw err;
    }
    const entries = await this.entries();
    const last = entries.at(-1);
    const before = (await this.entered()).get(after.year) ?? null;
    const at = this.deps.now().toISOString();
    const seq = (last?.seq ?? 0) + 1;
    const entry = buildCalendarEntry(
      { chain: 'calendar', seq, type: 'ARRANGEMENT_ENTERED', at, actor: { userId: user.id, role: 'admin' }, year: after.year, before, after },
      last?.hash ?? GENESIS_HASH,
    );
    try {
      await this.log.create(entry);
    } catch (err) {
      if (isDuplicateKey(err)) throw errors.conflict('Another administrator changed the calendar at the same time. Reload and try again.', 'CALENDAR_CHANGED');
      throw err;
    }
    await this.load();
    const movedCases = await this.recount(user, seq, at);
    return { year: after.year, seq, movedCases };
  }

  /** The whole log, newest last, with the chain verification. */
  async history() {
    const entries = await this.entries();
    return {
      verification: verifyCalendarChain(entries),
      entries: entries.map((e) => {
        const p = payloadOf(e);
        return { seq: e.seq, at: e.at, actor: p.actor, year: p.year, before: p.before, after: p.after, hash: e.hash, prevHash: e.prevHash };
      }),
    };
  }

  /**
   * Recounts every open case's running periods on the new calendar. Each case that moves gets
   * a log entry (`DEADLINES_RECOMPUTED`) and each of its parties a notice. A case that fails is
   * logged and skipped: the calendar change itself stands, and the next entry retries it.
   */
  private async recount(user: AuthUser, seq: number, at: string): Promise<number> {
    const today = shanghaiDate(at);
    const open = await this.deps.caseStore.model.find({ status: { $nin: ENDED } }).lean<CaseDoc[]>().exec();
    let moved = 0;
    for (const stale of open) {
      try {
        let movedHere: MovedDeadline[] = [];
        const updated = await this.deps.commands.run(
          stale._id,
          (doc) => {
            const result = recomputeDeadlines(doc.snapshot.context, this.deps.calendar, today);
            movedHere = result.moved;
            if (result.moved.length === 0) return null;
            return {
              entry: { type: 'DEADLINES_RECOMPUTED', actor: { userId: user.id, role: 'admin' }, at, data: { calendarSeq: seq, moved: result.moved } },
              fields: { snapshot: { ...doc.snapshot, context: result.context } },
            };
          },
          () => null,
        );
        if (!updated) continue;
        moved++;
        await this.notifyParties(updated, movedHere, seq);
      } catch (err) {
        this.deps.logger.error({ err, caseId: stale._id }, 'recounting deadlines after a calendar change failed');
      }
    }
    return moved;
  }

  private async notifyParties(doc: CaseDoc, moved: MovedDeadline[], seq: number): Promise<void> {
    const hashes = doc.defendants.map((d) => d.idNumberHash).filter((h): h is string => Boolean(h));
    const defendants = hashes.length
      ? await userModel(this.deps.connection).find({ idNumberHash: { $in: hashes } }, { _id: 1 }).lean<{ _id: string }[]>().exec()
      : [];
    const appellants = (doc.snapshot.context.appeals ?? []).map((a) => a.recipientId);
    const recipients = new Set([doc.filerId, ...defendants.map((u) => String(u._id)), ...appellants]);
    const subjectZh = doc.caseNumber ? `案件${doc.caseNumber}` : '您的立案申请';
    const subjectEn = doc.caseNumber ? `Case ${doc.caseNumber}` : 'Your filing';
    const linesZh = moved.map((m) => `${DEADLINE_ZH[m.name.split(':')[0] ?? ''] ?? m.name}由${calendarDateZh(m.from)}改为${calendarDateZh(m.to)}`).join('；');
    const linesEn = moved.map((m) => `${DEADLINE_EN[m.name.split(':')[0] ?? ''] ?? m.name}: ${calendarDateEn(m.from)} → ${calendarDateEn(m.to)}`).join('; ');
    for (const userId of recipients) {
      await this.deps.notifications.notify(
        userId,
        {
          type: 'case.deadlinesRecomputed',
          caseId: doc._id,
          link: `/cases/${doc._id}`,
          titleZh: `${subjectZh}：期限因节假日安排调整`,
          titleEn: `${subjectEn}: deadlines moved by the holiday arrangement`,
          bodyZh: `国务院节假日安排录入后，期限重新计算：${linesZh}。`,
          bodyEn: `The State Council holiday arrangement was entered and the periods were counted again. ${linesEn}.`,
        },
        { key: `calendar:${seq}:${doc._id}:${userId}` },
      );
    }
  }
}

const DEADLINE_ZH: Record<string, string> = { docketBy: '立案审查期限', feeDueBy: '交纳诉讼费期限', answerBy: '答辩期限', appealBy: '上诉期限' };
const DEADLINE_EN: Record<string, string> = { docketBy: 'Docketing decision by', feeDueBy: 'Fee due by', answerBy: 'Answer by', appealBy: 'Appeal by' };
