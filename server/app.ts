/**
 * The composition root: the one place that builds every service, wires them to each other
 * and mounts every folder's routes. Folders do not import one another's constructors to
 * reach a collaborator; they declare what they need (a port, a subscriber) and this file
 * hands it in. So the folders form a DAG (test/unit/architecture/importGraph.test.ts), from
 * the base (config, errors, hashChain, events, documents, auth, http, context) up through
 * users, signing, cases, notifications, recordings, hearings, service, reminders,
 * agreements and calendar to this file, server.ts and main.ts.
 */
import { Router } from 'express';
import { authRoutes } from './users/authRoutes.js';
import { calendarRoutes } from './calendar/calendarRoutes.js';
import { CalendarService } from './calendar/calendarService.js';
import { LiveCourtCalendar } from './calendar/liveCalendar.js';
import { causeRoutes } from './cases/causeRoutes.js';
import { caseRoutes } from './cases/caseRoutes.js';
import { feeReliefRoutes } from './cases/feeReliefRoutes.js';
import { caseAssignmentRoutes } from './cases/caseAssignment.js';
import { courtAdminRoutes } from './users/courtAdminRoutes.js';
import { defendantRoutes } from './cases/defendantRoutes.js';
import { CaseService } from './cases/caseService.js';
import { CaseStore } from './cases/caseStore.js';
import type { AppContext } from './context.js';
import { createCaseEvents } from './cases/caseEvents.js';
import { DefendantAccess } from './cases/defendantAccess.js';
import { healthRoutes, type HealthDeps } from './health.js';
import { createDocumentCipher } from './privacy/documentCipher.js';
import { DocumentStore } from './documents/documentStore.js';
import { feeRoutes } from './fees/feeRoutes.js';
import { procedureRoutes } from './cases/procedureRoutes.js';
import { HearingProcedure } from './hearings/hearingProcedure.js';
import { representativesOf } from './hearings/hearingModel.js';
import { HearingService } from './hearings/hearingService.js';
import { HearingSessions } from './hearings/hearingSessions.js';
import { hearingRoutes } from './hearings/hearingRoutes.js';
import { CombinedFiles } from './recordings/combinedFiles.js';
import { combinedRoutes } from './recordings/combinedRoutes.js';
import { recordingRoutes } from './recordings/recordingRoutes.js';
import type { WorkerPool } from '../media/workerPool.js';
import type { HearingPlacement } from './cluster/placement.js';
import { OfflinePaymentProvider } from './payments/paymentProvider.js';
import { agreementRoutes } from './agreements/agreementRoutes.js';
import { AgreementService } from './agreements/agreementService.js';
import { mediationRoutes } from './agreements/mediationRoutes.js';
import { CourtSettlement } from './agreements/courtSettlement.js';
import { courtSettlementRoutes } from './agreements/courtSettlementRoutes.js';
import { CaseNotifier } from './notifications/caseNotifier.js';
import { notificationRoutes } from './notifications/notificationRoutes.js';
import { createNotificationService, UserPushRelay, type NotificationService } from './notifications/notificationService.js';
import { createPersonalDataCipher } from './privacy/personalData.js';
import { Reminders } from './reminders/reminders.js';
import { createElectronicService } from './service/createElectronicService.js';
import type { ElectronicService } from './service/electronicService.js';
import { Inbox } from './service/inbox.js';
import { inboxRoutes } from './service/inboxRoutes.js';
import { serviceRoutes } from './service/serviceRoutes.js';
import { serviceModels } from './service/serviceModels.js';
import { summonsServed } from './service/summonsServed.js';
import type { SmsProvider } from './mail/sms.js';
import { OutboxSmsProvider } from './service/smsProvider.js';
import { userRoutes } from './users/userRoutes.js';
import { CourtSigning } from './signing/courtSigning.js';
import { signingRoutes } from './signing/signingRoutes.js';
import { identityReviewRoutes } from './users/identityReviewRoutes.js';
import { staffRoutes } from './users/staffRoutes.js';
import { OcrPool } from './review/ocrPool.js';
import { ReadingReview } from './review/readingReview.js';
import { reviewRoutes } from './review/reviewRoutes.js';
import { reviewJobModel } from './review/reviewJobModel.js';
import type { ReadingReviewQueue } from './cases/filingReview.js';
import { RecordService } from './records/recordService.js';
import { RecordSigning } from './records/recordSigning.js';
import { recordRoutes } from './records/recordRoutes.js';

