/**
 * The case as the REST API renders it (GET /api/cases, GET /api/cases/:id).
 * server/cases/caseView.ts declares these as its return types, so the server
 * and the client are checked against the same shapes.
 */
import type {
  CaseStatus,
  CorrectionNotice,
  FeeSettlement,
  Finding,
  Mediation,
  Withdrawal,
} from '../state-machines/case/caseMachine.js';
import type { OnlineCaseType } from '../state-machines/rules/fees.js';

/** Every status a case can show (the list filter takes them, comma-separated). */
export { CASE_STATUSES } from '../state-machines/case/caseTypes.js';

export type { CaseStatus, CorrectionNotice, FeeSettlement, Finding, Mediation, Withdrawal, OnlineCaseType };

/** What a party or the court files; the material check (server/cases/materialCheck.ts) reads these. */
export type FiledDocumentKind = 'complaint' | 'evidence' | 'idProof' | 'other' | 'answer' | 'judgment' | 'ruling';
/** 'courtDocument': notices the court issues itself, filed into the case by electronic service. */
export type DocumentKind = FiledDocumentKind | 'courtDocument';

/** How a user stands to a case they may see. */
export type CaseViewer = 'filer' | 'defendant' | 'court';

export interface Money {
  amount: string;
  currency: 'CNY';
}

/** A deadline: the last day, and the exact last moment (Asia/Shanghai). */
export interface Deadline {
  /** docketBy, correctBy, feeDueBy, answerBy, or appealBy (one per party served with the decision). */
  kind: string;
  date: string;
  endsAt: string;
  /** The year's holiday arrangement is not entered yet, so the date may still move. */
  provisional: boolean;
  labelZh: string;
  labelEn: string;
  /** appealBy only: whose appeal period this is. */
  partyId?: string;
}

export interface TimelineEntry {
  seq: number;
  type: string;
  at: string;
  /** The role of whoever caused the entry. */
  by: string;
  /** The case status after the entry. */
  status: CaseStatus;
  details: Record<string, unknown>;
}

export interface CauseOfActionView {
  code: string;
  zh: string;
  en: string;
}

/** The clerk's decision on a complete filing is due within 7 days. */
export interface ReviewDue {
  by: string;
  daysLeft: number;
  overdue: boolean;
}

export type DefendantServiceState = 'running' | 'answered' | 'waived' | 'ended';

/** Service of the complaint copy on one defendant, with its answer deadline. */
export interface DefendantService {
  defendantId: string;
  servedAt: string;
  documentId?: string;
  answerBy: string;
  answerEndsAt: string;
  answeredAt?: string;
  waivedAt?: string;
  state: DefendantServiceState;
}

export interface DefendantServiceView {
  defendants: number;
  served: DefendantService[];
}

/** A party as lists and headers show it: the name and the side. */
export interface PartyView {
  name: string;
  side: 'plaintiff' | 'defendant';
}

/** The deadline that ends first among those still running, with the whole days left (Asia/Shanghai). */
export interface NextDeadline extends Deadline {
  daysLeft: number;
  overdue: boolean;
}

/** A person the court assigned to the case. */
export interface AssignedOfficer {
  id: string;
  name: string;
}

/** A case in a list; `you` says how the reader stands to it. */
export interface CaseSummary {
  id: string;
  you: CaseViewer;
  status: CaseStatus;
  caseNumber?: string;
  courtId: string;
  caseType: OnlineCaseType;
  causeOfAction?: CauseOfActionView;
  claimAmount?: string;
  divorcePropertyAmount?: string;
  personalityDamagesAmount?: string;
  fee?: Money;
  deadlines: Deadline[];
  reviewDue?: ReviewDue;
  service: DefendantServiceView;
  /** The plaintiff (the filer, when their name is known) and the defendants the complaint names. */
  parties: PartyView[];
  /** The first running deadline, the clerk's review deadline included. */
  nextDeadline?: NextDeadline;
  judge?: AssignedOfficer;
  clerk?: AssignedOfficer;
  createdAt: string;
  updatedAt: string;
}

/** A page of a case list: `total` counts every case the filter matches. */
export interface CaseListPage {
  cases: CaseSummary[];
  total: number;
  page: number;
  pageSize: number;
}

/** The court a case is before, as its header shows it. */
export interface CourtView {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
}

/** A representative (代理人) taking part for one side, as named in the case's hearings. */
export interface RepresentativeView {
  name: string;
  side: 'plaintiff' | 'defendant';
}

/** A defendant as the case shows it: identity number and phone masked. */
export interface DefendantView {
  name: string;
  idNumber?: string;
  phone?: string;
}

export interface CaseDocument {
  id: string;
  kind: DocumentKind;
  filename: string;
  sha256: string;
  size: number;
  mediaType: string;
  readable: boolean;
  uploadedAt: string;
}

/** An application for fee relief (缓交 deferral, 减交 reduction, 免交 waiver) and the court's decision. */
export interface FeeReliefView {
  id: string;
  kind: 'deferral' | 'reduction' | 'waiver';
  reasons: string;
  /** Deferral: the date asked for. */
  until?: string;
  /** Reduction: the amount asked for. */
  amount?: string;
  /** The proof, among the case's documents. */
  proofIds: string[];
  status: 'pending' | 'granted' | 'refused';
  appliedAt: string;
  decidedAt?: string;
  decisionReasons?: string;
  grantedUntil?: string;
  grantedAmount?: string;
}

/** The full case as its parties and court staff see it; other people's personal data is masked. */
export interface CaseView extends CaseSummary {
  court?: CourtView;
  representatives: RepresentativeView[];
  typeCode: string;
  claims: string[];
  facts: string;
  defendants: DefendantView[];
  feeSettlement?: FeeSettlement;
  /** The filer's applications for fee relief and their decisions (the filer and the court only). */
  feeRelief: FeeReliefView[];
  findings: Finding[];
  correction?: CorrectionNotice;
  rejectionReasons?: string[];
  withdrawal?: Withdrawal;
  /** The court's review of a signed agreement: 调解书 receipts, or the Art. 101 ground. */
  mediation?: Mediation;
  settledAt?: string;
  documents: CaseDocument[];
  timeline: TimelineEntry[];
  allowedActions: string[];
  version: number;
}
