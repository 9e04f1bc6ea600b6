import crypto from 'node:crypto';
import type { Connection } from 'mongoose';
import {
  allowedEventTypes,
  applyCaseEvent,
  createCase,
  type CaseActor,
  type CaseEvent,
  type CaseEventOf,
  type CaseEventType,
  type CaseRole,
  type CaseStatus,
  type DecisionKind,
} from '../../state-machines/case/caseMachine.js';
import { FeeInputError, quoteFee, type OnlineCaseType } from '../../state-machines/rules/fees.js';
import type { HolidayCalendar } from '../../state-machines/rules/periods.js';
import { shanghaiDate } from '../../state-machines/rules/periods.js';
import type { AuthUser, Role } from '../auth/tokens.js';
import { findCourt, type Court } from '../courts/courtModel.js';
import { DocumentStore, type IncomingFile } from '../documents/documentStore.js';
import type { PdfSeal } from '../documents/pdf.js';
import { sealDecision } from '../signing/decisionSeal.js';
import { AppError, errors } from '../errors.js';
import type { PaymentProvider } from '../payments/paymentProvider.js';
import { hasPaymentAwaitingConfirmation, paymentModel, type PaymentDoc } from '../payments/paymentProvider.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';
import { caseView, visibleDocuments, type CaseViewer } from './caseView.js';
import { issueCaseNumber } from './caseNumbers.js';
import type { CaseDoc, CaseState, StoredDocument } from './caseModel.js';
import type { CaseStore } from './caseStore.js';
import { checkMaterials, type DocumentKind } from './materialCheck.js';
import { outOfOrder } from './outOfOrder.js';
import { withAccessCodes } from './defendantAccess.js';
import { assertCorrectionDeadlineInRange } from './correctionDeadline.js';

export interface FilingInput {
  court: string;
  caseType: OnlineCaseType;
  claimAmount?: string;
  /** 案由, a code from state-machines/rules/data/causesOfAction.ts (checked by the route). */
  causeOfAction?: string;
  /** Divorce only: value of the property to divide (C3 Art. 13(2)); it changes the fee. */
  divorcePropertyAmount?: string;
  /** Personality-rights cases only: damages claimed (C3 Art. 13(2)); it changes the fee. */
  personalityDamagesAmount?: string;
  claims: string[];
  facts: string;
  defendants: { name: string; idNumber?: string; phone?: string }[];
}

/** A case step that electronic service records when it takes effect (see recordServiceStep). */
type ServiceStepType = 'SERVE_DEFENDANT' | 'SERVICE_EFFECT_REVISED' | 'DECISION_SERVED';
type SettlementStepType = 'APPROVE_MEDIATION_AGREEMENT' | 'RECORD_AGREEMENT_IN_TRANSCRIPT' | 'REJECT_MEDIATION_AGREEMENT' | 'MEDIATION_DECISION_RECEIVED' | 'MEDIATION_DECISION_REFUSED';
export type SettlementStep = { [T in SettlementStepType]: Omit<CaseEventOf<T>, 'actor' | 'at'> }[SettlementStepType];
export type ServiceStep = { [T in ServiceStepType]: Omit<CaseEventOf<T>, 'actor' | 'at'> }[ServiceStepType];

export interface CaseServiceDeps {
  connection: Connection;
  store: CaseStore;
  documents: DocumentStore;
  cipher: PersonalDataCipher;
  calendar: HolidayCalendar;
  payments: PaymentProvider;
  /** The one clock of the service; tests may pin it. */
  now: () => Date;
  /** The court's digital signature on decisions it issues (server/signing). */
  seal?: PdfSeal;
}

/** Type code of an online first-instance civil filing (民事一审). Other procedures are docketed by staff. */
const FIRST_INSTANCE_CIVIL = '民初';
const STAFF_ROLES: readonly Role[] = ['clerk', 'judge', 'mediator', 'admin'];
/** The period that can run out in each status, and the machine's step when it does. */
const EXPIRY_BY_STATUS: Partial<Record<CaseStatus, 'CORRECTION_PERIOD_EXPIRED' | 'FEE_PERIOD_EXPIRED' | 'ANSWER_PERIOD_EXPIRED'>> = {
  correctionRequested: 'CORRECTION_PERIOD_EXPIRED',
  docketed: 'FEE_PERIOD_EXPIRED',
  servedOnDefendant: 'ANSWER_PERIOD_EXPIRED',
};
/** How often a note is retried when other writers keep taking the next log entry. */
const NOTE_ATTEMPTS = 10;

