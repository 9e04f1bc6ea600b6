/**
 * Keeps the list index (caseListIndex.ts) of every node in step when several nodes share the
 * database (REDIS_URL). Each node publishes the id and version of every case it saves; the
 * others read that case again if they hold an older version. A message lost while a node was
 * disconnected from Redis is made good by a periodic catch-up: the cases whose `updatedAt` is
 * at or after the last catch-up's start (less a minute for clocks that differ between nodes and
 * steps dated a little earlier than their save).
 */
import type { RedisConnections } from '../cluster/redis.js';
import type { Logger } from '../logger.js';
import type { CaseEvents } from './caseEvents.js';
import type { CaseListIndex } from './caseListIndex.js';

const CHANNEL = 'microcourt:case-saved';
const CLOCK_MARGIN_MS = 60_000;

interface CaseSaved {
  node: string;
  id: string;
  version: number;
}

function parse(message: string): CaseSaved | undefined {
  try {
    const m = JSON.parse(message) as Partial<CaseSaved>;
    return typeof m.node === 'string' && typeof m.id === 'string' && typeof m.version === 'number' ? (m as CaseSaved) : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the sync; returns the function that stops it. */
export async function syncCaseListAcrossNodes(deps: {
  index: CaseListIndex;
  events: CaseEvents;
  redis: RedisConnections;
  nodeId: string;
  catchUpSeconds: number;
  logger: Logger;
  now?: () => Date;
}): Promise<() => Promise<void>> {
  const { index, redis, nodeId, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const onMessage = (message: string) => {
    const saved = parse(message);
    if (!saved || saved.node === nodeId || index.versionOf(saved.id) >= saved.version) return;
    index.refresh(saved.id).catch((err: unknown) => logger.warn({ err, caseId: saved.id }, 'case list: could not read a case saved on another node; the catch-up will'));
  };
  await redis.sub.subscribe(CHANNEL, onMessage);
  const unsubscribe = deps.events.subscribe(({ doc }) => {
    const message: CaseSaved = { node: nodeId, id: doc._id, version: doc.version };
    redis.main.publish(CHANNEL, JSON.stringify(message)).catch((err: unknown) => logger.warn({ err, caseId: doc._id }, 'case list: could not tell the other nodes of a saved case'));
  });

  let since = new Date(now().getTime() - CLOCK_MARGIN_MS).toISOString();
  let running: Promise<void> | undefined;
  const timer =
    deps.catchUpSeconds > 0
      ? setInterval(() => {
          if (running) return;
          const startedAt = now().getTime();
          running = index
            .catchUp(since)
            .then((n) => {
              since = new Date(startedAt - CLOCK_MARGIN_MS).toISOString();
              if (n > 0) logger.debug({ cases: n }, 'case list catch-up');
            })
            .catch((err: unknown) => logger.warn({ err }, 'case list catch-up failed; tried again next period'))
            .finally(() => {
              running = undefined;
            });
        }, deps.catchUpSeconds * 1000)
      : undefined;
  timer?.unref();

  return async () => {
    if (timer) clearInterval(timer);
    unsubscribe();
    await running;
    await redis.sub.unsubscribe(CHANNEL, onMessage).catch(() => undefined);
  };
}
