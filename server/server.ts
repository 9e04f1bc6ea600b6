import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { ApiRegistry } from './http/openapi.js';
import { createMailer } from './mail/mailer.js';
import { createServices, routers, type Services } from './app.js';
import { runPeriodically } from './scheduler.js';
import { connectDatabase, startEmbeddedDatabase, type Database } from './db/database.js';
import { checkSystemDependencies } from './systemDependencies.js';
import { createApp } from './http/expressApp.js';
import { createLogger, type Logger } from './logger.js';
import { attachHearingNamespace } from './signalling/hearingNamespace.js';
import { attachUserNamespace } from './signalling/userNamespace.js';
import { createSocketServer, type SystemServer } from './signalling/socketServer.js';
import { WorkerPool } from '../media/workerPool.js';
import { createAdapter } from '@socket.io/redis-adapter';
import { RedisRateLimitStore } from './auth/redisRateLimitStore.js';
import { oncePerPeriod } from './cluster/clusterLock.js';
import { countConsumers } from './cluster/nodeLoad.js';
import { HearingPlacement } from './cluster/placement.js';
import { GalleryOrigin, GalleryViewers, galleryPipeRoutes } from './gallery/publicGallery.js';
import { connectRedis, type RedisConnections } from './cluster/redis.js';
import { syncCaseListAcrossNodes } from './cases/caseListSync.js';

