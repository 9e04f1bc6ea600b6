import type { Connection, Model } from 'mongoose';
import { SYSTEM_ACTOR } from '../../state-machines/case/caseMachine.js';
import type { CaseLogEntry, LogPayload } from '../cases/caseLog.js';
import type { CaseService } from '../cases/caseService.js';
import { isDuplicateKey } from '../cases/caseStore.js';
import { timestampZh } from '../documents/pdf.js';
import type { Logger } from '../logger.js';
import type { NotificationService } from '../notifications/notificationService.js';
import { agreementEffectModel, agreementModel, type AgreementDoc, type AgreementEffectDoc, type SignatureDoc } from './agreementModel.js';
import { dateTimeEn } from '../../state-machines/rules/courtDates.js';

/** The time of the last signature: when the agreement took effect. */
export function lastSignedAt(signatures: readonly Pick<SignatureDoc, 'signedAt'>[]): string | undefined {
  let last: string | undefined;
  for (const s of signatures) if (last === undefined || Date.parse(s.signedAt) > Date.parse(last)) last = s.signedAt;
  return last;
}

function loggedFor(entries: readonly CaseLogEntry[], type: string, agreementId: string): boolean {
  return entries.some((e) => e.type === type && (JSON.parse(e.payload) as LogPayload).data.agreementId === agreementId);
}

/** An effect whose side effects were not completed within this long is taken to be abandoned (crash) and redone. */
const STALE_EFFECT_MS = 60_000;

/**
 * What happens when the last party signs: the agreement is effective, the case
 * log says so, a case in mediation is settled, and everyone is told. Exactly
 * once: the first request to insert the effect record runs these steps; every
 * step can be run again (a crash between steps is repaired by the next read of
 * the agreement once the record is stale).
 */
export class AgreementEffects {
  private readonly agreements: Model<AgreementDoc>;
  private readonly effects: Model<AgreementEffectDoc>;

  constructor(
    connection: Connection,
    private readonly cases: CaseService,
    private readonly notifications: NotificationService,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {
    this.agreements = agreementModel(connection);
    this.effects = agreementEffectModel(connection);
  }

  /**
   * Call with the signatures as read after a new one was stored. Returns the
   * effective time when every signatory has signed (whoever ran the effect).
   */
  async takeEffectIfComplete(agreement: AgreementDoc, signatures: readonly SignatureDoc[]): Promise<string | undefined> {
    const signed = new Set(signatures.map((s) => s.userId));
    if (!agreement.signatories.every((s) => signed.has(s.userId))) return undefined;
    const effectiveAt = lastSignedAt(signatures.filter((s) => agreement.signatories.some((p) => p.userId === s.userId)));
    if (!effectiveAt) return undefined;
    const createdAt = this.now().toISOString();
    try {
      await this.effects.create({ _id: agreement._id, effectiveAt, createdAt });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return this.resumeIfAbandoned(agreement);
    }
    await this.run(agreement, effectiveAt);
    return effectiveAt;
  }

  private async resumeIfAbandoned(agreement: AgreementDoc): Promise<string | undefined> {
    const effect = await this.effects.findById(agreement._id).lean<AgreementEffectDoc>().exec();
    if (!effect) return undefined;
    if (!effect.completedAt && this.now().getTime() - Date.parse(effect.createdAt) > STALE_EFFECT_MS) {
      this.logger.warn({ agreementId: agreement._id }, 'completing the effect of an agreement left unfinished');
      await this.run(agreement, effect.effectiveAt);
    }
    return effect.effectiveAt;
  }

  private async run(agreement: AgreementDoc, effectiveAt: string): Promise<void> {
    await this.agreements.updateOne({ _id: agreement._id }, { $set: { status: 'effective', effectiveAt } }).exec();
    const settled = await this.recordAndSettle(agreement, effectiveAt);
    const ids = [...agreement.signatories.map((s) => s.userId), agreement.drafter.userId];
    this.notifications.notifyInBackground(
      ids,
      {
        type: 'agreement.effective',
        caseId: agreement.caseId,
        titleZh: `调解协议已生效：${agreement.title}`,
        titleEn: `Mediation agreement in effect: ${agreement.title}`,
        // Signed is not yet settled: the judge approves it and issues the 调解书 (CPL Art. 100).
        bodyZh: `全体当事人均已签名，调解协议自 ${timestampZh(effectiveAt)} 起生效。${settled ? '调解协议已提交法官审查确认。' : ''}`,
        bodyEn: `Every party has signed; the agreement took effect at ${dateTimeEn(effectiveAt)} (Beijing time).${settled ? ' It now goes to the judge for approval.' : ''}`,
        link: `/agreements/${agreement._id}`,
      },
      (userId) => `agreement-effective:${agreement._id}:${userId}`,
    );
    await this.effects.updateOne({ _id: agreement._id }, { $set: { completedAt: this.now().toISOString() } }).exec();
  }

  /** The case log entry, then the settlement. Each is skipped when a previous run already did it. */
  private async recordAndSettle(agreement: AgreementDoc, effectiveAt: string): Promise<boolean> {
    const entries = await this.cases.timeline(agreement.caseId);
    if (!loggedFor(entries, 'AGREEMENT_EFFECTIVE', agreement._id)) {
      await this.cases.recordNote(agreement.caseId, 'AGREEMENT_EFFECTIVE', SYSTEM_ACTOR, {
        agreementId: agreement._id,
        effectiveAt,
        documentSha256: agreement.documentSha256,
      });
    }
    const { drafter } = agreement;
    try {
      const settled = await this.cases.settleByAgreement(agreement.caseId, agreement._id, { userId: drafter.userId, role: drafter.role, courtId: drafter.courtId });
      return settled !== null || loggedFor(entries, 'MEDIATION_SETTLED', agreement._id);
    } catch (err) {
      // The agreement is in effect whatever the case machine says; a refusal (the
      // drafter left the court, say) is for staff to resolve, not a reason to undo signatures.
      this.logger.error({ err, agreementId: agreement._id, caseId: agreement.caseId }, 'case could not be settled by the agreement');
      return false;
    }
  }
}
