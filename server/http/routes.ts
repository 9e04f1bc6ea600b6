import { Router } from 'express';
import { authRoutes } from '../auth/authRoutes.js';
import { calendarRoutes } from '../calendar/calendarRoutes.js';
import { CalendarService } from '../calendar/calendarService.js';
import { LiveCourtCalendar } from '../calendar/liveCalendar.js';
import { causeRoutes } from '../cases/causeRoutes.js';
import { caseRoutes } from '../cases/caseRoutes.js';
import { defendantRoutes } from '../cases/defendantRoutes.js';
import { CaseService } from '../cases/caseService.js';
import { CaseStore } from '../cases/caseStore.js';
import type { AppContext } from '../context.js';
import { createDocumentCipher } from '../privacy/documentCipher.js';
import { DocumentStore } from '../documents/documentStore.js';
import { feeRoutes } from '../fees/feeRoutes.js';
import { procedureRoutes } from '../cases/procedureRoutes.js';
import { HearingProcedure } from '../hearings/hearingProcedure.js';
import { HearingService } from '../hearings/hearingService.js';
import { HearingSessions } from '../hearings/hearingSessions.js';
import { hearingRoutes } from '../hearings/hearingRoutes.js';
import { recordingRoutes } from '../recordings/recordingRoutes.js';
import type { WorkerPool } from '../../media/workerPool.js';
import { OfflinePaymentProvider } from '../payments/paymentProvider.js';
import { agreementRoutes } from '../agreements/agreementRoutes.js';
import { AgreementService } from '../agreements/agreementService.js';
import { mediationRoutes } from '../agreements/mediationRoutes.js';
import { CourtSettlement } from '../agreements/courtSettlement.js';
import { courtSettlementRoutes } from '../agreements/courtSettlementRoutes.js';
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
import { serviceModels } from '../service/serviceModels.js';
import { OutboxSmsProvider, type SmsProvider } from '../service/smsProvider.js';
import { userRoutes } from '../users/userRoutes.js';
import { CourtSigning } from '../signing/courtSigning.js';
import { signingRoutes } from '../signing/signingRoutes.js';
import { identityReviewRoutes } from '../users/identityReviewRoutes.js';
import { staffRoutes } from '../users/staffRoutes.js';

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
  /** Holiday arrangements and the live court calendar; `load()` before serving. */
  calendar: CalendarService;
  /** The court's digital signature and the built-in timestamp authority. */
  signing: CourtSigning;
  /** The one SMS channel: service of documents and one-time codes both go through it. */
  sms: SmsProvider;
  /** The judge's review of signed mediation agreements and the 调解书's receipts. */
  courtSettlement: CourtSettlement;
}

export function createServices(context: AppContext, pool: WorkerPool): Services {
  const signing = new CourtSigning(context.config.signing, { production: context.config.env === 'production' });
  // Signed at the real time: the timestamp authority vouches for the real clock, whatever `now` says.
  const seal = (pdf: Buffer, reason: string) => signing.sign(pdf, { reason });
  const caseStore = new CaseStore(context.connection);
  // One calendar object for every service; entering an arrangement updates it in place.
  const courtCalendar = new LiveCourtCalendar();
  const cases = new CaseService({
    connection: context.connection,
    store: caseStore,
    documents: new DocumentStore(context.connection, createDocumentCipher(context.config.dataEncryptionKey)),
    cipher: createPersonalDataCipher(context.config.dataEncryptionKey),
    calendar: courtCalendar,
    payments: new OfflinePaymentProvider(),
    now: () => new Date(),
    seal,
  });
  const now = () => new Date();
  const userPush = new UserPushRelay();
  const notifications = createNotificationService(context, userPush.push);
  const caseNotifier = new CaseNotifier({ store: caseStore, notifications, connection: context.connection, logger: context.logger, now, calendar: courtCalendar });
  caseNotifier.attach();
  const procedure = new HearingProcedure({ connection: context.connection, caseStore, calendar: courtCalendar });
  const hearings = new HearingService({ connection: context.connection, cases, notifications, jwtSecret: context.config.jwtSecret, now, procedure });
  const sessions = new HearingSessions({ pool, logger: context.logger, hearings, cases, now, connection: context.connection, recordingsDir: context.config.recordingsDir, procedure });
  const agreements = new AgreementService({ connection: context.connection, cases, notifications, logger: context.logger, jwtSecret: context.config.jwtSecret, now, seal, checkPdf: (pdf) => signing.check(pdf) });
  const sms = new OutboxSmsProvider(serviceModels(context.connection), createPersonalDataCipher(context.config.dataEncryptionKey), now);
  const electronicService = createElectronicService(context, { cases, caseStore, notifier: notifications, calendar: courtCalendar, now, seal, sms });
  const courtSettlement = new CourtSettlement({ connection: context.connection, cases, caseStore, service: electronicService, logger: context.logger, now, publicUrl: () => context.publicUrl(), seal });
  const reminders = new Reminders(context.connection, notifications);
  const calendar = new CalendarService({ connection: context.connection, calendar: courtCalendar, caseStore, commands: cases.commands, notifications, logger: context.logger, now });
  return { cases, caseStore, hearings, sessions, notifications, caseNotifier, reminders, userPush, agreements, electronicService, calendar, signing, sms, courtSettlement };
}

/** Every API router, in mount order, and the OpenAPI document they describe. */
export function apiRouters(context: AppContext, services: Services): Router[] {
  const openapi = Router();
  openapi.get('/api/openapi.json', (_req, res) => {
    res.json(context.api.document());
  });
  return [
    openapi,
    authRoutes(context, services.sms),
    feeRoutes(context),
    defendantRoutes(context, services.caseStore, services.cases.commands),
    caseRoutes(context, services.cases),
    procedureRoutes(context, services.cases),
    hearingRoutes(context, services.hearings, services.sessions),
    recordingRoutes(context, services.cases),
    notificationRoutes(context, services.notifications),
    agreementRoutes(context, services.agreements),
    mediationRoutes(context, services.cases),
    courtSettlementRoutes(context, services.courtSettlement),
    serviceRoutes(context, services.electronicService),
    inboxRoutes(context, new Inbox(services.electronicService), services.signing),
    signingRoutes(context, services.signing),
    userRoutes(context),
    calendarRoutes(context, services.calendar),
    causeRoutes(context),
    identityReviewRoutes(context, services.caseStore, services.cases.commands, services.sms),
    staffRoutes(context),
  ];
}
