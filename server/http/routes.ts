import { Router } from 'express';
import { chineseHolidayCalendar } from '../../state-machines/rules/periods.js';
import { authRoutes } from '../auth/authRoutes.js';
import { caseRoutes } from '../cases/caseRoutes.js';
import { CaseService } from '../cases/caseService.js';
import { CaseStore } from '../cases/caseStore.js';
import type { AppContext } from '../context.js';
import { createDocumentCipher } from '../privacy/documentCipher.js';
import { DocumentStore } from '../documents/documentStore.js';
import { feeRoutes } from '../fees/feeRoutes.js';
import { HearingService } from '../hearings/hearingService.js';
import { HearingSessions } from '../hearings/hearingSessions.js';
import { hearingRoutes } from '../hearings/hearingRoutes.js';
import { recordingRoutes } from '../recordings/recordingRoutes.js';
import type { WorkerPool } from '../../media/workerPool.js';
import { OfflinePaymentProvider } from '../payments/paymentProvider.js';
import { agreementRoutes } from '../agreements/agreementRoutes.js';
import { AgreementService } from '../agreements/agreementService.js';
import { mediationRoutes } from '../agreements/mediationRoutes.js';
import { CaseNotifier } from '../notifications/caseNotifier.js';
import { Reminders } from '../notifications/reminders.js';
import { notificationRoutes } from '../notifications/notificationRoutes.js';
import { createNotificationService, UserPushRelay, type NotificationService } from '../notifications/notificationService.js';
import { createPersonalDataCipher } from '../privacy/personalData.js';
import { createElectronicService } from '../service/createElectronicService.js';
import type { ElectronicService } from '../service/electronicService.js';
import { Inbox } from '../service/inbox.js';
import { inboxRoutes } from '../service/inboxRoutes.js';
import { serviceRoutes } from '../service/serviceRoutes.js';
import { userRoutes } from '../users/userRoutes.js';

export interface Services {
  cases: CaseService;
  caseStore: CaseStore;
  hearings: HearingService;
  sessions: HearingSessions;
  /** In-app, live and email notifications: `services.notifications.notify(userId, {...})`. */
  notifications: NotificationService;
  /** Tells filers and clerks about each step of a case as the case log applies it. */
  caseNotifier: CaseNotifier;
  /** Deadline and hearing reminders, sent by the periodic sweep (server.ts). */
  reminders: Reminders;
  /** Live pushes reach the /user namespace once server.ts connects it. */
  userPush: UserPushRelay;
  agreements: AgreementService;
  /** Electronic service (电子送达): consent, court documents, deliveries, receipts. */
  electronicService: ElectronicService;
}

export function createServices(context: AppContext, pool: WorkerPool): Services {
  const caseStore = new CaseStore(context.connection);
  const cases = new CaseService({
    connection: context.connection,
    store: caseStore,
    documents: new DocumentStore(context.connection, createDocumentCipher(context.config.dataEncryptionKey)),
    cipher: createPersonalDataCipher(context.config.dataEncryptionKey),
    calendar: chineseHolidayCalendar,
    payments: new OfflinePaymentProvider(),
    now: () => new Date(),
  });
  const now = () => new Date();
  const userPush = new UserPushRelay();
  const notifications = createNotificationService(context, userPush.push);
  const caseNotifier = new CaseNotifier({ store: caseStore, notifications, connection: context.connection, logger: context.logger, now });
  caseNotifier.attach();
  const hearings = new HearingService({ connection: context.connection, cases, notifications, jwtSecret: context.config.jwtSecret, now });
  const sessions = new HearingSessions({ pool, logger: context.logger, hearings, cases, now, connection: context.connection, recordingsDir: context.config.recordingsDir });
  const agreements = new AgreementService({ connection: context.connection, cases, notifications, logger: context.logger, jwtSecret: context.config.jwtSecret, now });
  const electronicService = createElectronicService(context, { cases, caseStore, notifier: notifications, calendar: chineseHolidayCalendar, now });
  const reminders = new Reminders(context.connection, notifications);
  return { cases, caseStore, hearings, sessions, notifications, caseNotifier, reminders, userPush, agreements, electronicService };
}

/** Every API router, in mount order, and the OpenAPI document they describe. */
export function apiRouters(context: AppContext, services: Services): Router[] {
  const openapi = Router();
  openapi.get('/api/openapi.json', (_req, res) => {
    res.json(context.api.document());
  });
  return [
    openapi,
    authRoutes(context),
    feeRoutes(context),
    caseRoutes(context, services.cases),
    hearingRoutes(context, services.hearings, services.sessions),
    recordingRoutes(context, services.cases),
    notificationRoutes(context, services.notifications),
    agreementRoutes(context, services.agreements),
    mediationRoutes(context, services.cases),
    serviceRoutes(context, services.electronicService),
    inboxRoutes(context, new Inbox(services.electronicService)),
    userRoutes(context),
  ];
}
