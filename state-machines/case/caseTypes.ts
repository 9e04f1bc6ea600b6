import type { HolidayCalendar } from '../rules/periods.js';

export type CaseRole = 'party' | 'clerk' | 'judge' | 'mediator' | 'admin' | 'system';

export interface CaseActor {
  userId: string;
  role: CaseRole;
  courtId?: string;
}

/** The platform itself as the actor: the deadline sweep, hearings starting and ending, service taking effect. */
export const SYSTEM_ACTOR = { userId: 'system', role: 'system' } as const satisfies CaseActor;

/** Where the reading review found something: the file, the page, and the words read there. */
export interface FindingLocation {
  documentId: string;
  filename: string;
  page: number;
  quote: string;
}

/** One problem found in a filing, by the automatic check, the reading review or a clerk. */
export interface Finding {
  code: string;
  message: string;
  messageZh?: string;
  field?: string;
  location?: FindingLocation;
}

/** Every status a case can show; `submitted` is transient and never persisted. */
export const CASE_STATUSES = [
  'draft',
  'submitted',
  'underReview',
  'correctionRequested',
  'rejected',
  'docketed',
  'feeSettled',
  'servedOnDefendant',
  'answered',
  'defaultPending',
  'mediationOffered',
  'inMediation',
  'settled',
  // The agreement is signed and awaits the judge (CPL Art. 100); then the 调解书 awaits every party's receipt.
  'agreementSigned',
  'mediationDecisionServing',
  'mediationFailed',
  'hearingScheduled',
  'inHearing',
  'awaitingDecision',
  'decided',
  'closed',
  'withdrawn',
] as const;

export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface Money {
  amount: string;
  currency: 'CNY';
}

interface Envelope {
  actor: CaseActor;
  /** ISO 8601 instant at which the event happened; the machine never reads a clock. */
  at: string;
}

export type CaseEvent = Envelope &
  (
    | {
        type: 'SUBMIT';
        findings: Finding[];
        /** Court-configured correction deadline (YYYY-MM-DD); defaults to 15 days. */
        correctBy?: string;
      }
    | { type: 'RESUBMIT'; findings: Finding[] }
    /**
     * The reading review (OCR of the filed papers) concluded after the filing was acknowledged: its
     * findings join the correction notice; none leaves the filing where it is.
     */
    | { type: 'READING_REVIEWED'; findings: Finding[] }
    /**
     * `defendantCount`: how many defendants the complaint names; each must be served before a hearing opens.
     * `automatic`: docketed by the platform (the court's automatic docketing), with the reason it gives.
     */
    | { type: 'REVIEW_ACCEPT'; caseNumber: string; fee: Money; defendantCount?: number; automatic?: { reason: string } }
    /** Court staff undo an automatic docketing within the review period; the clerk decides afresh. */
    | { type: 'DOCKETING_REVERSED'; reasons: string[] }
    | { type: 'REVIEW_CORRECT'; reasons: string[]; deadline: string }
    | { type: 'REVIEW_REJECT'; reasons: string[] }
    | { type: 'CORRECTION_PERIOD_EXPIRED' }
    | { type: 'FEE_PAID'; paymentId: string; amount: string }
    | { type: 'FEE_WAIVED'; reason: string }
    | { type: 'FEE_DEFERRED'; reason: string; until: string }
    /** 减交: the court lowers the fee due to `amount` (yuan, to the fen); the fee period runs on. */
    | { type: 'FEE_REDUCED'; reason: string; amount: string }
    | { type: 'FEE_PERIOD_EXPIRED' }
    /** The complaint copy took effect on one defendant (`defendantId`, their account) at `servedAt`: their answer period starts. */
    | { type: 'SERVE_DEFENDANT'; servedAt: string; defendantId?: string; documentId?: string }
    /** The effective time of that service was revised (a proven arrival, C7 Art. 135): the answer period runs from the new time. */
    | { type: 'SERVICE_EFFECT_REVISED'; servedAt: string; defendantId?: string }
    /** `defendantId` names the defendant when a clerk enters a paper answer; a defendant filing names themself. */
    | { type: 'ANSWER_FILED'; documentId?: string; defendantId?: string }
    /** A defendant's recorded statement that they waive the rest of their answer period. */
    | { type: 'WAIVE_ANSWER_PERIOD'; defendantId: string; statement: string }
    | { type: 'ANSWER_PERIOD_EXPIRED' }
    | { type: 'OFFER_MEDIATION' }
    | { type: 'MEDIATION_ACCEPTED' }
    | { type: 'MEDIATION_DECLINED'; reason?: string }
    | { type: 'MEDIATION_FAILED'; reason: string }
    /** Every party signed the mediation agreement: it now awaits the judge's review. */
    | { type: 'MEDIATION_SETTLED'; agreementId: string }
    /** The judge approves the agreement and issues the 调解书 (`decisionId`), served on `recipientIds` (CPL Art. 100). */
    | { type: 'APPROVE_MEDIATION_AGREEMENT'; decisionId: string; recipientIds: string[] }
    /** CPL Art. 101: no 调解书; the agreement is recorded in the hearing record and takes effect when signed. */
    | { type: 'RECORD_AGREEMENT_IN_TRANSCRIPT'; ground: TranscriptGround }
    | { type: 'REJECT_MEDIATION_AGREEMENT'; reasons: string[]; returnTo: 'mediation' | 'litigation' }
    /** One party signed for receipt of the 调解书 at `receivedAt` (签收, recorded as service). */
    | { type: 'MEDIATION_DECISION_RECEIVED'; recipientId: string; receivedAt: string }
    /** A party refused to sign for receipt: the 调解书 does not take effect (CPL Art. 102). */
    | { type: 'MEDIATION_DECISION_REFUSED'; recipientId: string; reason: string }
    | { type: 'SCHEDULE_HEARING'; hearingId: string; startsAt: string }
    | { type: 'HEARING_STARTED'; hearingId: string }
    | { type: 'HEARING_ENDED'; hearingId: string }
    /** `decisionId` names the decision document; a judgment (判决) unless `decisionKind` says ruling (裁定). */
    | { type: 'DECIDE'; decisionId: string; decisionKind?: DecisionKind }
    /** The decision took effect as served on one party (electronic service): their appeal period starts. */
    | { type: 'DECISION_SERVED'; recipientId: string; side: PartySide; servedAt: string }
    | { type: 'CLOSE' }
    | { type: 'WITHDRAW'; reason?: string }
  );

