import type { Connection } from 'mongoose';
import type { RateLimitStore } from './auth/rateLimitStore.js';
import type { Config } from './config.js';
import type { ApiRegistry } from './http/openapi.js';
import type { Logger } from './logger.js';
import type { Mailer } from './mail/mailer.js';

/**
 * What route and service factories receive. Models are bound to this
 * connection (not mongoose's global one), so several servers can share a process.
 */
export interface AppContext {
  config: Config;
  logger: Logger;
  connection: Connection;
  /** Routes register their operations here; served as GET /api/openapi.json. */
  api: ApiRegistry;
  mailer: Mailer;
  /** Base URL for links sent to people (PUBLIC_URL, or the address the server listens on). */
  publicUrl(): string;
  /** Several nodes: a rate-limit store shared through Redis, one per `name`; unset = each router keeps its own in memory. */
  sharedRateLimits?: (name: string) => RateLimitStore;
}
