import { Router, type Request } from 'express';
import type { Connection } from 'mongoose';
import type { WorkerPool } from '../media/workerPool.js';
import { hasStaffRole, verifyAccessToken } from './auth/tokens.js';
import { VERSION } from './version.js';

const DB_STATES: Record<number, string> = { 0: 'disconnected', 1: 'connected', 2: 'connecting', 3: 'disconnecting' };
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const BEARER = /^Bearer\s+(\S+)\s*$/i;

export interface HealthDeps {
  connection: Connection;
  workers: WorkerPool;
  startedAt: Date;
  jwtSecret: string;
  /**
   * Further sections of the detailed form, by name (for example `dependencies`):
   * each is computed only for a caller who may see details, and a failing one
   * reports its error instead of failing the check.
   */
  sections?: Record<string, () => Promise<unknown> | unknown>;
}

/**
 * Who sees the detailed form: an operator on the machine itself (a loopback
 * connection that did not come through a proxy), or signed-in court staff.
 * Worker pids, database names and uptimes help an attacker, not a load balancer.
 */
function maySeeDetails(req: Request, jwtSecret: string): boolean {
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  if (!proxied && LOOPBACK.has(req.socket.remoteAddress ?? '')) return true;
  const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
  if (!token) return false;
  try {
    return hasStaffRole(verifyAccessToken(token, jwtSecret).roles);
  } catch {
    return false;
  }
}

/** GET /healthz: `{ status }` for anyone (a load balancer needs no more); the detailed form for staff and the local host. */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get('/healthz', async (req, res) => {
    const dbState = DB_STATES[deps.connection.readyState] ?? 'unknown';
    const workers = await deps.workers.status().catch(() => []);
    const healthy = dbState === 'connected' && workers.length === deps.workers.size;
    const status = healthy ? 'ok' : 'degraded';
    res.setHeader('cache-control', 'no-store');
    if (!maySeeDetails(req, deps.jwtSecret)) {
      res.status(healthy ? 200 : 503).json({ status });
      return;
    }
    const sections: Record<string, unknown> = {};
    for (const [name, compute] of Object.entries(deps.sections ?? {})) {
      sections[name] = await Promise.resolve()
        .then(compute)
        .catch((err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }));
    }
    res.status(healthy ? 200 : 503).json({
      status,
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
      database: { state: dbState, name: deps.connection.name },
      workers,
      ...sections,
    });
  });
  return router;
}
