/**
 * Who may do what with a hearing's record, in one place. Court staff of the case's court see
 * it at any time; the judge, the clerk and (in a mediation) the mediator write it. Parties of
 * the case read it once the hearing has ended, and each party summoned signs or objects.
 * Anyone else learns nothing, not even that the record exists.
 */
import type { Connection } from 'mongoose';
import type { SessionState } from '../../protocol/hearing.js';
import type { AuthUser } from '../auth/tokens.js';
import type { CaseService } from '../cases/caseService.js';
import type { CaseDoc } from '../cases/caseModel.js';
import { errors } from '../errors.js';
import { hearingModel, type HearingDoc } from '../hearings/hearingModel.js';

export interface RecordContext {
  hearing: HearingDoc;
  caseDoc: CaseDoc;
  /** The live state when the session runs in this process, else the stored one. */
  state: SessionState;
  staff: boolean;
}

export const WRITER_ROLES = ['clerk', 'judge', 'mediator'] as const;

export const recordNotFound = () => errors.notFound('The hearing record', 'RECORD_NOT_FOUND');

export class RecordAccess {
  constructor(
    private readonly deps: {
      connection: Connection;
      cases: CaseService;
      liveState: (hearingId: string) => SessionState | undefined;
    },
  ) {}

  /** The hearing and case as this user stands to them; 404 for anyone who may not see the case. */
  async context(user: AuthUser, hearingId: string): Promise<RecordContext> {
    const hearing = await hearingModel(this.deps.connection).findById(hearingId).lean<HearingDoc>().exec();
    if (!hearing) throw recordNotFound();
    const { doc, as } = await this.deps.cases.access(user, hearing.caseId).catch(() => {
      throw recordNotFound();
    });
    return { hearing, caseDoc: doc, state: this.stateOf(hearing), staff: as === 'court' };
  }

  stateOf(hearing: Pick<HearingDoc, '_id' | 'state'>): SessionState {
    return this.deps.liveState(hearing._id) ?? hearing.state;
  }

  /** Reading: staff at once; parties after the hearing ended. */
  assertMayRead(ctx: RecordContext): void {
    if (ctx.staff || ctx.state === 'closed') return;
    throw errors.forbidden('The record can be read once the hearing has ended.', 'RECORD_NOT_YET_AVAILABLE');
  }

  /** Writing and filing: the judge, clerk or mediator of the case's court. */
  assertWriter(user: AuthUser, ctx: RecordContext): void {
    if (ctx.staff && user.roles.some((r) => (WRITER_ROLES as readonly string[]).includes(r))) return;
    throw errors.forbidden('Only the clerk, the judge or the mediator of the case writes the record.', 'NOT_RECORD_WRITER');
  }
}

/** The parties summoned to the hearing: each reads the record and signs or objects. */
export function signatoriesOf(hearing: Pick<HearingDoc, 'participants'>): { userId: string; name: string }[] {
  return hearing.participants.filter((p) => p.role === 'party').map((p) => ({ userId: p.userId, name: p.name }));
}

/** The court staff summoned to the hearing: they see the record live. */
export function staffOf(hearing: Pick<HearingDoc, 'participants'>): string[] {
  return hearing.participants.filter((p) => (WRITER_ROLES as readonly string[]).includes(p.role)).map((p) => p.userId);
}
