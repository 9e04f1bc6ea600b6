import type { HolidayCalendar } from '../../state-machines/rules/periods.js';
import type { CaseService } from '../cases/caseService.js';
import type { CaseStore } from '../cases/caseStore.js';
import type { AppContext } from '../context.js';
import { createDocumentCipher } from '../privacy/documentCipher.js';
import { DocumentStore } from '../documents/documentStore.js';
import type { PdfSeal } from '../documents/pdf.js';
import { createPersonalDataCipher } from '../privacy/personalData.js';
import { ConsentStore } from './consents.js';
import { ServiceLog } from './deliveryLog.js';
import { ElectronicService } from './electronicService.js';
import type { Notifier } from './serviceDeps.js';
import { serviceModels } from './serviceModels.js';
import type { SmsProvider } from '../mail/sms.js';
import { OutboxSmsProvider } from './smsProvider.js';

/** Builds electronic service from the app context; `sms` defaults to the database outbox. */
export function createElectronicService(
  context: AppContext,
  parts: { cases: CaseService; caseStore: CaseStore; notifier: Notifier; calendar: HolidayCalendar; now: () => Date; sms?: SmsProvider; seal?: PdfSeal },
): ElectronicService {
  const models = serviceModels(context.connection);
  const cipher = createPersonalDataCipher(context.config.dataEncryptionKey);
  return new ElectronicService({
    connection: context.connection,
    models,
    log: new ServiceLog(models, parts.now),
    consents: new ConsentStore(models, cipher, parts.now),
    cases: parts.cases,
    caseStore: parts.caseStore,
    documents: new DocumentStore(context.connection, createDocumentCipher(context.config.dataEncryptionKey)),
    cipher,
    mailer: context.mailer,
    sms: parts.sms ?? new OutboxSmsProvider(models, cipher, parts.now),
    notifier: parts.notifier,
    calendar: parts.calendar,
    logger: context.logger,
    publicUrl: () => context.publicUrl(),
    now: parts.now,
    ...(parts.seal ? { seal: parts.seal } : {}),
  });
}
