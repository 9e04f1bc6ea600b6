import type { Logger } from './logger.js';

/**
 * Runs `task` now and then every `intervalMs`, never two runs at once. A failed
 * run is logged and the next one tries again: every periodic task here is
 * idempotent (deadline steps are checked by the case machine, reminders are keyed).
 * Returns the function that stops it and waits for a run in progress.
 */
export function runPeriodically(name: string, intervalMs: number, task: () => Promise<unknown>, logger: Logger): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    running = task()
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