export type CaseEventType = CaseEvent['type'];

/** Listed once so runtime checks and `allowedEventTypes` cannot drift from the union. */
export const CASE_EVENT_TYPES = [
  'SUBMIT',
  'RESUBMIT',
  'READING_REVIEWED',
  'REVIEW_ACCEPT',
  'DOCKETING_REVERSED',
  'REVIEW_CORRECT',
  'REVIEW_REJECT',
  'CORRECTION_PERIOD_EXPIRED',
  'FEE_PAID',
  'FEE_WAIVED',
  'FEE_DEFERRED',
  'FEE_REDUCED',
  'FEE_PERIOD_EXPIRED',
  'SERVE_DEFENDANT',
  'SERVICE_EFFECT_REVISED',
  'ANSWER_FILED',
  'ANSWER_PERIOD_EXPIRED',
  'WAIVE_ANSWER_PERIOD',
  'OFFER_MEDIATION',
  'MEDIATION_ACCEPTED',
  'MEDIATION_DECLINED',
  'MEDIATION_FAILED',
  'MEDIATION_SETTLED',
  'APPROVE_MEDIATION_AGREEMENT',
  'RECORD_AGREEMENT_IN_TRANSCRIPT',
  'REJECT_MEDIATION_AGREEMENT',
  'MEDIATION_DECISION_RECEIVED',
  'MEDIATION_DECISION_REFUSED',
  'SCHEDULE_HEARING',
  'HEARING_STARTED',
  'HEARING_ENDED',
  'DECIDE',
  'DECISION_SERVED',
  'CLOSE',
  'WITHDRAW',
] as const satisfies readonly CaseEventType[];

// Fails to compile if a member of the union is missing from CASE_EVENT_TYPES.
type MissingEventType = Exclude<CaseEventType, (typeof CASE_EVENT_TYPES)[number]>;
const _allEventTypesListed: MissingEventType extends never ? true : false = true;
void _allEventTypesListed;

export type CaseEventOf<T extends CaseEventType> = Extract<CaseEvent, { type: T }>;

/**
 * What the machine itself receives: the public event plus the court's calendar.
 * The calendar travels with the event instead of living in context so that it
 * never reaches the persisted snapshot.
 */
export type CaseMachineEvent = CaseEvent & { calendar: HolidayCalendar };

export interface CorrectionNotice {
  source: 'automatic' | 'clerk';
  reasons: string[];
  deadline: string;
  issuedAt: string;
}

export type FeeSettlement =
  | { kind: 'paid'; paymentId: string; amount: string; at: string }
  | { kind: 'waived'; reason: string; at: string }
  | { kind: 'deferred'; reason: string; until: string; at: string };

export interface AutomaticDocketing {
  automatic: true;
  reason: string;
  at: string;
  /** Last day (YYYY-MM-DD) court staff may reverse it: the end of the 7-day review period. */
  reversibleUntil: string;
  reversed?: { at: string; reasons: string[]; caseNumber: string };
}

export interface CaseDeadlines {
  docketBy?: string;
  correctBy?: string;
  feeDueBy?: string;
  answerBy?: string;
}

