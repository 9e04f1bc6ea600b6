import type { Connection } from 'mongoose';
import type { Logger } from '../logger.js';
import { caseNotices, type CaseNotice } from './caseNotices.js';
import { calendarDateZh } from '../documents/pdf.js';
import type { CaseDoc } from '../cases/caseModel.js';
import type { AppliedEntry, CaseEvents } from '../cases/caseEvents.js';
import type { CaseStore } from '../cases/caseStore.js';
import { userModel } from '../users/userModel.js';
import type { NotificationService } from './notificationService.js';
import { calendarDateEn } from '../../state-machines/rules/courtDates.js';

/**
 * A notice that names a deadline in a year whose holiday arrangement is not entered yet says
 * the date is provisional: it may still move, and the party will be told if it does.
 */
function withProvisionalNote(notices: CaseNotice[], doc: CaseDoc, calendar: { isProvisional(date: string): boolean } | undefined): CaseNotice[] {
  if (!calendar) return notices;
  const context = doc.snapshot.context;
  const dates = [...Object.values(context.deadlines), ...(context.appeals ?? []).map((a) => a.appealBy)].filter((d): d is string => typeof d === 'string');
  return notices.map((n) => {
    const named = dates.filter((d) => calendar.isProvisional(d) && (n.notice.bodyEn.includes(d) || n.notice.bodyEn.includes(calendarDateEn(d)) || n.notice.bodyZh.includes(calendarDateZh(d))));
    if (named.length === 0) return n;
    const list = [...new Set(named)];
    return {
      ...n,
      notice: {
        ...n.notice,
        bodyZh: `${n.notice.bodyZh}（${list.map(calendarDateZh).join('、')}为暂定期限：该年度节假日安排尚未公布，如有调整将另行通知。）`,
        bodyEn: `${n.notice.bodyEn} (${list.map(calendarDateEn).join(', ')} ${list.length > 1 ? 'are' : 'is'} provisional: the year's holiday arrangement is not published yet; you will be told if it moves.)`,
      },
    };
  });
}

/** How far back the start-up catch-up looks for steps whose notices a stop may have cut off. */
export const CATCH_UP_WINDOW_MS = 2 * 24 * 60 * 60 * 1000;

/**
 * Tells people about the steps of their cases (caseNotices.ts) as the case log
 * applies them. Each notice is keyed by (case, log entry, user), so a step that
 * is applied twice, or replayed by the start-up catch-up after a crash between
 * the case write and the notice, reaches each person once.
 */
export class CaseNotifier {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      /** Read by the start-up catch-up (`appliedSince`). */
      store: CaseStore;
      notifications: NotificationService;
      connection: Connection;
      logger: Logger;
      now: () => Date;
      /** Flags deadlines in years whose holiday arrangement is not entered yet (calendar/liveCalendar.ts). */
      calendar?: { isProvisional(date: string): boolean };
    },
  ) {}

  /** Starts following the case log's committed entries; returns the function that stops it. */
  attach(events: CaseEvents): () => void {
    return events.subscribe(({ doc, entry }) => {
      const delivery = this.deliver(doc, entry).catch((err: unknown) => {
        this.deps.logger.error({ err, caseId: doc._id, seq: entry.seq }, 'case notification failed');
      });
      this.pending.add(delivery);
      void delivery.finally(() => this.pending.delete(delivery));
    });
  }

  /** Resolves when every notice started so far is stored (and mailed, where mail is on). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Re-sends the notices of recent steps; those already sent are skipped by their keys. Returns how many steps were looked at. */
  async catchUp(windowMs = CATCH_UP_WINDOW_MS): Promise<number> {
    const since = new Date(this.deps.now().getTime() - windowMs).toISOString();
    const steps = await this.deps.store.appliedSince(since);
    for (const { doc, entry } of steps) await this.deliver(doc, entry);
    return steps.length;
  }

  private async deliver(doc: CaseDoc, entry: AppliedEntry): Promise<void> {
    const notices = withProvisionalNote(caseNotices(entry, doc), doc, this.deps.calendar);
    if (notices.length === 0) return;
    let clerks: string[] | undefined;
    for (const { audience, notice } of notices) {
      const recipients = audience === 'filer' ? [doc.filerId] : (clerks ??= await this.clerksOf(doc.courtId));
      for (const userId of recipients) {
        await this.deps.notifications.notify(userId, notice, { key: `case:${doc._id}:${entry.seq}:${userId}` });
      }
    }
  }

  private async clerksOf(courtId: string): Promise<string[]> {
    const users = await userModel(this.deps.connection).find({ courtId, roles: 'clerk' }, { _id: 1 }).lean().exec();
    return users.map((u) => String(u._id));
  }
}
