/**
 * The deadline sweep (server/scheduler.ts): every case whose correction, fee or answer period
 * ended takes the machine's expiry step. A fee period does not expire while a payment waits for
 * a clerk's confirmation: the party paid in time as far as they can tell; nor while an
 * application for fee relief waits, nor in the days to pay after a refusal.
 */
import { allowedEventTypes, SYSTEM_ACTOR, type CaseEvent, type CaseEventType, type CaseStatus } from '../../state-machines/case/caseMachine.js';
import { hasPaymentAwaitingConfirmation } from '../payments/paymentProvider.js';
import type { CaseDoc } from './caseModel.js';
import type { CaseParts } from './caseParts.js';
import { FeeRelief, reliefHoldsFeePeriod } from './feeRelief.js';

/** The period that can run out in each status, and the machine's step when it does. */
const EXPIRY_BY_STATUS: Partial<Record<CaseStatus, 'CORRECTION_PERIOD_EXPIRED' | 'FEE_PERIOD_EXPIRED' | 'ANSWER_PERIOD_EXPIRED'>> = {
  correctionRequested: 'CORRECTION_PERIOD_EXPIRED',
  docketed: 'FEE_PERIOD_EXPIRED',
  servedOnDefendant: 'ANSWER_PERIOD_EXPIRED',
};

export class DeadlineSweep {
  private readonly relief: FeeRelief;
  constructor(private readonly parts: CaseParts) {
    this.relief = new FeeRelief(parts);
  }

  /** Every case whose period ended before `at` takes its expiry step. Returns the cases that moved. */
  async expireDeadlines(at: Date): Promise<{ caseId: string; type: CaseEventType }[]> {
    const atIso = at.toISOString();
    const running = await this.parts.store.model
      .find({ status: { $in: Object.keys(EXPIRY_BY_STATUS) as CaseStatus[] } }, { _id: 1 })
      .lean<{ _id: string }[]>()
      .exec();
    const moved: { caseId: string; type: CaseEventType }[] = [];
    for (const { _id } of running) {
      let type: CaseEventType | undefined;
      // Decided again on the fresh case when someone acted on it meanwhile (paid, corrected).
      const done = await this.parts.commands.run(
        _id,
        async (doc) => {
          type = await this.expiryOf(doc, atIso);
          return type ? { event: { type, actor: SYSTEM_ACTOR, at: atIso } as CaseEvent } : null;
        },
        () => null,
      );
      if (done && type) moved.push({ caseId: _id, type });
    }
    return moved;
  }

  private async expiryOf(doc: CaseDoc, at: string): Promise<CaseEventType | undefined> {
    const type = EXPIRY_BY_STATUS[doc.status];
    if (!type || !allowedEventTypes(doc.snapshot, SYSTEM_ACTOR, this.parts.calendar, at).includes(type)) return undefined;
    if (type === 'FEE_PERIOD_EXPIRED' && (await hasPaymentAwaitingConfirmation(this.parts.connection, doc._id))) return undefined;
    // Nor while an application for fee relief waits, or in the days to pay after a refusal (feeRelief.ts).
    if (type === 'FEE_PERIOD_EXPIRED' && reliefHoldsFeePeriod(doc, at, this.relief.payByAfterRefusal)) return undefined;
    return type;
  }
}
