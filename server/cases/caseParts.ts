import type { Connection } from 'mongoose';
import type { HolidayCalendar } from '../../state-machines/rules/periods.js';
import type { PdfSeal } from '../documents/pdf.js';
import type { PaymentProvider } from '../payments/paymentProvider.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';
import type { CaseAccess } from './caseAccess.js';
import type { CaseCommands } from './caseCommands.js';
import type { CaseFiles } from './caseFiles.js';
import type { CaseStore } from './caseStore.js';
import type { ReadingReviewQueue } from './filingReview.js';

/** What every capability of the case service works with; built once by CaseService. */
export interface CaseParts {
  connection: Connection;
  store: CaseStore;
  /** The one way a case changes (caseCommands.ts). */
  commands: CaseCommands;
  access: CaseAccess;
  files: CaseFiles;
  cipher: PersonalDataCipher;
  calendar: HolidayCalendar;
  payments: PaymentProvider;
  now: () => Date;
  /** The court's digital signature on decisions it issues (server/signing). */
  seal?: PdfSeal;
  /** The reading review's queue (server/review), when the app runs it. */
  readingReview?: ReadingReviewQueue;
}
