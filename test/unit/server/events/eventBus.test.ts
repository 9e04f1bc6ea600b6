import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../../server/events/eventBus.js';

describe('the typed event bus', () => {
  it('calls subscribers at once, in the order they subscribed, and publish waits for the slow ones', async () => {
    const bus = new EventBus<{ n: number }>();
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    bus.subscribe(async ({ n }) => {
      seen.push(`first ${n}`);
      await gate;
      seen.push(`first done ${n}`);
    });
    bus.subscribe(({ n }) => void seen.push(`second ${n}`));
    const published = bus.publish({ n: 1 });
    // Both ran before publish returned its promise: a publisher that does not await still starts them.
    expect(seen).toEqual(['first 1', 'second 1']);
    let settled = false;
    void published.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    release();
    await published;
    expect(seen).toEqual(['first 1', 'second 1', 'first done 1']);
  });

  it('reports a failing subscriber and still runs the others; publish does not reject', async () => {
    const failures: [unknown, number][] = [];
    const bus = new EventBus<number>((err, event) => failures.push([err, event]));
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('sync failure');
    });
    bus.subscribe(async () => Promise.reject(new Error('async failure')));
    bus.subscribe((n) => void seen.push(n));
    await expect(bus.publish(7)).resolves.toBeUndefined();
    expect(seen).toEqual([7]);
    expect(failures.map(([err, n]) => [(err as Error).message, n])).toEqual([
      ['sync failure', 7],
      ['async failure', 7],
    ]);
  });

  it('stops calling a subscriber that unsubscribed', async () => {
    const bus = new EventBus<string>();
    const seen: string[] = [];
    const stop = bus.subscribe((s) => void seen.push(s));
    await bus.publish('a');
    stop();
    await bus.publish('b');
    expect(seen).toEqual(['a']);
  });
});