export interface Services {
  /** The one clock of the application: every service reads the time through it. */
  now: () => Date;
  cases: CaseService;
  caseStore: CaseStore;
  /** Defendants claiming their cases by access code, and losing them when an identity review moves their ID number. */
  defendants: DefendantAccess;
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
  /** Combined files of hearings' recordings, built in the background; `start()` resumes unfinished jobs. */
  combinedRecordings: CombinedFiles;
  /** The judge's review of signed mediation agreements and the 调解书's receipts. */
  courtSettlement: CourtSettlement;
  /** The reading review of filed papers (OCR), when READING_REVIEW is on; server.ts starts and stops it. */
  review: ReadingReview | undefined;
  /** The bounded pool of child processes that reads and renders pages. */
  ocrPool: OcrPool;
  documents: DocumentStore;
  /** The hearing record (庭审笔录): writing and reading, and its signing and filing. */
  records: { service: RecordService; signing: RecordSigning };
}

/** `placement` only with several nodes (REDIS_URL): hearings then run on the node they are placed on. */
export function createServices(context: AppContext, pool: WorkerPool, cluster: { placement?: HearingPlacement } = {}): Services {
  const now = () => new Date();
  const cipher = createPersonalDataCipher(context.config.dataEncryptionKey);
  const signing = new CourtSigning(context.config.signing, { production: context.config.env === 'production' });
  // Signed at the real time: the timestamp authority vouches for the real clock, whatever `now` says.
  const seal = (pdf: Buffer, reason: string) => signing.sign(pdf, { reason });
  // Side effects of case steps subscribe to the entries the case store commits (below).
  const caseEvents = createCaseEvents((err, { doc, entry }) => context.logger.error({ err, caseId: doc._id, seq: entry.seq }, 'a subscriber to the case log failed'));
  const caseStore = new CaseStore(context.connection, caseEvents);
  // One calendar object for every service; entering an arrangement updates it in place.
  const courtCalendar = new LiveCourtCalendar();
  const documents = new DocumentStore(context.connection, createDocumentCipher(context.config.dataEncryptionKey));
  // The filing queues its reading review; the review itself needs the case service, so it is handed in below.
  let review: ReadingReview | undefined;
  const readingReview: ReadingReviewQueue = { enqueue: (doc) => review?.enqueue(doc) ?? Promise.resolve() };
  const cases = new CaseService({
    connection: context.connection,
    store: caseStore,
    documents,
    cipher,
    calendar: courtCalendar,
    payments: new OfflinePaymentProvider(),
    now,
    seal,
    readingReview,
    representatives: (caseId) => representativesOf(context.connection, caseId),
  });
  const userPush = new UserPushRelay();
  const ocrPool = new OcrPool({ concurrency: context.config.review.ocrConcurrency });
  if (context.config.review.enabled) {
    review = new ReadingReview({ connection: context.connection, cases, store: caseStore, documents, cipher, pool: ocrPool, push: userPush.push, logger: context.logger, now, maxPages: context.config.review.maxPages });
  }
  const notifications = createNotificationService(context, userPush.push);
  const caseNotifier = new CaseNotifier({ store: caseStore, notifications, connection: context.connection, logger: context.logger, now, calendar: courtCalendar });
  caseNotifier.attach(caseEvents);
  const procedure = new HearingProcedure({ summonsServed: summonsServed(context.connection), caseStore, calendar: courtCalendar });
  const hearings = new HearingService({ connection: context.connection, cases, notifications, jwtSecret: context.config.jwtSecret, now, procedure, ...(cluster.placement ? { placement: cluster.placement } : {}) });
  const sessions = new HearingSessions({ pool, logger: context.logger, hearings, cases, now, connection: context.connection, recordingsDir: context.config.recordingsDir, procedure, ...(cluster.placement ? { holds: (id: string) => cluster.placement!.holds(id) } : {}) });
  const agreements = new AgreementService({ connection: context.connection, cases, notifications, logger: context.logger, jwtSecret: context.config.jwtSecret, now, seal, checkPdf: (pdf) => signing.check(pdf) });
  const sms = new OutboxSmsProvider(serviceModels(context.connection), cipher, now);
  const electronicService = createElectronicService(context, { cases, caseStore, notifier: notifications, calendar: courtCalendar, now, seal, sms });
  const courtSettlement = new CourtSettlement({ connection: context.connection, cases, caseStore, service: electronicService, logger: context.logger, now, publicUrl: () => context.publicUrl(), seal });
  const reminders = new Reminders(context.connection, notifications);
  const calendar = new CalendarService({ connection: context.connection, calendar: courtCalendar, caseStore, commands: cases.commands, notifications, logger: context.logger, now });
  const defendants = new DefendantAccess({ connection: context.connection, store: caseStore, commands: cases.commands, cipher, now });
  const recordService = new RecordService({
    connection: context.connection,
    cases,
    logger: context.logger,
    now,
    liveState: (hearingId) => sessions.stateOf(hearingId),
    push: (hearingId, userIds, paragraph) => sessions.emitToUsers(hearingId, userIds, 'record:paragraph', { paragraph }),
  });
  const recordSigning = new RecordSigning({ connection: context.connection, records: recordService, cases, filing: electronicService.filing, documents, logger: context.logger, jwtSecret: context.config.jwtSecret, now, publicUrl: () => context.publicUrl(), seal });
  const records = { service: recordService, signing: recordSigning };
  const combinedRecordings = new CombinedFiles({ connection: context.connection, logger: context.logger, dir: context.config.recordingsDir, now, push: (userId, job) => userPush.push(userId, 'recording:combined', job) });
  return { combinedRecordings, now, cases, caseStore, defendants, hearings, sessions, notifications, caseNotifier, reminders, userPush, agreements, electronicService, calendar, signing, sms, courtSettlement, review, ocrPool, documents, records };
}

