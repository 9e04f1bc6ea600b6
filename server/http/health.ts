import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { WorkerPool } from '../../media/workerPool.js';
import type { SystemDependency } from '../systemDependencies.js';
import { VERSION } from '../version.js';

const DB_STATES: Record<number, string> = { 0: 'disconnected', 1: 'connected', 2: 'connecting', 3: 'disconnecting' };

/** GET /healthz: what an operator (or a load balancer) needs to know at a glance. */
export function healthRoutes(deps: { connection: Connection; workers: WorkerPool; startedAt: Date; systemDependencies?: SystemDependency[] }): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const dbState = DB_STATES[deps.connection.readyState] ?? 'unknown';
    const workers = await deps.workers.status().catch(() => []);
    const healthy = dbState === 'connected' && workers.length === deps.workers.size;
    res.status(healthy ? 200 : 503).json({
      status: healthy ? 'ok' : 'degraded',
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
      database: { state: dbState, name: deps.connection.name },
      workers,
      // Missing OS packages disable single features (recordings, court documents), not the service.
      ...(deps.systemDependencies && { dependencies: deps.systemDependencies }),
    });
  });
  return router;
}
