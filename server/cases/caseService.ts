import type { Connection } from 'mongoose';
import type { CaseEventType, DecisionKind } from '../../state-machines/case/caseMachine.js';
import type { HolidayCalendar } from '../../state-machines/rules/periods.js';
import type { AuthUser } from '../auth/tokens.js';
import type { DocumentStore, IncomingFile } from '../documents/documentStore.js';
import type { PdfSeal } from '../documents/pdf.js';
import { errors } from '../errors.js';
import type { PaymentDoc, PaymentProvider } from '../payments/paymentProvider.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';
import type { CourtView, RepresentativeView } from '../../protocol/caseViews.js';
import type { HearingCaseHeader } from '../../protocol/hearingViews.js';
import { findCourt } from '../courts/courtModel.js';
import { CaseAccess } from './caseAccess.js';
import { CaseList, type CasePage, type ListQuery } from './caseList.js';
import { CaseCommands } from './caseCommands.js';
import { CaseDecisions, type ServiceStep } from './caseDecisions.js';
import { CaseFiles } from './caseFiles.js';
import { CaseMediation, type MediationStep, type SettlementStep } from './caseMediation.js';
import type { CaseDoc, StoredDocument } from './caseModel.js';
import type { CaseParts } from './caseParts.js';
import { CasePayments } from './casePayments.js';
import { CaseScheduling } from './caseScheduling.js';
import type { CaseStore } from './caseStore.js';
import { caseView, causeView, partiesOf, visibleDocuments, type CaseViewer } from './caseView.js';
import { DeadlineSweep } from './deadlineSweep.js';
import { FeeRelief, type ReliefApplication, type ReliefDecision } from './feeRelief.js';
import { FilingReview, type FilingInput, type ReadingReviewQueue, type ReviewDecision } from './filingReview.js';
import type { DocumentKind } from './materialCheck.js';

export type { FilingInput } from './filingReview.js';
export type { ServiceStep } from './caseDecisions.js';
export type { SettlementStep } from './caseMediation.js';

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
  /** Where each submission is queued to be read (server/review); app.ts hands it in. */
  readingReview?: ReadingReviewQueue;
  /** Representatives named in the case's hearings (hearings/ sits above cases/; app.ts hands this in). */
  representatives?: (caseId: string) => Promise<RepresentativeView[]>;
}

type Upload = IncomingFile & { kind: DocumentKind };

/**
 * The cases facade the routes and the other folders use. Each capability lives in its own
 * module (filing and review, fees and payments, scheduling, decisions, mediation, the sweep),
 * and every change they make goes through the one command path (caseCommands.ts).
 */
export class CaseService {
  /** The one way a case changes; other folders' case writes (court documents, bindings, recounts) use it too. */
  readonly commands: CaseCommands;
  private readonly parts: CaseParts;
  private readonly filing: FilingReview;
  private readonly payments: CasePayments;
  private readonly scheduling: CaseScheduling;
  private readonly decisions: CaseDecisions;
  private readonly mediation: CaseMediation;
  private readonly sweep: DeadlineSweep;
  private readonly lists: CaseList;
  private readonly relief: FeeRelief;
  private readonly representatives: (caseId: string) => Promise<RepresentativeView[]>;

  constructor(deps: CaseServiceDeps) {
    this.commands = new CaseCommands(deps);
    const access = new CaseAccess(deps);
    this.parts = { ...deps, commands: this.commands, access, files: new CaseFiles(deps.documents) };
    this.filing = new FilingReview(this.parts);
    this.payments = new CasePayments(this.parts);
    this.scheduling = new CaseScheduling(this.parts);
    this.decisions = new CaseDecisions(this.parts);
    this.mediation = new CaseMediation(this.parts);
    this.sweep = new DeadlineSweep(this.parts);
    this.lists = new CaseList(deps);
    this.relief = new FeeRelief(this.parts);
    this.representatives = deps.representatives ?? (() => Promise.resolve([]));
  }

  /** The court calendar periods are counted on (to flag provisional deadlines in lists). */
  get calendar(): HolidayCalendar {
    return this.parts.calendar;
  }

