import type { Logger } from './logger.js';

/**
 * Runs `task` now and then every `intervalMs`, never two runs at once. A failed
 * run is logged and the next one tries again: every periodic task here is
 * idempotent (deadline steps are checked by the case machine, reminders are keyed).
 * Returns the function that stops it and waits for a run in progress.
 */
export function runPeriodically(
  name: string,
  intervalMs: number,
  task: () => Promise<unknown>,
  logger: Logger,
  /** Several nodes: asked before each run whether this node runs this period (one node does). */
  mayRun?: (at: number) => Promise<boolean>,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    const at = Date.now();
    running = (mayRun ? mayRun(at) : Promise.resolve(true))
      .then(async (mine) => {
        if (!mine) return { skipped: 'another node runs this period' };
        const result = await task();
        // Said at info level with several nodes: the log shows which node ran each period.
        if (mayRun) logger.info({ task: name, period: Math.floor(at / intervalMs) }, 'periodic task ran on this node');
        return result;
      })
      .then(
        (result) => logger.debug({ task: name, result }, 'periodic task done'),
        (err: unknown) => logger.error({ err, task: name }, 'periodic task failed'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  run();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
