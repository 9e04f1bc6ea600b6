/**
 * Filing and review: a party files, the court reviews (accept and docket, ask for corrections,
 * reject), the filer resubmits or adds material, a defendant answers or waives the rest of the
 * answer period, and the filer may withdraw. Each change is a command (caseCommands.ts).
 */
import crypto from 'node:crypto';
import { SYSTEM_ACTOR, type CaseActor } from '../../state-machines/case/caseMachine.js';
import type { OnlineCaseType } from '../../state-machines/rules/fees.js';
import { shanghaiDate } from '../../state-machines/rules/periods.js';
import type { AuthUser } from '../auth/tokens.js';
import { findCourtByIdOrCode, type Court } from '../courts/courtModel.js';
import { DocumentStore, type IncomingFile } from '../documents/documentStore.js';
import { errors } from '../errors.js';
import { actorAs, assertFiler, defendantOrClerk } from './caseAccess.js';
import { checkFiles, documentRef } from './caseFiles.js';
import type { CaseDoc } from './caseModel.js';
import { issueCaseNumber } from './caseNumbers.js';
import type { CaseParts } from './caseParts.js';
import { docketFee } from './casePayments.js';
import { assertCorrectionDeadlineInRange } from './correctionDeadline.js';
import { withAccessCodes } from './defendantAccess.js';
import { checkMaterials, type DocumentKind } from './materialCheck.js';

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

export type ReviewDecision = { decision: 'accept' | 'correct' | 'reject'; reasons?: string[]; correctionDeadline?: string };

/**
 * Where a filing goes to be read after it is acknowledged (the reading review, server/review):
 * a durable job is queued for each submission. Declared here, handed in by app.ts.
 */
export interface ReadingReviewQueue {
  enqueue(doc: CaseDoc): Promise<void>;
}

type Upload = IncomingFile & { kind: DocumentKind };

/** Type code of an online first-instance civil filing (民初). Other procedures are docketed by staff. */
const FIRST_INSTANCE_CIVIL = '民初';
/** Statuses after which a case takes no more material. */
const ENDED = ['rejected', 'withdrawn', 'closed'];

export class FilingReview {
  constructor(private readonly parts: CaseParts) {}

  async file(user: AuthUser, input: FilingInput, files: Upload[]): Promise<CaseDoc> {
    const filed = await this.open(user, input, files);
    await this.parts.readingReview?.enqueue(filed);
    return filed;
  }

  private async open(user: AuthUser, input: FilingInput, files: Upload[]): Promise<CaseDoc> {
    const court = await this.court(input.court);
    const checked = checkFiles(files);
    const at = this.parts.now().toISOString();
    const caseId = crypto.randomUUID();
    return this.parts.files.storeThen(caseId, user, checked, at, async (stored) => {
      const { cipher } = this.parts;
      const defendants = input.defendants.map((d) => ({
        name: d.name,
        ...(d.idNumber ? { idNumberEnc: cipher.encrypt(d.idNumber), idNumberHash: cipher.lookupHash('idNumber', d.idNumber) } : {}),
        ...(d.phone ? { phoneEnc: cipher.encrypt(d.phone) } : {}),
      }));
      const findings = checkMaterials({ caseType: input.caseType, claimAmount: input.claimAmount, defendants: input.defendants, documents: stored }, this.parts.now());
      const actor = actorAs(user, 'party');
      return this.parts.commands.open({
        caseId,
        courtId: court.id,
        filerId: user.id,
        at,
        event: { type: 'SUBMIT', findings, actor, at },
        fields: {
          courtId: court.id,
          filerId: user.id,
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
        },
        data: { findings, documents: stored.map(documentRef) },
      });
    });
  }