  /** A case the user may see, or 404: whether it exists is itself not disclosed. */
  get(user: AuthUser, caseId: string): Promise<CaseDoc> {
    return this.parts.access.get(user, caseId);
  }

  /** The case and how the user stands to it (caseAccess.ts). */
  access(user: AuthUser, caseId: string): Promise<{ doc: CaseDoc; as: CaseViewer }> {
    return this.parts.access.access(user, caseId);
  }

  /** The case as this user sees it (caseView.ts), with what they may do next. */
  async view(user: AuthUser, caseId: string) {
    const { doc, as } = await this.access(user, caseId);
    const [entries, names, court, representatives] = await Promise.all([this.timeline(caseId), this.names([doc]), this.court(doc.courtId), this.representatives(caseId)]);
    return caseView(doc, entries, this.parts.cipher, {
      as,
      userId: user.id,
      allowedActions: this.allowedActions(user, doc, as),
      calendar: this.parts.calendar,
      names,
      ...(court ? { court } : {}),
      representatives,
    });
  }

  /**
   * The case as a hearing room names it (number, cause, parties), for someone the
   * hearing service found summoned: a representative or witness may not see the case file.
   */
  async hearingHeader(caseId: string): Promise<HearingCaseHeader | undefined> {
    const doc = await this.parts.store.get(caseId);
    if (!doc) return undefined;
    const names = await this.names([doc]);
    return {
      ...(doc.caseNumber ? { caseNumber: doc.caseNumber } : {}),
      ...(doc.causeOfAction ? { causeOfAction: causeView(doc.causeOfAction) } : {}),
      parties: partiesOf(doc, names),
    };
  }

  /** A page of the cases the user may see, filtered, searched and sorted (caseList.ts). */
  list(user: AuthUser, query: ListQuery): Promise<CasePage> {
    return this.lists.page(user, query);
  }

  /** The names of the filers, judges and clerks of these cases, by account id. */
  names(docs: CaseDoc[]): Promise<Map<string, string>> {
    return this.lists.names(docs);
  }

  private async court(courtId: string): Promise<CourtView | null> {
    const court = await findCourt(this.parts.connection, courtId);
    return court ? { id: court.id, code: court.code, nameZh: court.nameZh, nameEn: court.nameEn } : null;
  }

  allowedActions(user: AuthUser, doc: CaseDoc, as: CaseViewer): CaseEventType[] {
    return this.parts.access.allowedActions(user, doc, as);
  }

  async readDocument(user: AuthUser, caseId: string, documentId: string): Promise<{ meta: StoredDocument; bytes: Buffer }> {
    const { doc, as } = await this.access(user, caseId);
    const meta = visibleDocuments(doc, as, user.id).find((d) => d.id === documentId);
    if (!meta) throw errors.notFound('The document', 'DOCUMENT_NOT_FOUND');
    return { meta, bytes: await this.parts.files.read(documentId) };
  }

  async verifyLog(user: AuthUser, caseId: string) {
    await this.get(user, caseId);
    return this.parts.store.verify(caseId);
  }

  timeline(caseId: string) {
    return this.parts.store.entries(caseId);
  }

  // Filing and review (filingReview.ts).
  file(user: AuthUser, input: FilingInput, files: Upload[]): Promise<CaseDoc> {
    return this.filing.file(user, input, files);
  }
  review(user: AuthUser, caseId: string, decision: ReviewDecision): Promise<CaseDoc> {
    return this.filing.review(user, caseId, decision);
  }
  resubmit(user: AuthUser, caseId: string, changes: { claimAmount?: string }, files: Upload[]): Promise<CaseDoc> {
    return this.filing.resubmit(user, caseId, changes, files);
  }
  autoDocket(caseId: string, reason: string): Promise<CaseDoc> {
    return this.filing.autoDocket(caseId, reason);
  }
  reverseDocketing(user: AuthUser, caseId: string, reasons: string[]): Promise<CaseDoc> {
    return this.filing.reverseDocketing(user, caseId, reasons);
  }
  fileAnswer(user: AuthUser, caseId: string, file: IncomingFile): Promise<CaseDoc> {
    return this.filing.fileAnswer(user, caseId, file);
  }
  waiveAnswerPeriod(user: AuthUser, caseId: string, input: { defendantId?: string; statement: string }): Promise<CaseDoc> {
    return this.filing.waiveAnswerPeriod(user, caseId, input);
  }
  addDocuments(user: AuthUser, caseId: string, files: Upload[]): Promise<CaseDoc> {
    return this.filing.addDocuments(user, caseId, files);
  }
  withdraw(user: AuthUser, caseId: string, reason: string | undefined): Promise<CaseDoc> {
    return this.filing.withdraw(user, caseId, reason);
  }

