/**
 * Decisions and their service: the judge files the signed decision, and electronic service
 * records on the case what its service started (the answer period, an appeal period).
 */
import type { CaseEvent, CaseEventOf, DecisionKind } from '../../state-machines/case/caseMachine.js';
import type { AuthUser } from '../auth/tokens.js';
import { DocumentStore, type IncomingFile } from '../documents/documentStore.js';
import { errors } from '../errors.js';
import { sealDecision } from '../signing/decisionSeal.js';
import { actorAs } from './caseAccess.js';
import { documentRef } from './caseFiles.js';
import type { CaseDoc } from './caseModel.js';
import type { CaseParts } from './caseParts.js';

/** A case step that electronic service records when it takes effect (see recordServiceStep). */
type ServiceStepType = 'SERVE_DEFENDANT' | 'SERVICE_EFFECT_REVISED' | 'DECISION_SERVED';
export type ServiceStep = { [T in ServiceStepType]: Omit<CaseEventOf<T>, 'actor' | 'at'> }[ServiceStepType];

export class CaseDecisions {
  constructor(private readonly parts: CaseParts) {}

  /**
   * The judge decides the case by filing the signed decision (a PDF): the case
   * moves to decided, and serving that document starts each party's appeal period.
   */
  async decide(user: AuthUser, caseId: string, decisionKind: DecisionKind, file: IncomingFile): Promise<CaseDoc> {
    const doc = await this.parts.access.get(user, caseId);
    const actor = actorAs(user, 'judge');
    this.parts.commands.assertAllowed(doc, actor, 'DECIDE');
    const uploaded = DocumentStore.check(file);
    if (uploaded.mediaType !== 'application/pdf' || !uploaded.readable) {
      throw errors.validation('A decision is filed as a complete, readable PDF.', { field: file.field }, 'DECISION_NOT_PDF');
    }
    // Issued under the court's digital signature (when the PDF can carry one).
    const { file: issued } = await sealDecision(this.parts.seal, file, `${decisionKind} ${doc.caseNumber ?? caseId}`);
    const checked = { ...DocumentStore.check(issued), kind: decisionKind };
    return this.parts.files.storeThen(caseId, user, [checked], this.parts.now().toISOString(), (stored) =>
      this.parts.commands.apply(doc, (current, at) => ({
        event: { type: 'DECIDE', decisionId: stored[0]?.id ?? '', decisionKind, actor, at },
        fields: { documents: [...current.documents, ...stored] },
        data: { documents: stored.map(documentRef) },
      })),
    );
  }

  /**
   * What electronic service recorded on the case when it took effect (service/effects.ts):
   * the answer period starts (SERVE_DEFENDANT) or moves to a proven time of service
   * (SERVICE_EFFECT_REVISED), or a party's appeal period starts (DECISION_SERVED). These
   * are the clerk's acts (casePermits), so the clerk who made the service is the actor;
   * `details` (the service, its effect) go into the log entry.
   */
  recordServiceStep(caseId: string, step: ServiceStep, clerk: { userId: string; courtId: string }, details: Record<string, unknown> = {}): Promise<CaseDoc> {
    const actor = { userId: clerk.userId, role: 'clerk' as const, courtId: clerk.courtId };
    return this.parts.commands.apply(caseId, (_d, at) => ({ event: { ...step, actor, at } as CaseEvent, data: details }));
  }
}