  async review(user: AuthUser, caseId: string, decision: ReviewDecision): Promise<CaseDoc> {
    const { commands } = this.parts;
    const doc = await this.parts.access.get(user, caseId);
    const actor = actorAs(user, 'clerk');
    if (decision.decision === 'correct') {
      const deadline = decision.correctionDeadline;
      if (!deadline) {
        throw errors.validation('A correction request needs a deadline (correctionDeadline, YYYY-MM-DD).', undefined, 'CORRECTION_DEADLINE_REQUIRED');
      }
      assertCorrectionDeadlineInRange(deadline, this.parts.now());
      return commands.apply(doc, (_d, at) => ({ event: { type: 'REVIEW_CORRECT', reasons: decision.reasons ?? [], deadline, actor, at } }));
    }
    if (decision.decision === 'reject') {
      return commands.apply(doc, (_d, at) => ({ event: { type: 'REVIEW_REJECT', reasons: decision.reasons ?? [], actor, at } }));
    }
    return this.docket(doc, actor);
  }

  /**
   * Automatic docketing: the platform accepts a filing whose reading review found nothing, in a
   * court that turned it on; the same number and fee as a clerk's acceptance, and the reason logged.
   */
  async autoDocket(caseId: string, reason: string): Promise<CaseDoc> {
    const doc = await this.parts.store.get(caseId);
    if (!doc) throw errors.notFound('The case', 'CASE_NOT_FOUND');
    return this.docket(doc, SYSTEM_ACTOR, { reason });
  }

  /** Court staff undo an automatic docketing within the review period, giving reasons; the clerk decides again. */
  async reverseDocketing(user: AuthUser, caseId: string, reasons: string[]): Promise<CaseDoc> {
    const doc = await this.parts.access.get(user, caseId);
    const actor = actorAs(user, user.roles.includes('clerk') ? 'clerk' : 'judge');
    return this.parts.commands.apply(doc, (_d, at) => ({
      event: { type: 'DOCKETING_REVERSED', reasons, actor, at },
      // The number stays claimed in case_numbers (never reused); the case no longer carries it.
      fields: { caseNumber: undefined, fee: undefined },
    }));
  }

  private async docket(doc: CaseDoc, actor: CaseActor, automatic?: { reason: string }): Promise<CaseDoc> {
    const { commands } = this.parts;
    // Ask the machine before issuing a number, so a refused docket does not consume one.
    commands.assertAllowed(doc, actor, 'REVIEW_ACCEPT');
    const court = await this.court(doc.courtId);
    const quote = docketFee(doc, court);
    const at = this.parts.now().toISOString();
    const { caseNumber } = await issueCaseNumber(this.parts.connection, { year: Number(shanghaiDate(at).slice(0, 4)), courtCode: court.code, typeCode: doc.typeCode }, doc._id, at);
    return commands.apply(doc, (current, now) => ({
      event: { type: 'REVIEW_ACCEPT', caseNumber, fee: { amount: quote.fee, currency: 'CNY' }, defendantCount: current.defendants.length, ...(automatic ? { automatic } : {}), actor, at: now },
      // Each defendant's access code is made now, to be printed on the court's documents to them.
      fields: { caseNumber, fee: { amount: quote.fee, currency: 'CNY', exact: quote.exact, breakdown: quote.breakdown }, defendants: withAccessCodes(current.defendants, this.parts.cipher) },
    }));
  }

  /** The filer answers a correction notice: new material, then the automatic check runs again. */
  async resubmit(user: AuthUser, caseId: string, changes: { claimAmount?: string }, files: Upload[]): Promise<CaseDoc> {
    const doc = await this.parts.access.get(user, caseId);
    const actor = actorAs(user, 'party');
    this.parts.commands.assertAllowed(doc, actor, 'RESUBMIT');
    const checked = checkFiles(files);
    const resubmitted = await this.parts.files.storeThen(caseId, user, checked, this.parts.now().toISOString(), (stored) =>
      this.parts.commands.apply(doc, (current, at) => {
        // A damaged file is replaced by uploading the same kind again; the old one stays on file but no longer counts.
        const replaced = new Set(stored.map((d) => d.kind));
        const documents = [...current.documents.filter((d) => d.readable || !replaced.has(d.kind)), ...stored];
        const claimAmount = changes.claimAmount ?? current.claimAmount;
        const defendants = current.defendants.map((d) => ({ name: d.name, ...(d.idNumberEnc ? { idNumber: this.parts.cipher.decrypt(d.idNumberEnc) } : {}) }));
        const findings = checkMaterials({ caseType: current.caseType, claimAmount, defendants, documents }, this.parts.now());
        return {
          event: { type: 'RESUBMIT', findings, actor, at },
          fields: { documents, findings, ...(claimAmount !== undefined ? { claimAmount } : {}) },
          data: { documents: stored.map(documentRef) },
        };
      }),
    );
    await this.parts.readingReview?.enqueue(resubmitted);
    return resubmitted;
  }

