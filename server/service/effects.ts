/**
 * When service on a recipient takes effect, and what follows from it. Re-evaluated after
 * every step and rebuttal; the result is recorded only when it changes, as a new version with
 * a unique `_id`, so of several concurrent evaluators exactly one carries out the consequences:
 *   - the periods the service starts (answer, appeals) with the court's holiday calendar;
 *   - on the case: SERVE_DEFENDANT when a defendant is first served the complaint copy, in any
 *     stage after the fee (the answer deadline then appears on the case), otherwise
 *     a case-log note with the periods;
 *   - a 电子送达凭证 filed into the case and registered for public verification.
 */
import { effectiveService, type ServiceEffect } from '../../state-machines/service/effectiveService.js';
import { periodsFor } from '../../state-machines/service/servicePeriods.js';
import { maskIdNumber } from '../../state-machines/rules/idNumber.js';
import { SYSTEM_ACTOR, type CaseStatus } from '../../state-machines/case/caseMachine.js';
import type { ServiceStep } from '../cases/caseService.js';
import { findUserById } from '../users/userService.js';
import type { CourtDocumentFiling } from './courtDocumentFiling.js';
import { foldDeliveries, latestRebuttal, type FoldedDelivery } from './deliveryLog.js';
import { generateReceipt } from './receipts.js';
import type { ServiceDeps } from './serviceDeps.js';
import { insertOnce, type EffectDoc, type ServiceDoc } from './serviceModels.js';

type Effective = Extract<ServiceEffect, { effective: true }>;

/** Served content that starts the defendant's answer period (CPL Art. 128): the complaint copy, not a summons. */
const STARTS_ANSWER_PERIOD = new Set(['complaint']);
/** Stages in which the case records service of the complaint copy (a hearing may already be fixed). */
const TAKES_SERVICE: readonly CaseStatus[] = ['feeSettled', 'servedOnDefendant', 'answered', 'defaultPending', 'hearingScheduled', 'mediationFailed'];
/** Decisions a judge files (cases/caseDecisions.ts decide): serving one starts the appeal period. */
const STARTS_APPEAL_PERIOD = new Set(['judgment', 'ruling']);

/**
 * The new fact, if any, that makes `effect` a correction of the recorded `previous` one.
 * Service takes effect once: later reports about the same delivery (an inbox item or SMS
 * reported 'delivered' after 'sent', a read after an arrival) are not a new time of service.
 * Only these are:
 *   - a rebuttal (C7 Art. 135) not yet reflected in the recorded effect;
 *   - an effective service at an earlier instant on another record, reported later (C1 Art. 31 ¶4:
 *     the earliest wins), e.g. an SMS acknowledged before the inbox item was read but reported after.
 */
export function correctionFact(previous: Pick<EffectDoc, 'effect' | 'rebuttalAt'>, effect: Effective, rebuttal?: { provenArrivalAt: string }): EffectDoc['fact'] | undefined {
  if (rebuttal && rebuttal.provenArrivalAt !== previous.rebuttalAt) {
    return effect.effectiveAt === previous.effect.effectiveAt && effect.basis === previous.effect.basis ? undefined : 'rebuttal';
  }
  if (Date.parse(effect.effectiveAt) < Date.parse(previous.effect.effectiveAt)) return 'earlier-channel';
  return undefined;
}

