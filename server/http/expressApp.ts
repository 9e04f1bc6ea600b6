import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type Router } from 'express';
import type { Logger } from '../logger.js';
import { errorHandler, notFoundHandler } from './errorHandler.js';

/**
 * The express application: API routers first, then the built client with an
 * SPA fallback, then the one error handler.
 */
export function createApp(deps: { logger: Logger; clientDistDir: string; routers: Router[]; trustedProxies?: string[] }): Express {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For is believed only from the proxies named in TRUSTED_PROXIES: otherwise any
  // client (a local process included) could claim any address and escape per-address limits.
  const trusted = deps.trustedProxies ?? [];
  app.set('trust proxy', trusted.length > 0 ? trusted : false);
  app.use(express.json({ limit: '1mb' }));
  for (const router of deps.routers) app.use(router);
  app.use('/api', notFoundHandler);

  const indexHtml = path.join(deps.clientDistDir, 'index.html');
  app.use(express.static(deps.clientDistDir, { index: 'index.html', maxAge: '1h' }));
  app.get(/^\/(?!api\/|healthz).*/, (req, res, next) => {
    if (!fs.existsSync(indexHtml)) return next();
    res.sendFile(indexHtml);
  });
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
