import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PacketGuard } from '../../../../server/signalling/packetGuard.js';
import { KeyedBuckets } from '../../../../server/signalling/rateLimit.js';

/** Stands in for an engine.io connection: it reports packets and can be closed. */
class Conn extends EventEmitter {
  closed = 0;
  close() {
    this.closed++;
  }
  send(n: number, type = 'message') {
    for (let i = 0; i < n; i++) this.emit('packet', { type });
  }
}

describe('PacketGuard', () => {
  const spec = { capacity: 10, refillPerSecond: 5 };

  it('lets a burst up to the ceiling through and cuts the connection at the next message, telling its listeners first', () => {
    let t = 0;
    const conn = new Conn();
    const guard = new PacketGuard(conn, spec, () => t);
    const told: number[] = [];
    guard.onCutOff(() => told.push(conn.closed));
    conn.send(10);
    expect(guard.cut).toBe(false);
    conn.send(1);
    expect(guard.cut).toBe(true);
    // Told while the connection was still open, closed once however much more arrives.
    expect(told).toEqual([0]);
    conn.send(100);
    expect(conn.closed).toBe(1);
    t += 10_000;
    conn.send(1);
    expect(told).toEqual([0]);
  });

  it('refills: a steady client under the rate is never cut', () => {
    let t = 0;
    const conn = new Conn();
    const guard = new PacketGuard(conn, spec, () => t);
    for (let s = 0; s < 60; s++) {
      conn.send(5);
      t += 1000;
    }
    expect(guard.cut).toBe(false);
    expect(conn.closed).toBe(0);
  });

  it('does not count heartbeats', () => {
    const conn = new Conn();
    const guard = new PacketGuard(conn, spec, () => 0);
    conn.send(1000, 'pong');
    expect(guard.cut).toBe(false);
  });

  it('cuts on request (a client that kept being refused) and closes even when a listener throws', () => {
    const conn = new Conn();
    const guard = new PacketGuard(conn, spec, () => 0);
    guard.onCutOff(() => {
      throw new Error('socket already gone');
    });
    guard.cutOff();
    guard.cutOff();
    expect(conn.closed).toBe(1);
  });
});

describe('KeyedBuckets', () => {
  it('keeps an allowance per key, empties one key on drain, and forgets keys that are full again', () => {
    let t = 0;
    const buckets = new KeyedBuckets({ capacity: 2, refillPerSecond: 0.5 }, () => t);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([true, true, false]);
    expect(buckets.take('b')).toBe(true);
    buckets.drain('b');
    expect(buckets.take('b')).toBe(false);
    t += 2000;
    expect(buckets.take('b')).toBe(true);
    expect(buckets.size).toBe(2);
    t += 10_000;
    buckets.sweep();
    expect(buckets.size).toBe(0);
  });
});
