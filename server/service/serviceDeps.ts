import type { Connection } from 'mongoose';
import type { HolidayCalendar } from '../../state-machines/rules/periods.js';
import type { CaseService } from '../cases/caseService.js';
import type { CaseStore } from '../cases/caseStore.js';
import type { DocumentStore } from '../documents/documentStore.js';
import type { PdfSeal } from '../documents/pdf.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mailer.js';
import type { NotificationInput } from '../notifications/notificationModel.js';
import type { PersonalDataCipher } from '../privacy/personalData.js';
import type { ConsentStore } from './consents.js';
import type { ServiceLog } from './deliveryLog.js';
import type { ServiceModels } from './serviceModels.js';
import type { SmsProvider } from '../mail/sms.js';

/** One in-platform notice to one user: the notifications module's input. */
export type Notice = NotificationInput;

/**
 * How served documents are announced on the platform: the notification service, seen only
 * through this one method so that tests and the service module need no more of it.
 */
export interface Notifier {
  /** `key` makes a retried notice idempotent. */
  notify(userId: string, notice: Notice, options?: { key?: string }): Promise<unknown>;
}

export interface ServiceDeps {
  connection: Connection;
  models: ServiceModels;
  log: ServiceLog;
  consents: ConsentStore;
  cases: CaseService;
  caseStore: CaseStore;
  documents: DocumentStore;
  cipher: PersonalDataCipher;
  mailer: Mailer;
  sms: SmsProvider;
  notifier: Notifier;
  calendar: HolidayCalendar;
  logger: Logger;
  publicUrl: () => string;
  now: () => Date;
  /** Signs every PDF the court issues (server/signing); absent, documents are issued unsigned. */
  seal?: PdfSeal;
}
