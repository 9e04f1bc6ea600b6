/**
 * The JSON shapes of the REST API as the client reads them. The case, agreement and
 * notification views are the protocol's (protocol/*Views.ts), which the server's view
 * functions declare as their return types: one definition for both ends.
 */

import type { Side } from '../../../protocol/hearingTypes.js';

export type Role = 'party' | 'clerk' | 'judge' | 'mediator' | 'admin';

export interface User {
  id: string;
  name: string;
  roles: Role[];
  courtId?: string;
}

export { ONLINE_CASE_TYPES as CASE_TYPES, type OnlineCaseType as CaseType } from '../../../state-machines/rules/fees.js';

export type { DocumentKind } from '../../../protocol/caseViews.js';
export { CASE_STATUSES } from '../../../protocol/caseViews.js';

export type { CaseDocument, CaseListPage, CaseSummary, CaseView, Deadline, Finding, Money, NextDeadline, PartyView, TimelineEntry } from '../../../protocol/caseViews.js';

// The fee quote is exactly what the rules module computes; one definition for server and client.
export type { FeeLine, FeeQuote } from '../../../state-machines/rules/fees.js';

export interface Payment {
  _id: string;
  caseId: string;
  amount: string;
  status: 'awaitingConfirmation' | 'confirmed';
  payerId: string;
  providerReference: string;
  createdAt: string;
  instructionsZh?: string;
  instructionsEn?: string;
  /** The court's account the payer was told to pay into. */
  payee?: { accountName: string; bank: string; accountNumber: string };
}

export type { HearingParticipantRecord, HearingRecord as Hearing } from '../../../protocol/hearingViews.js';

export interface Recording {
  id: string;
  hearingId: string;
  caseId: string;
  participantId: string;
  participantName: string;
  segment: number;
  status: 'recording' | 'finalised';
  startedAt: string;
  endedAt?: string;
  sha256?: string;
  size?: number;
  durationSeconds?: number;
}

/** Someone court staff can invite (GET /api/users); `side` only for the parties of the case asked about. */
export interface FoundUser {
  id: string;
  name: string;
  roles: Role[];
  side?: Side;
}

export type { AgreementView as Agreement, AgreementSignatory, AgreementVerification } from '../../../protocol/agreementViews.js';

export interface DeliveryStep {
  step: string;
  at: string;
}

/** One served document as its recipient sees it (server/service/views.ts inboxItemView). */
export interface InboxItem {
  id: string;
  serviceId: string;
  caseId: string;
  caseNumber: string;
  document: { id: string; kind: string; title: string; filename: string; sha256: string };
  servedAt: string;
  read?: boolean;
  acknowledged: boolean;
  effect: { effective: boolean; effectiveAt?: string; presumed?: boolean; reasonZh?: string; reason?: string };
  deliveries: { id: string; channel: 'inbox' | 'email' | 'sms'; address: string; status: string; steps: DeliveryStep[] }[];
  /** A summons: the hearing it summons to. */
  hearing?: { id: string; kind: string; startsAt: string; joinUrl: string };
}

export type { NotificationView } from '../../../protocol/notificationViews.js';

export interface NotificationSettings {
  email?: string;
  language: 'zh' | 'en';
}