  // Fees and payments (casePayments.ts).
  startPayment(user: AuthUser, caseId: string): Promise<PaymentDoc & { instructionsZh: string; instructionsEn: string }> {
    return this.payments.start(user, caseId);
  }
  listPayments(user: AuthUser, caseId: string): Promise<PaymentDoc[]> {
    return this.payments.list(user, caseId);
  }
  confirmPayment(user: AuthUser, caseId: string, paymentId: string): Promise<CaseDoc> {
    return this.payments.confirm(user, caseId, paymentId);
  }

  // Fee relief (feeRelief.ts).
  applyForFeeRelief(user: AuthUser, caseId: string, input: ReliefApplication, files: (IncomingFile & { kind: 'other' })[]): Promise<CaseDoc> {
    return this.relief.apply(user, caseId, input, files);
  }
  decideFeeRelief(user: AuthUser, caseId: string, applicationId: string, decision: ReliefDecision): Promise<CaseDoc> {
    return this.relief.decide(user, caseId, applicationId, decision);
  }

  // Scheduling (caseScheduling.ts).
  scheduleHearing(user: AuthUser, caseId: string, hearingId: string, startsAt: string): Promise<CaseDoc> {
    return this.scheduling.scheduleHearing(user, caseId, hearingId, startsAt);
  }
  recordSystemEvent(caseId: string, event: { type: 'HEARING_STARTED' | 'HEARING_ENDED'; hearingId: string }): Promise<CaseDoc> {
    return this.scheduling.recordSystemEvent(caseId, event);
  }

  // Decisions and their service (caseDecisions.ts).
  decide(user: AuthUser, caseId: string, decisionKind: DecisionKind, file: IncomingFile): Promise<CaseDoc> {
    return this.decisions.decide(user, caseId, decisionKind, file);
  }
  recordServiceStep(caseId: string, step: ServiceStep, clerk: { userId: string; courtId: string }, details: Record<string, unknown> = {}): Promise<CaseDoc> {
    return this.decisions.recordServiceStep(caseId, step, clerk, details);
  }

  // Mediation (caseMediation.ts).
  mediationStep(user: AuthUser, caseId: string, step: MediationStep): Promise<CaseDoc> {
    return this.mediation.step(user, caseId, step);
  }
  settlementStep(caseId: string, step: SettlementStep, actor: Parameters<CaseMediation['settlementStep']>[2], details: Record<string, unknown> = {}): Promise<CaseDoc> {
    return this.mediation.settlementStep(caseId, step, actor, details);
  }
  settleByAgreement(caseId: string, agreementId: string, officer: { userId: string; role: 'mediator' | 'clerk'; courtId: string }): Promise<CaseDoc | null> {
    return this.mediation.settleByAgreement(caseId, agreementId, officer);
  }

  /** The deadline sweep (deadlineSweep.ts). */
  expireDeadlines(at: Date): Promise<{ caseId: string; type: CaseEventType }[]> {
    return this.sweep.expireDeadlines(at);
  }

  /** A fact for the case record that is not a change of status (mediation sessions, recordings...). */
  recordNote(caseId: string, type: string, actor: { userId: string; role: string }, data: Record<string, unknown>): Promise<CaseDoc> {
    return this.commands.note(caseId, type, actor, data);
  }
}