/** 张三 -> 张*: what the public verification page may show of a name. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  return chars.length <= 1 ? chars.join('') : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

export interface RecipientState {
  deliveries: FoldedDelivery[];
  rebuttal?: { provenArrivalAt: string; note?: string };
  effect: ServiceEffect;
}

function provisionalOn(calendar: unknown, date: string): boolean {
  const c = calendar as { isProvisional?: (d: string) => boolean };
  return typeof c.isProvisional === 'function' && c.isProvisional(date);
}

export class ServiceEffects {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly filing: CourtDocumentFiling,
  ) {}

  /** The recipient's deliveries and the effect they have now, from the log alone. */
  async stateOf(serviceId: string, recipientId: string): Promise<RecipientState> {
    const entries = await this.deps.log.entries(serviceId);
    const deliveries = [...foldDeliveries(entries).values()].filter((d) => d.recipientId === recipientId);
    const rebuttal = latestRebuttal(entries, recipientId);
    return { deliveries, ...(rebuttal ? { rebuttal } : {}), effect: effectiveService(deliveries.map((d) => d.record), rebuttal) };
  }

  async latest(serviceId: string, recipientId: string): Promise<EffectDoc | null> {
    return this.deps.models.effects.findOne({ serviceId, recipientId }).sort({ version: -1 }).lean<EffectDoc>().exec();
  }

  /** Record the effect if it is new or changed, then carry out what follows. */
  async evaluate(service: ServiceDoc, recipientId: string): Promise<EffectDoc | null> {
    let state: RecipientState;
    try {
      state = await this.stateOf(service._id, recipientId);
    } catch (err) {
      // A rebuttal is checked against the log before it is recorded, so this is not expected.
      this.deps.logger.error({ err, serviceId: service._id }, 'service effect could not be computed');
      return null;
    }
    const { effect } = state;
    if (!effect.effective) return null;
    const previous = await this.latest(service._id, recipientId);
    const fact = previous ? correctionFact(previous, effect, state.rebuttal) : undefined;
    if (previous && !fact) return previous;
    const version = (previous?.version ?? 0) + 1;
    const side = service.recipients.find((r) => r.userId === recipientId)?.side;
    const doc: EffectDoc = {
      _id: `${service._id}:${recipientId}:${version}`,
      serviceId: service._id,
      caseId: service.caseId,
      recipientId,
      version,
      effect,
      periods: periodsFor(service.document.kind, side, effect.effectiveAt, this.deps.calendar),
      recordedAt: this.deps.now().toISOString(),
      ...(fact ? { fact } : {}),
      ...(state.rebuttal ? { rebuttalAt: state.rebuttal.provenArrivalAt } : {}),
    };
    return this.record(service, doc, previous, state);
  }

  /** Record one effect version (exactly once, by `_id`) and carry out what follows from it. */
  async record(service: ServiceDoc, doc: EffectDoc, previous: EffectDoc | null, state?: RecipientState): Promise<EffectDoc | null> {
    if (!(await insertOnce(this.deps.models.effects, doc))) return null;
    await this.deps.log.append(service._id, () => ({
      type: 'EFFECTIVE',
      actor: SYSTEM_ACTOR,
      data: { recipientId: doc.recipientId, version: doc.version, effect: doc.effect, periods: doc.periods, ...(previous ? { replaces: previous.effect.effectiveAt, fact: doc.fact } : {}) },
    }));
    try {
      const caseRecord = await this.recordOnCase(service, doc, previous);
      // Post and in person: the clerk's uploaded proof (回执 / 送达回证) is the receipt.
      const receiptId = state ? await this.issueReceipt(service, doc, state) : service.offline?.proofDocumentId;
      if (!receiptId) return { ...doc, caseRecord };
      await this.deps.models.effects.updateOne({ _id: doc._id }, { $set: { caseRecord, receiptId } }).exec();
      return { ...doc, caseRecord, receiptId };
    } catch (err) {
      // The effect itself is on record and in the log; what failed here can be redone from it.
      this.deps.logger.error({ err, serviceId: service._id, effect: doc._id }, 'consequences of service could not be completed');
      return doc;
    }
  }

  private async recordOnCase(service: ServiceDoc, doc: EffectDoc, previous: EffectDoc | null): Promise<NonNullable<EffectDoc['caseRecord']>> {
    const planned = this.caseStepFor(service, doc, previous);
    const status = planned && (await this.deps.caseStore.get(service.caseId))?.status;
    if (planned && status && planned.when.includes(status)) {
      const clerk = { userId: service.createdBy, courtId: service.courtId };
      try {
        await this.deps.cases.recordServiceStep(service.caseId, planned.step, clerk, planned.details);
        return planned.step.type;
      } catch (err) {
        this.deps.logger.warn({ err, serviceId: service._id }, `the case refused ${planned.step.type}; recording a note instead`);
      }
    }
    await this.deps.cases.recordNote(service.caseId, previous ? 'SERVICE_EFFECT_REVISED' : 'SERVICE_EFFECTIVE', SYSTEM_ACTOR, this.noteData(service, doc, previous));
    return 'NOTE';
  }

  /**
   * The case-machine step this effect calls for, and the stages in which the case takes it;
   * otherwise the effect is only noted on the case. At most one applies, by the document served:
   *   - the complaint copy first served on a defendant starts their answer period, whatever the stage;
   *   - a revised time of that service moves it (and may undo a default);
   *   - a served judgment or ruling starts (or moves) this party's appeal period.
   */
  private caseStepFor(service: ServiceDoc, doc: EffectDoc, previous: EffectDoc | null): { step: ServiceStep; when: readonly CaseStatus[]; details: Record<string, unknown> } | undefined {
    const recipient = service.recipients.find((r) => r.userId === doc.recipientId);
    const servedAt = doc.effect.effectiveAt;
    const kind = service.document.kind;
    if (STARTS_ANSWER_PERIOD.has(kind) && !previous && recipient?.side === 'defendant') {
      const step: ServiceStep = { type: 'SERVE_DEFENDANT', servedAt, defendantId: doc.recipientId, documentId: service.document.documentId };
      return { step, when: TAKES_SERVICE, details: { serviceId: service._id } };
    }
    if (previous?.caseRecord === 'SERVE_DEFENDANT' || previous?.caseRecord === 'SERVICE_EFFECT_REVISED') {
      const step: ServiceStep = { type: 'SERVICE_EFFECT_REVISED', servedAt, defendantId: doc.recipientId };
      return { step, when: ['servedOnDefendant', 'defaultPending', 'hearingScheduled'], details: this.noteData(service, doc, previous) };
    }
    if (STARTS_APPEAL_PERIOD.has(kind)) {
      const step: ServiceStep = { type: 'DECISION_SERVED', recipientId: doc.recipientId, side: recipient?.side ?? 'other', servedAt };
      return { step, when: ['decided'], details: this.noteData(service, doc, previous) };
    }
    return undefined;
  }

  private noteData(service: ServiceDoc, doc: EffectDoc, previous: EffectDoc | null): Record<string, unknown> {
    return {
      serviceId: service._id,
      recipientId: doc.recipientId,
      document: { title: service.document.title, sha256: service.document.sha256 },
      documentKind: service.document.kind,
      recipientSide: service.recipients.find((r) => r.userId === doc.recipientId)?.side ?? 'other',
      effectiveAt: doc.effect.effectiveAt,
      presumed: doc.effect.presumed,
      basis: doc.effect.basis,
      channel: doc.effect.channel,
      periods: doc.periods,
      ...(previous ? { replaces: previous.effect.effectiveAt, fact: doc.fact } : {}),
    };
  }

  private async issueReceipt(service: ServiceDoc, doc: EffectDoc, state: RecipientState): Promise<string> {
    const user = await findUserById(this.deps, doc.recipientId);
    const name = user?.name ?? service.recipients.find((r) => r.userId === doc.recipientId)?.name ?? '';
    const idNumberMasked = user ? maskIdNumber(this.deps.cipher.decrypt(user.idNumberEnc)) : undefined;
    const consent = consentAtSending(state.deliveries);
    const courtNameZh = await this.filing.courtName(service.courtId);
    const receipt = await generateReceipt({
      courtNameZh,
      caseNumber: service.caseNumber,
      serviceId: service._id,
      issuedAt: doc.recordedAt,
      version: doc.version,
      document: { title: service.document.title, sha256: service.document.sha256, ...(service.document.contentHash ? { contentHash: service.document.contentHash } : {}) },
      recipient: { name, ...(idNumberMasked ? { idNumberMasked } : {}) },
      ...(consent ? { consent } : {}),
      deliveries: state.deliveries.map((d) => d.record),
      effect: doc.effect as Effective,
      periods: doc.periods,
      // Dates in a year whose holiday arrangement is not entered yet are marked 暂定 on the receipt.
      provisionalDates: Object.values(doc.periods).filter((d) => provisionalOn(this.deps.calendar, d)),
      ...(doc.fact ? { fact: doc.fact } : {}),
      ...(state.rebuttal ? { rebuttal: state.rebuttal } : {}),
      verifyBaseUrl: this.deps.publicUrl(),
      ...(this.deps.seal ? { seal: this.deps.seal } : {}),
    });
    const filed = await this.filing.file(
      service.caseId,
      { filename: receipt.filename, bytes: receipt.bytes, title: '电子送达凭证', documentType: 'serviceReceipt', contentHash: receipt.contentHash },
      {
        type: 'SERVICE_RECEIPT_FILED',
        actor: SYSTEM_ACTOR,
        data: { serviceId: service._id, recipientId: doc.recipientId, version: doc.version, effectiveAt: doc.effect.effectiveAt, presumed: doc.effect.presumed, periods: doc.periods },
      },
    );
    await this.filing.registerVerifiable({
      _id: receipt.sha256,
      contentHash: receipt.contentHash,
      type: 'serviceReceipt',
      caseId: service.caseId,
      caseNumber: service.caseNumber,
      courtNameZh,
      title: '电子送达凭证',
      documentId: filed.stored.id,
      issuedAt: doc.recordedAt,
      receipt: {
        serviceId: service._id,
        served: { title: service.document.title, sha256: service.document.sha256 },
        recipient: { name: maskName(name), ...(idNumberMasked ? { idNumber: idNumberMasked } : {}) },
        effectiveAt: doc.effect.effectiveAt,
        presumed: doc.effect.presumed,
        basis: doc.effect.basis,
        channel: doc.effect.channel,
        version: doc.version,
      },
    });
    return filed.stored.id;
  }
}

/** The consent recorded with the deliveries when they were created (not whatever holds now). */
function consentAtSending(deliveries: FoldedDelivery[]) {
  for (const d of deliveries) {
    const consent = d.details.find((x) => x.step === 'created')?.detail?.consent as { ground: 'A' | 'B' | 'C' | 'D'; channel: string; capturedAt: string } | undefined;
    if (consent) return consent;
  }
  return undefined;
}