export interface RunningServer {
  config: Config;
  url: string;
  port: number;
  logger: Logger;
  db: Database;
  workers: WorkerPool;
  io: SystemServer;
  httpServer: http.Server;
  /** The application services, for tests that drive what the clock drives in production (the deadline sweep). */
  services: Services;
  /** Several nodes: this node's placement of hearings (undefined on a single node). */
  placement: HearingPlacement | undefined;
  /** Stop accepting, close sockets, rooms, workers and the database. Safe to call twice. */
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { logger?: Logger } = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const startedAt = new Date();
  if (config.developmentSecrets) {
    // Said on every start: the published development secrets let anyone forge a staff token.
    logger.warn(
      { env: config.env },
      'running with the published development JWT_SECRET and/or DATA_ENCRYPTION_KEY: anyone can forge tokens and read personal data; set your own before real use (production refuses these)',
    );
  }
  const cleanups: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
    }
  };

  try {
    const db = config.mongodbUri
      ? await connectDatabase(config.mongodbUri, logger)
      : await startEmbeddedDatabase(config.embeddedDbDir, logger);
    cleanups.push(() => db.close());

    const systemDependencies = await checkSystemDependencies(logger);
    const workers = await WorkerPool.start(config.mediasoup);
    cleanups.push(() => workers.close());
    workers.on('workerReplaced', (index) => logger.error({ worker: index }, 'mediasoup worker died and was replaced'));
    workers.on('workerFailed', (index, err) => logger.fatal({ worker: index, err }, 'mediasoup worker could not be replaced'));
    logger.info({ workers: workers.size }, 'mediasoup workers started');

    // Several nodes (REDIS_URL): Redis carries cross-node messages, locks and rate limits.
    const cluster = config.cluster;
    let redis: RedisConnections | undefined;
    if (cluster) {
      const connections = await connectRedis(cluster.redisUrl, logger);
      redis = connections;
      cleanups.push(() => connections.close());
    }

    const mailer = createMailer(config.smtpUrl, config.mailFrom);
    cleanups.push(() => mailer.close());
    let listeningUrl = `http://127.0.0.1:${config.port}`;
    const context: AppContext = {
      config,
      logger,
      connection: db.connection,
      api: new ApiRegistry(),
      mailer,
      publicUrl: () => config.publicUrl ?? listeningUrl,
      ...(redis ? { sharedRateLimits: (name: string) => new RedisRateLimitStore(redis.main, name) } : {}),
    };
    const placement = cluster
      ? new HearingPlacement({
          connection: db.connection,
          nodeId: cluster.nodeId,
          url: () => cluster.nodeUrl ?? listeningUrl,
          leaseMs: cluster.leaseSeconds * 1000,
          cores: workers.size,
          consumers: countConsumers(workers),
          logger,
        })
      : undefined;
    const services = createServices(context, workers, placement ? { placement } : {});
    // Periods are counted on the entered holiday arrangements from the first request on.
    await services.calendar.load();

    // Entries a crash left between the case log and the case documents are applied before serving.
    const recovered = await services.caseStore.recover();
    if (recovered > 0) logger.warn({ recovered }, 'applied case log entries left by an interrupted write');
    // The list index loads in the background (at 100,000 cases it takes a while); a list waits for it.
    const listIndexStarted = Date.now();
    services.caseStore.listIndex
      .ready()
      .then(() => logger.info({ cases: services.caseStore.listIndex.size, ms: Date.now() - listIndexStarted }, 'case list index loaded'))
      .catch((err: unknown) => logger.error({ err }, 'case list index failed to load; the next list tries again'));
    // Several nodes: each tells the others of the cases it saves, so every node's lists show them.
    if (redis && cluster) {
      const stopListSync = await syncCaseListAcrossNodes({ index: services.caseStore.listIndex, events: services.caseStore.events, redis, nodeId: cluster.nodeId, catchUpSeconds: cluster.listCatchUpSeconds, logger });
      cleanups.push(stopListSync);
    }
    // Notices of steps taken just before a stop may not have gone out; keyed, so none goes twice.
    const catchUp = services.caseNotifier.catchUp().catch((err: unknown) => logger.error({ err }, 'case notification catch-up failed'));
    cleanups.push(async () => {
      await catchUp;
      await services.caseNotifier.settled();
    });
    // Reviews a stop interrupted resume; submissions that never got a job get one.
    if (services.review) {
      const review = services.review;
      await review.start();
      cleanups.push(() => review.stop());
    } else cleanups.push(() => services.ocrPool.close());
    // Combined recording files a stop interrupted are built again.
    await services.combinedRecordings.start();
    cleanups.push(() => services.combinedRecordings.stop());
    if (config.sweepIntervalSeconds > 0) {
      const periodMs = config.sweepIntervalSeconds * 1000;
      // With several nodes each period's sweep runs on one of them (a key per period in Redis).
      const once = redis && cluster ? oncePerPeriod(redis.main, 'deadline-sweep', cluster.nodeId, periodMs) : undefined;
      const stopSweep = runPeriodically('deadline sweep', periodMs, () => sweepDeadlines(services, services.now()), logger, once);
      cleanups.push(stopSweep);
    }
    const app = createApp({
      logger,
      clientDistDir: config.clientDistDir,
      trustedProxies: config.trustedProxies,
      routers: [
        ...routers(context, services, { connection: db.connection, workers, startedAt, jwtSecret: config.jwtSecret, sections: { dependencies: () => systemDependencies } }),
        // Several nodes: other nodes' public galleries take this node's hearings through a pipe.
        ...(placement ? [galleryPipeRoutes(context, new GalleryOrigin({ sessions: services.sessions, pool: workers, logger }))] : []),
      ],
    });
    const httpServer = http.createServer(app);
    const io = createSocketServer(httpServer, logger, cluster ? { crossOrigin: true } : {});
    // Every broadcast (the /user notifications among them) also reaches the sockets of the other nodes.
    if (redis) io.adapter(createAdapter(redis.main, redis.sub, { key: 'microcourt' }));
    attachHearingNamespace(io, services.sessions, config.jwtSecret, logger);
    if (placement) {
      // Watching a hearing held by another node (the public gallery, /gallery).
      const gallery = new GalleryViewers({ pool: workers, logger, nodeId: placement.nodeId, jwtSecret: config.jwtSecret, originOf: async (id) => (await placement.place(id)).url });
      gallery.attach(io);
      cleanups.push(() => gallery.closeAll());
    }
    services.userPush.connect(attachUserNamespace(io, config.jwtSecret, logger));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          // io.close() disconnects every socket and closes the HTTP server it is attached to.
          httpServer.closeIdleConnections();
          void io.close(() => resolve());
        }),
    );
    // Cleanups run in reverse order: sessions first, so recordings are finalised while
    // media still flows; then sockets, workers and the database.
    cleanups.push(() => services.sessions.closeAll());

    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    const port = (httpServer.address() as AddressInfo).port;
    const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
    listeningUrl = url;
    if (placement) {
      await placement.start();
      // Runs before the sockets close (cleanups run in reverse): this node's hearings may move at once.
      cleanups.push(() => placement.stop());
      logger.info({ node: placement.nodeId, nodeUrl: cluster?.nodeUrl ?? url }, 'node joined the cluster');
    }
    logger.info({ url }, 'microcourt listening');

    let closing: Promise<void> | undefined;
    return {
      config,
      url,
      port,
      logger,
      db,
      workers,
      io,
      httpServer,
      services,
      placement,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** One pass of the periodic sweep: periods that ran out take effect, then reminders go out. */
export async function sweepDeadlines(services: Services, at: Date) {
  const expired = await services.cases.expireDeadlines(at);
  const reminders = await services.reminders.sweep(at);
  return { expired, reminders };
}