export type CaseTimestamp =
  | 'createdAt'
  | 'submittedAt'
  | 'readingReviewedAt'
  | 'docketingReversedAt'
  | 'correctionRequestedAt'
  | 'rejectedAt'
  | 'docketedAt'
  | 'feeSettledAt'
  | 'servedAt'
  | 'answeredAt'
  | 'defaultAt'
  | 'mediationOfferedAt'
  | 'mediationStartedAt'
  | 'mediationEndedAt'
  | 'settledAt'
  | 'mediationApprovedAt'
  | 'hearingScheduledAt'
  | 'hearingStartedAt'
  | 'hearingEndedAt'
  | 'decidedAt'
  | 'closedAt'
  | 'withdrawnAt';

export interface Withdrawal {
  byUserId: string;
  reason?: string;
  /** Set when the law treats the case as withdrawn (按撤诉处理) rather than the filer asking. */
  deemed?: 'FEE_UNPAID' | 'CORRECTION_NOT_MADE';
}

/** CPL Art. 101 para. 1 (1)-(4): divorce reconciled, adoption maintained, performed at once, other. */
export type TranscriptGround = 'divorceReconciled' | 'adoptionMaintained' | 'performedImmediately' | 'otherNoDecisionNeeded';

/** The 调解书 and each party's signature for its receipt; effective at the last one. */
export interface MediationDecision {
  decisionId: string;
  issuedAt: string;
  judgeId: string;
  recipientIds: string[];
  receipts: { recipientId: string; receivedAt: string }[];
  effectiveAt?: string;
  refusal?: { recipientId: string; reason: string; at: string };
}

export interface Mediation {
  agreementId?: string;
  outcome?: 'declined' | 'failed' | 'settled';
  reason?: string;
  decision?: MediationDecision;
  transcript?: { ground: TranscriptGround; recordedAt: string; judgeId: string };
  rejection?: { reasons: string[]; at: string; returnTo: 'mediation' | 'litigation' };
}

export type DecisionKind = 'judgment' | 'ruling';
export type PartySide = 'plaintiff' | 'defendant' | 'other';

/** One party's appeal period, counted from the effective service of the decision on them. */
export interface AppealPeriod {
  recipientId: string;
  side: PartySide;
  servedAt: string;
  appealBy: string;
}

/** Service of the complaint copy on one defendant, and how their answer period ended. */
export interface DefendantService {
  defendantId: string;
  servedAt: string;
  /** The document served (the complaint copy, 起诉状副本), when known. */
  documentId?: string;
  answerBy: string;
  answeredAt?: string;
  /** When the defendant's statement waiving the rest of the period was recorded. */
  waivedAt?: string;
}

export interface Hearing {
  hearingId: string;
  startsAt: string;
}

/** Plain JSON only: it is persisted as is. Optional keys are omitted, never `undefined`. */
export interface CaseContext {
  caseId: string;
  courtId: string;
  filerId: string;
  findings: Finding[];
  correction?: CorrectionNotice;
  rejectionReasons?: string[];
  caseNumber?: string;
  fee?: Money;
  /** How the case was docketed, when the platform did it; kept after a reversal as its record. */
  docketing?: AutomaticDocketing;
  /** A reduction (减交) the court granted: the fee before it, and why. */
  feeReduction?: { from: string; to: string; reason: string; at: string };
  feeSettlement?: FeeSettlement;
  deadlines: CaseDeadlines;
  /** Defendants named in the complaint (absent on cases docketed before it was recorded: one). */
  defendantCount?: number;
  /** Per defendant served with the complaint copy; every stage keeps it, so the answer deadline always shows. */
  defendantServices?: DefendantService[];
  hearing?: Hearing;
  mediation?: Mediation;
  answerDocumentId?: string;
  decisionId?: string;
  decisionKind?: DecisionKind;
  /** Per served party; a later service on the same party replaces theirs. */
  appeals?: AppealPeriod[];
  withdrawal?: Withdrawal;
  timestamps: Partial<Record<CaseTimestamp, string>>;
  /** Events must not travel back in time past this instant. */
  lastEventAt: string;
}

export interface CaseInput {
  caseId: string;
  courtId: string;
  filerId: string;
  at: string;
}

/** The stored form: our own shape, so a stored case survives xstate upgrades. */
export interface CaseSnapshotJson {
  schemaVersion: 1;
  status: CaseStatus;
  context: CaseContext;
}

export type CaseErrorCode = 'FORBIDDEN' | 'INVALID_STATE' | 'INVALID_EVENT';

export interface CaseError {
  code: CaseErrorCode;
  message: string;
  /** Set when a rule of procedure refused the step: its stable code and facts (e.g. earliestLawfulStart). */
  rule?: { code: string; details: Record<string, unknown> };
}

export type CaseTransitionResult =
  | { ok: true; snapshot: CaseSnapshotJson; status: CaseStatus; context: CaseContext }
  | { ok: false; error: CaseError };
