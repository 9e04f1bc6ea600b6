import type { Connection } from 'mongoose';
import type { Logger } from '../logger.js';
import { caseNotices } from '../cases/caseNotices.js';
import type { CaseDoc } from '../cases/caseModel.js';
import type { AppliedEntry, CaseStore } from '../cases/caseStore.js';
import { userModel } from '../users/userModel.js';
import type { NotificationService } from './notificationService.js';

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
      store: CaseStore;
      notifications: NotificationService;
      connection: Connection;
      logger: Logger;
      now: () => Date;
    },
  ) {}

  /** Starts following the case log; returns the function that stops it. */
  attach(): () => void {
    return this.deps.store.onApplied((doc, entry) => {
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
    const notices = caseNotices(entry, doc);
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
