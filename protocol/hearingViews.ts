/**
 * Hearings as the REST API renders them (GET /api/cases/:id/hearings, GET /api/hearings/:id);
 * server/hearings/hearingRoutes.ts declares this as the return type of its view.
 */
import type { HearingKind, HearingRole, SessionState, Side } from '../state-machines/hearing/hearingTypes.js';
import type { CauseOfActionView, PartyView } from './caseViews.js';

/** Someone summoned to the hearing, as scheduled. */
export interface HearingParticipantRecord {
  userId: string;
  name: string;
  role: HearingRole;
  side?: Side;
}

export interface HearingRecord {
  id: string;
  caseId: string;
  kind: HearingKind;
  startsAt: string;
  /** The live session's state while it runs in this process, else the stored one. */
  state: SessionState;
  participants: HearingParticipantRecord[];
  createdAt: string;
  /**
   * What the case is, for the room's header: only on GET /api/hearings/:id, where
   * everyone summoned may read it even without access to the case file itself.
   */
  case?: HearingCaseHeader;
}

/** The case a hearing belongs to, as the hearing room names it. */
export interface HearingCaseHeader {
  caseNumber?: string;
  causeOfAction?: CauseOfActionView;
  parties: PartyView[];
}