/** Every router, in mount order: the health check, the OpenAPI document and every folder's API routes. */
export function routers(context: AppContext, services: Services, health: HealthDeps): Router[] {
  const openapi = Router();
  openapi.get('/api/openapi.json', (_req, res) => {
    res.json(context.api.document());
  });
  return [
    healthRoutes(health),
    openapi,
    authRoutes(context, services.sms),
    feeRoutes(context),
    defendantRoutes(context, services.defendants),
    caseRoutes(context, services.cases),
    feeReliefRoutes(context, services.cases),
    caseAssignmentRoutes(context, services.cases),
    procedureRoutes(context, services.cases),
    hearingRoutes(context, services.hearings, services.sessions),
    recordingRoutes(context, services.cases, services.hearings),
    combinedRoutes(context, services.cases, services.hearings, services.combinedRecordings),
    notificationRoutes(context, services.notifications),
    agreementRoutes(context, services.agreements),
    mediationRoutes(context, services.cases),
    courtSettlementRoutes(context, services.courtSettlement),
    serviceRoutes(context, services.electronicService),
    inboxRoutes(context, new Inbox(services.electronicService), services.signing),
    signingRoutes(context, services.signing),
    userRoutes(context, services.caseStore),
    calendarRoutes(context, services.calendar),
    causeRoutes(context),
    identityReviewRoutes(context, services.defendants, services.sms, services.now),
    staffRoutes(context),
    reviewRoutes(context, { cases: services.cases, jobs: reviewJobModel(context.connection), documents: services.documents, pool: services.ocrPool, now: services.now }),
    courtAdminRoutes(context),
    recordRoutes(context, services.records.service, services.records.signing),
  ];
}