/**
 * Application service for cases: every change goes request -> machine event ->
 * log entry + case projection (CaseStore). Nothing here mutates a case except
 * through `transition`.
 */
export class CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  /** The court calendar periods are counted on (to flag provisional deadlines in lists). */
  get calendar(): HolidayCalendar {
    return this.deps.calendar;
  }

  async file(user: AuthUser, input: FilingInput, files: (IncomingFile & { kind: DocumentKind })[]): Promise<CaseDoc> {
    const court = await this.court(input.court);
    const checked = files.map((f) => ({ ...DocumentStore.check(f), kind: f.kind }));
    const at = this.nowIso();
    const caseId = crypto.randomUUID();
    const stored = await this.storeFiles(caseId, user, checked, at);
    try {
      const defendants = input.defendants.map((d) => ({
        name: d.name,
        ...(d.idNumber ? { idNumberEnc: this.deps.cipher.encrypt(d.idNumber), idNumberHash: this.deps.cipher.lookupHash('idNumber', d.idNumber) } : {}),
        ...(d.phone ? { phoneEnc: this.deps.cipher.encrypt(d.phone) } : {}),
      }));
      const findings = checkMaterials(
        { caseType: input.caseType, claimAmount: input.claimAmount, defendants: input.defendants, documents: stored },
        this.deps.now(),
      );
      const draft = createCase({ caseId, courtId: court.id, filerId: user.id, at, calendar: this.deps.calendar });
      const actor = this.actor(user, 'party', court.id);
      const result = applyCaseEvent(draft.snapshot, { type: 'SUBMIT', findings, actor, at }, this.deps.calendar);
      if (!result.ok) throw machineError(result.error);
      const state: CaseState = {
        courtId: court.id,
        filerId: user.id,
        status: result.status,
        snapshot: result.snapshot,
        caseType: input.caseType,
        typeCode: FIRST_INSTANCE_CIVIL,
        ...(input.claimAmount !== undefined ? { claimAmount: input.claimAmount } : {}),
        ...(input.causeOfAction !== undefined ? { causeOfAction: input.causeOfAction } : {}),
        ...(input.divorcePropertyAmount !== undefined ? { divorcePropertyAmount: input.divorcePropertyAmount } : {}),
        ...(input.personalityDamagesAmount !== undefined ? { personalityDamagesAmount: input.personalityDamagesAmount } : {}),
        claims: input.claims,
        facts: input.facts,
        defendants,
        findings,
        documents: stored,
        createdAt: at,
        updatedAt: at,
      };
      return await this.deps.store.create(caseId, {
        type: 'SUBMIT',
        actor: logActor(actor),
        at,
        data: { findings, documents: stored.map(documentRef) },
        state,
      });
    } catch (err) {
      await this.deps.documents.remove(stored.map((d) => d.id));
      throw err;
    }
  }

  /** A case the user may see, or 404: whether it exists is itself not disclosed. */
  async get(user: AuthUser, caseId: string): Promise<CaseDoc> {
    return (await this.access(user, caseId)).doc;
  }

  /**
   * The case and how the user stands to it: the party who filed it, a defendant it
   * names (an account the court recognised as that defendant: defendantAccess.ts), or court staff.
   */
  async access(user: AuthUser, caseId: string): Promise<{ doc: CaseDoc; as: CaseViewer }> {
    const doc = await this.deps.store.get(caseId);
    const as = doc ? await this.viewerOf(user, doc) : undefined;
    if (!doc || !as) throw errors.notFound('The case', 'CASE_NOT_FOUND');
    return { doc, as };
  }

  /** The case as this user sees it (caseView.ts), with what they may do next. */
  async view(user: AuthUser, caseId: string) {
    const { doc, as } = await this.access(user, caseId);
    return caseView(doc, await this.timeline(caseId), this.deps.cipher, { as, userId: user.id, allowedActions: this.allowedActions(user, doc, as), calendar: this.deps.calendar });
  }

  async list(user: AuthUser, filter: { status?: string }): Promise<CaseDoc[]> {
    const query: Record<string, unknown> = {};
    if (user.roles.some((r) => STAFF_ROLES.includes(r)) && user.courtId) {
      query.courtId = user.courtId;
    } else {
      // A defendant only once the court recognised the account (defendantAccess.ts), never by ID number.
      query.$or = [{ filerId: user.id }, { 'defendants.userId': user.id }];
    }
    if (filter.status) query.status = filter.status;
    // Staff work the queue oldest first; parties see their newest case first.
    const sort = query.courtId ? { createdAt: 1 as const } : { createdAt: -1 as const };
    return this.deps.store.model.find(query).sort(sort).limit(500).lean<CaseDoc[]>().exec();
  }

  async review(
    user: AuthUser,
    caseId: string,
    decision: { decision: 'accept' | 'correct' | 'reject'; reasons?: string[]; correctionDeadline?: string },
  ): Promise<CaseDoc> {
    const doc = await this.get(user, caseId);
    const actor = this.actor(user, 'clerk', doc.courtId);
    const at = this.nowIso();
    if (decision.decision === 'correct') {
      if (!decision.correctionDeadline) {
        throw errors.validation('A correction request needs a deadline (correctionDeadline, YYYY-MM-DD).', undefined, 'CORRECTION_DEADLINE_REQUIRED');
      }
      assertCorrectionDeadlineInRange(decision.correctionDeadline, this.deps.now());
      return this.transition(doc, { type: 'REVIEW_CORRECT', reasons: decision.reasons ?? [], deadline: decision.correctionDeadline, actor, at });
    }
    if (decision.decision === 'reject') {
      return this.transition(doc, { type: 'REVIEW_REJECT', reasons: decision.reasons ?? [], actor, at });
    }
    // Ask the machine before issuing a number, so a refused docket does not consume one.
    this.assertAllowed(doc, actor, 'REVIEW_ACCEPT');
    const court = await this.court(doc.courtId);
    const quote = this.quote(doc, court);
    const { caseNumber } = await issueCaseNumber(
      this.deps.connection,
      { year: Number(shanghaiDate(at).slice(0, 4)), courtCode: court.code, typeCode: doc.typeCode },
      doc._id,
      at,
    );
    return this.transition(
      doc,
      { type: 'REVIEW_ACCEPT', caseNumber, fee: { amount: quote.fee, currency: 'CNY' }, defendantCount: doc.defendants.length, actor, at },
      // Each defendant's access code is made now, to be printed on the court's documents to them.
      { caseNumber, fee: { amount: quote.fee, currency: 'CNY', exact: quote.exact, breakdown: quote.breakdown }, defendants: withAccessCodes(doc.defendants, this.deps.cipher) },
    );
  }

  /** The filer answers a correction notice: new material, then the automatic check runs again. */
  async resubmit(user: AuthUser, caseId: string, changes: { claimAmount?: string }, files: (IncomingFile & { kind: DocumentKind })[]): Promise<CaseDoc> {
    const doc = await this.get(user, caseId);
    const actor = this.actor(user, 'party', doc.courtId);
    this.assertAllowed(doc, actor, 'RESUBMIT');
    const checked = files.map((f) => ({ ...DocumentStore.check(f), kind: f.kind }));
    const at = this.nowIso();
    const stored = await this.storeFiles(caseId, user, checked, at);
    try {
      // A damaged file is replaced by uploading the same kind again; the old one stays on file but no longer counts.
      const replaced = new Set(stored.map((d) => d.kind));
      const documents = [...doc.documents.filter((d) => d.readable || !replaced.has(d.kind)), ...stored];
      const claimAmount = changes.claimAmount ?? doc.claimAmount;
      const findings = checkMaterials(
        { caseType: doc.caseType, claimAmount, defendants: doc.defendants.map((d) => ({ name: d.name, ...(d.idNumberEnc ? { idNumber: this.deps.cipher.decrypt(d.idNumberEnc) } : {}) })), documents },
        this.deps.now(),
      );
      return await this.transition(
        doc,
        { type: 'RESUBMIT', findings, actor, at },
        { documents, findings, ...(claimAmount !== undefined ? { claimAmount } : {}) },
        { documents: stored.map(documentRef) },
      );
    } catch (err) {
      await this.deps.documents.remove(stored.map((d) => d.id));
      throw err;
    }
  }

  /**
   * A defendant files the answer (答辩状) within the answer period, or a clerk of the court
   * enters one delivered on paper; the filer is told (caseNotices.ts). After the period the
   * machine refuses: the case proceeds by default.
   */
  async fileAnswer(user: AuthUser, caseId: string, file: IncomingFile): Promise<CaseDoc> {
    const { doc, as } = await this.access(user, caseId);
    if (as === 'filer' || (as === 'court' && !user.roles.includes('clerk'))) {
      throw errors.forbidden('An answer is filed by a defendant of the case, or entered by a clerk of the court.', 'NOT_A_DEFENDANT');
    }
    const actor: CaseActor = as === 'defendant' ? { userId: user.id, role: 'party' } : this.actor(user, 'clerk', doc.courtId);
    this.assertAllowed(doc, actor, 'ANSWER_FILED');
    const at = this.nowIso();
    return this.transitionWithFile(doc, user, { ...DocumentStore.check(file), kind: 'answer' }, at, (documentId) => ({ type: 'ANSWER_FILED', documentId, actor, at }));
  }

  /**
   * A defendant's statement waiving the rest of their answer period, made on the platform by the
   * defendant or recorded by a clerk (statement as said to the court); logged on the case.
   */
  async waiveAnswerPeriod(user: AuthUser, caseId: string, input: { defendantId?: string; statement: string }): Promise<CaseDoc> {
    const { doc, as } = await this.access(user, caseId);
    if (as === 'filer' || (as === 'court' && !user.roles.includes('clerk'))) {
      throw errors.forbidden('A waiver is stated by a defendant of the case, or recorded by a clerk of the court.', 'NOT_A_DEFENDANT');
    }
    const actor: CaseActor = as === 'defendant' ? { userId: user.id, role: 'party' } : this.actor(user, 'clerk', doc.courtId);
    const defendantId = as === 'defendant' ? user.id : input.defendantId;
    if (!defendantId) throw errors.validation('Name the defendant whose waiver is recorded (defendantId).', undefined, 'DEFENDANT_REQUIRED');
    return this.transition(doc, { type: 'WAIVE_ANSWER_PERIOD', defendantId, statement: input.statement, actor, at: this.nowIso() });
  }

  /** Further material (evidence, statements) from the filer into a live case; no change of status. */
  async addDocuments(user: AuthUser, caseId: string, files: (IncomingFile & { kind: DocumentKind })[]): Promise<CaseDoc> {
    const doc = await this.get(user, caseId);
    if (doc.filerId !== user.id) throw errors.forbidden('Only the party who filed the case can add material to it.');
    if (['rejected', 'withdrawn', 'closed'].includes(doc.status)) {
      throw errors.invalidState(`The case is ${doc.status}; no more material can be added.`, 'CASE_CLOSED');
    }
    if (files.length === 0) throw errors.validation('Attach at least one file.', undefined, 'NO_FILES');
    const checked = files.map((f) => ({ ...DocumentStore.check(f), kind: f.kind }));
    const at = this.nowIso();
    const stored = await this.storeFiles(caseId, user, checked, at);
    try {
      return await this.deps.store.commit(doc, {
        type: 'DOCUMENTS_SUBMITTED',
        actor: { userId: user.id, role: 'party' },
        at,
        data: { documents: stored.map(documentRef) },
        state: { ...stateOf(doc), documents: [...doc.documents, ...stored], updatedAt: at },
      });
    } catch (err) {
      await this.deps.documents.remove(stored.map((d) => d.id));
      throw err;
    }
  }

  async withdraw(user: AuthUser, caseId: string, reason: string | undefined): Promise<CaseDoc> {
    const doc = await this.get(user, caseId);
    const actor = this.actor(user, 'party', doc.courtId);
    return this.transition(doc, { type: 'WITHDRAW', ...(reason ? { reason } : {}), actor, at: this.nowIso() });
  }

  async startPayment(user: AuthUser, caseId: string): Promise<PaymentDoc & { instructionsZh: string; instructionsEn: string }> {
    const doc = await this.get(user, caseId);
    if (doc.filerId !== user.id) throw errors.forbidden('Only the party who filed the case pays its fee.');
    if (doc.status !== 'docketed' || !doc.fee) throw errors.invalidState('There is no fee due on this case now.', 'NO_FEE_DUE');
    const paymentId = crypto.randomUUID();
    const started = await this.deps.payments.initiate({ paymentId, caseId, amount: doc.fee.amount, payerId: user.id });
    const payment: PaymentDoc = {
      _id: paymentId,
      caseId,
      amount: doc.fee.amount,
      currency: 'CNY',
      provider: this.deps.payments.name,
      providerReference: started.providerReference,
      status: 'awaitingConfirmation',
      payerId: user.id,
      createdAt: this.nowIso(),
    };
    await paymentModel(this.deps.connection).create(payment);
    return { ...payment, instructionsZh: started.instructionsZh, instructionsEn: started.instructionsEn };
  }

  async listPayments(user: AuthUser, caseId: string): Promise<PaymentDoc[]> {
    const { as } = await this.access(user, caseId);
    if (as === 'defendant') throw errors.forbidden('The payments of a case are for the party who filed it and the court.');
    return paymentModel(this.deps.connection).find({ caseId }).sort({ createdAt: 1 }).lean<PaymentDoc[]>().exec();
  }

  /** A clerk confirms money received: the case's fee is settled, then the payment is marked. */
  async confirmPayment(user: AuthUser, caseId: string, paymentId: string): Promise<CaseDoc> {
    const doc = await this.get(user, caseId);
    const payments = paymentModel(this.deps.connection);
    const payment = await payments.findOne({ _id: paymentId, caseId }).lean<PaymentDoc>().exec();
    if (!payment) throw errors.notFound('The payment', 'PAYMENT_NOT_FOUND');
    const actor = this.actor(user, 'clerk', doc.courtId);
    const at = this.nowIso();
    const updated = await this.transition(doc, { type: 'FEE_PAID', paymentId, amount: payment.amount, actor, at });
    await payments.updateOne({ _id: paymentId }, { $set: { status: 'confirmed', confirmedBy: user.id, confirmedAt: at } }).exec();
    return updated;
  }

  /** The case side of scheduling a hearing: the machine decides whether the case is ready for one. */
  async scheduleHearing(user: AuthUser, caseId: string, hearingId: string, startsAt: string): Promise<CaseDoc> {
    const doc = await this.get(user, caseId);
    const role: CaseRole = user.roles.includes('judge') ? 'judge' : 'clerk';
    const actor = this.actor(user, role, doc.courtId);
    return this.transition(doc, { type: 'SCHEDULE_HEARING', hearingId, startsAt, actor, at: this.nowIso() });
  }

  /**
   * Events reported by the platform itself (a hearing started or ended). The
   * machine may refuse one (the case moved on meanwhile); the caller logs that.
   */
  async recordSystemEvent(caseId: string, event: { type: 'HEARING_STARTED' | 'HEARING_ENDED'; hearingId: string }): Promise<CaseDoc> {
    const doc = await this.deps.store.get(caseId);
    if (!doc) throw errors.notFound('The case', 'CASE_NOT_FOUND');
    return this.transition(doc, { ...event, actor: { userId: 'system', role: 'system' }, at: this.nowIso() });
  }

  /**
   * The judge decides the case by filing the signed decision (a PDF): the case
   * moves to decided, and serving that document starts each party's appeal period.
   */
  async decide(user: AuthUser, caseId: string, decisionKind: DecisionKind, file: IncomingFile): Promise<CaseDoc> {
    const doc = await this.get(user, caseId);
    const actor = this.actor(user, 'judge', doc.courtId);
    this.assertAllowed(doc, actor, 'DECIDE');
    const uploaded = DocumentStore.check(file);
    if (uploaded.mediaType !== 'application/pdf' || !uploaded.readable) {
      throw errors.validation('A decision is filed as a complete, readable PDF.', { field: file.field }, 'DECISION_NOT_PDF');
    }
    // Issued under the court's digital signature (when the PDF can carry one).
    const { file: issued } = await sealDecision(this.deps.seal, file, `${decisionKind} ${doc.caseNumber ?? caseId}`);
    const checked = { ...DocumentStore.check(issued), kind: decisionKind };
    const at = this.nowIso();
    return this.transitionWithFile(doc, user, checked, at, (decisionId) => ({ type: 'DECIDE', decisionId, decisionKind, actor, at }));
  }

  /**
   * What electronic service recorded on the case when it took effect (service/effects.ts):
   * the answer period starts (SERVE_DEFENDANT) or moves to a proven time of service
   * (SERVICE_EFFECT_REVISED), or a party's appeal period starts (DECISION_SERVED). These
   * are the clerk's acts (casePermits), so the clerk who made the service is the actor;
   * `details` (the service, its effect) go into the log entry.
   */
  async recordServiceStep(caseId: string, step: ServiceStep, clerk: { userId: string; courtId: string }, details: Record<string, unknown> = {}): Promise<CaseDoc> {
    const doc = await this.deps.store.get(caseId);
    if (!doc) throw errors.notFound('The case', 'CASE_NOT_FOUND');
    return this.transition(doc, { ...step, actor: { userId: clerk.userId, role: 'clerk', courtId: clerk.courtId }, at: this.nowIso() } as CaseEvent, {}, details);
  }

  /**
   * A mediation officer moves the case through mediation (offer, parties accepted,
   * declined, failed); the machine checks the stage and that they belong to the court.
   */
  async mediationStep(
    user: AuthUser,
    caseId: string,
    step: { type: 'OFFER_MEDIATION' | 'MEDIATION_ACCEPTED' } | { type: 'MEDIATION_DECLINED'; reason?: string } | { type: 'MEDIATION_FAILED'; reason: string },
  ): Promise<CaseDoc> {
    const doc = await this.get(user, caseId);
    const actor = this.actor(user, user.roles.includes('mediator') ? 'mediator' : 'clerk', doc.courtId);
    return this.transition(doc, { ...step, actor, at: this.nowIso() } as CaseEvent);
  }

  /**
   * The court's review of a signed mediation agreement and the receipts of its 调解书
   * (agreements/courtSettlement.ts, which checks the actor); `details` go into the log entry.
   */
  async settlementStep(caseId: string, step: SettlementStep, actor: CaseActor, details: Record<string, unknown> = {}): Promise<CaseDoc> {
    const doc = await this.deps.store.get(caseId);
    if (!doc) throw errors.notFound('The case', 'CASE_NOT_FOUND');
    return this.transition(doc, { ...step, actor, at: this.nowIso() } as CaseEvent, {}, details);
  }

  /**
   * A signed agreement took effect: the case awaits the judge (agreementSigned). The machine lets only a
   * mediation officer of the court send MEDIATION_SETTLED (not 'system'), so the
   * officer who drafted the agreement is the actor. Returns null when the case is
   * not in mediation (already settled, or it moved on): nothing to settle then.
   */
  async settleByAgreement(caseId: string, agreementId: string, officer: { userId: string; role: 'mediator' | 'clerk'; courtId: string }): Promise<CaseDoc | null> {
    const doc = await this.deps.store.get(caseId);
    if (!doc) throw errors.notFound('The case', 'CASE_NOT_FOUND');
    if (doc.status !== 'inMediation') return null;
    return this.transition(doc, { type: 'MEDIATION_SETTLED', agreementId, actor: officer, at: this.nowIso() });
  }

  /**
   * The deadline sweep (server/scheduler.ts): every case whose correction, fee or
   * answer period ended before `at` takes the machine's expiry step. A fee period
   * does not expire while a payment waits for a clerk's confirmation: the party
   * paid in time as far as they can tell. Returns the cases that moved.
   */
  async expireDeadlines(at: Date): Promise<{ caseId: string; type: CaseEventType }[]> {
    const atIso = at.toISOString();
    const system: CaseActor = { userId: 'system', role: 'system' };
    const running = await this.deps.store.model
      .find({ status: { $in: Object.keys(EXPIRY_BY_STATUS) as CaseStatus[] } }, { _id: 1 })
      .lean<{ _id: string }[]>()
      .exec();
    const moved: { caseId: string; type: CaseEventType }[] = [];
    for (const { _id } of running) {
      const doc = await this.deps.store.get(_id);
      const type = doc ? EXPIRY_BY_STATUS[doc.status] : undefined;
      if (!doc || !type || !allowedEventTypes(doc.snapshot, system, this.deps.calendar, atIso).includes(type)) continue;
      if (type === 'FEE_PERIOD_EXPIRED' && (await hasPaymentAwaitingConfirmation(this.deps.connection, _id))) continue;
      try {
        await this.transition(doc, { type, actor: system, at: atIso } as CaseEvent);
        moved.push({ caseId: _id, type });
      } catch (err) {
        // Someone acted on the case meanwhile (paid, corrected): the next sweep looks again.
        if (!(err instanceof AppError && err.code === 'CASE_CHANGED')) throw err;
      }
    }
    return moved;
  }

  /** A fact for the case record that is not a change of status (mediation sessions, recordings...). */
  async recordNote(caseId: string, type: string, actor: { userId: string; role: string }, data: Record<string, unknown>): Promise<CaseDoc> {
    // A note changes no state, so when another writer got the next log entry first
    // (e.g. two recordings finalised at once) it is simply appended after it.
    for (let attempt = 1; ; attempt++) {
      const doc = await this.deps.store.get(caseId);
      if (!doc) throw errors.notFound('The case', 'CASE_NOT_FOUND');
      const at = this.nowIso();
      try {
        return await this.deps.store.commit(doc, { type, actor, at, data, state: { ...stateOf(doc), updatedAt: at } });
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'CASE_CHANGED') || attempt >= NOTE_ATTEMPTS) throw err;
      }
    }
  }

  async verifyLog(user: AuthUser, caseId: string) {
    await this.get(user, caseId);
    return this.deps.store.verify(caseId);
  }

  async timeline(caseId: string) {
    return this.deps.store.entries(caseId);
  }

  /** What this user could do next on this case (for clients; the server checks again on each request). */
  allowedActions(user: AuthUser, doc: CaseDoc, as: CaseViewer): CaseEventType[] {
    const roles: CaseRole[] = as === 'court' ? user.roles.filter((r) => r !== 'party') : ['party'];
    const actions = new Set<CaseEventType>();
    for (const role of roles) {
      const actor: CaseActor = { userId: user.id, role, ...(user.courtId ? { courtId: user.courtId } : {}) };
      for (const t of allowedEventTypes(doc.snapshot, actor, this.deps.calendar, this.nowIso())) actions.add(t);
    }
    return [...actions];
  }

  async readDocument(user: AuthUser, caseId: string, documentId: string): Promise<{ meta: StoredDocument; bytes: Buffer }> {
    const { doc, as } = await this.access(user, caseId);
    const meta = visibleDocuments(doc, as, user.id).find((d) => d.id === documentId);
    if (!meta) throw errors.notFound('The document', 'DOCUMENT_NOT_FOUND');
    return { meta, bytes: await this.deps.documents.read(documentId) };
  }

  private async transition(doc: CaseDoc, event: CaseEvent, fields: Partial<CaseState> = {}, extraData: Record<string, unknown> = {}): Promise<CaseDoc> {
    const result = applyCaseEvent(doc.snapshot, event, this.deps.calendar);
    if (!result.ok) throw machineError(result.error, event.type, doc.status);
    const { type, actor, at, ...data } = event;
    return this.deps.store.commit(doc, {
      type,
      actor: logActor(actor),
      at,
      data: { ...data, ...extraData },
      state: { ...stateOf(doc), ...fields, status: result.status, snapshot: result.snapshot, updatedAt: at },
    });
  }

  /** Stores `file` on the case, then takes the event that names it; a refused event leaves no file behind. */
  private async transitionWithFile(
    doc: CaseDoc,
    user: AuthUser,
    file: ReturnType<typeof DocumentStore.check> & { kind: DocumentKind },
    at: string,
    event: (documentId: string) => CaseEvent,
  ): Promise<CaseDoc> {
    const stored = await this.storeFiles(doc._id, user, [file], at);
    try {
      return await this.transition(doc, event(stored[0]?.id ?? ''), { documents: [...doc.documents, ...stored] }, { documents: stored.map(documentRef) });
    } catch (err) {
      await this.deps.documents.remove(stored.map((d) => d.id));
      throw err;
    }
  }

  private assertAllowed(doc: CaseDoc, actor: CaseActor, type: CaseEventType): void {
    if (allowedEventTypes(doc.snapshot, actor, this.deps.calendar).includes(type)) return;
    // Let the machine produce the precise reason (wrong state or wrong actor).
    const probe = applyCaseEvent(doc.snapshot, { type, actor, at: this.nowIso() } as CaseEvent, this.deps.calendar);
    throw probe.ok ? errors.invalidState(`${type} is not possible now.`) : machineError(probe.error, type, doc.status);
  }

  private async viewerOf(user: AuthUser, doc: CaseDoc): Promise<CaseViewer | undefined> {
    if (doc.filerId === user.id) return 'filer';
    if (user.courtId === doc.courtId && user.roles.some((r) => STAFF_ROLES.includes(r))) return 'court';
    return user.roles.includes('party') && doc.defendants.some((d) => d.userId === user.id) ? 'defendant' : undefined;
  }

  private actor(user: AuthUser, role: CaseRole, _courtId: string): CaseActor {
    if (role !== 'party' && !user.roles.includes(role as Role)) {
      throw errors.forbidden(`Only a ${role} can do this.`);
    }
    return { userId: user.id, role, ...(user.courtId ? { courtId: user.courtId } : {}) };
  }

  private async court(idOrCode: string): Promise<Court> {
    const court = (await findCourt(this.deps.connection, idOrCode)) ?? (await this.courtByCode(idOrCode));
    if (!court) throw errors.validation(`There is no court "${idOrCode}" on this platform.`, undefined, 'UNKNOWN_COURT');
    return court;
  }

  private async courtByCode(code: string): Promise<Court | null> {
    const doc = await this.deps.connection.collection<{ _id: string; code: string }>('courts').findOne({ code });
    return doc ? findCourt(this.deps.connection, doc._id) : null;
  }

  private quote(doc: CaseDoc, court: Court) {
    try {
      return quoteFee(
        {
          caseType: doc.caseType,
          ...(doc.caseType === 'property' && doc.claimAmount ? { amount: doc.claimAmount } : {}),
          // The same inputs as the public quote, so the docketed fee matches the preview.
          ...(doc.caseType === 'divorce' && doc.divorcePropertyAmount ? { divorcePropertyAmount: doc.divorcePropertyAmount } : {}),
          ...(doc.caseType === 'personality' && doc.personalityDamagesAmount ? { personalityDamagesAmount: doc.personalityDamagesAmount } : {}),
        },
        court.feeConfig,
      );
    } catch (err) {
      if (err instanceof FeeInputError) throw errors.validation(`The fee cannot be computed: ${err.message}`, undefined, err.code);
      throw err;
    }
  }

  private async storeFiles(caseId: string, user: AuthUser, files: (ReturnType<typeof DocumentStore.check> & { kind: DocumentKind })[], at: string): Promise<StoredDocument[]> {
    const stored: StoredDocument[] = [];
    try {
      for (const f of files) {
        const info = await this.deps.documents.put(f, { caseId, kind: f.kind, uploadedBy: user.id });
        stored.push({ id: info.id, kind: f.kind, filename: f.filename, sha256: info.sha256, size: info.size, mediaType: info.mediaType, readable: f.readable, uploadedAt: at, uploadedBy: user.id });
      }
    } catch (err) {
      await this.deps.documents.remove(stored.map((d) => d.id));
      throw err;
    }
    return stored;
  }

  private nowIso(): string {
    return this.deps.now().toISOString();
  }
}


function stateOf(doc: CaseDoc): CaseState {
  const { _id: _id, version: _version, ...state } = doc;
  return state;
}

function logActor(actor: CaseActor) {
  return { userId: actor.userId, role: actor.role };
}

function documentRef(d: StoredDocument) {
  return { id: d.id, kind: d.kind, filename: d.filename, sha256: d.sha256, size: d.size, mediaType: d.mediaType };
}

function machineError(error: { code: string; message: string; rule?: { code: string; details: Record<string, unknown> } }, type?: CaseEventType, status?: CaseStatus): AppError {
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