  /**
   * A defendant files the answer (答辩状) within the answer period, or a clerk of the court
   * enters one delivered on paper; the filer is told (caseNotices.ts). After the period the
   * machine refuses: the case proceeds by default.
   */
  async fileAnswer(user: AuthUser, caseId: string, file: IncomingFile): Promise<CaseDoc> {
    const { doc, as } = await this.parts.access.access(user, caseId);
    const actor = defendantOrClerk(user, as, 'An answer is filed by a defendant of the case, or entered by a clerk of the court.');
    this.parts.commands.assertAllowed(doc, actor, 'ANSWER_FILED');
    const checked = { ...DocumentStore.check(file), kind: 'answer' as const };
    return this.parts.files.storeThen(caseId, user, [checked], this.parts.now().toISOString(), (stored) =>
      this.parts.commands.apply(doc, (current, at) => ({
        event: { type: 'ANSWER_FILED', documentId: stored[0]?.id ?? '', actor, at },
        fields: { documents: [...current.documents, ...stored] },
        data: { documents: stored.map(documentRef) },
      })),
    );
  }

  /**
   * A defendant's statement waiving the rest of their answer period, made on the platform by the
   * defendant or recorded by a clerk (statement as said to the court); logged on the case.
   */
  async waiveAnswerPeriod(user: AuthUser, caseId: string, input: { defendantId?: string; statement: string }): Promise<CaseDoc> {
    const { doc, as } = await this.parts.access.access(user, caseId);
    const actor = defendantOrClerk(user, as, 'A waiver is stated by a defendant of the case, or recorded by a clerk of the court.');
    const defendantId = as === 'defendant' ? user.id : input.defendantId;
    if (!defendantId) throw errors.validation('Name the defendant whose waiver is recorded (defendantId).', undefined, 'DEFENDANT_REQUIRED');
    return this.parts.commands.apply(doc, (_d, at) => ({ event: { type: 'WAIVE_ANSWER_PERIOD', defendantId, statement: input.statement, actor, at } }));
  }

  /** Further material (evidence, statements) from the filer into a live case; no change of status. */
  async addDocuments(user: AuthUser, caseId: string, files: Upload[]): Promise<CaseDoc> {
    const doc = await this.parts.access.get(user, caseId);
    assertFiler(user, doc, 'Only the party who filed the case can add material to it.');
    if (ENDED.includes(doc.status)) throw errors.invalidState(`The case is ${doc.status}; no more material can be added.`, 'CASE_CLOSED');
    if (files.length === 0) throw errors.validation('Attach at least one file.', undefined, 'NO_FILES');
    const checked = checkFiles(files);
    return this.parts.files.storeThen(caseId, user, checked, this.parts.now().toISOString(), (stored) =>
      this.parts.commands.apply(doc, (current) => {
        if (ENDED.includes(current.status)) throw errors.invalidState(`The case is ${current.status}; no more material can be added.`, 'CASE_CLOSED');
        return {
          entry: { type: 'DOCUMENTS_SUBMITTED', actor: { userId: user.id, role: 'party' }, data: { documents: stored.map(documentRef) } },
          fields: { documents: [...current.documents, ...stored] },
        };
      }),
    );
  }

  async withdraw(user: AuthUser, caseId: string, reason: string | undefined): Promise<CaseDoc> {
    const doc = await this.parts.access.get(user, caseId);
    const actor = actorAs(user, 'party');
    return this.parts.commands.apply(doc, (_d, at) => ({ event: { type: 'WITHDRAW', ...(reason ? { reason } : {}), actor, at } }));
  }

  private async court(idOrCode: string): Promise<Court> {
    const court = await findCourtByIdOrCode(this.parts.connection, idOrCode);
    if (!court) throw errors.validation(`There is no court "${idOrCode}" on this platform.`, undefined, 'UNKNOWN_COURT');
    return court;
  }
}
