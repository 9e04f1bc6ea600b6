import { TokenBucket, type BucketSpec } from './rateLimit.js';

/**
 * Every message a client sends, counted below socket.io: engine.io reports each
 * packet before socket.io decodes it, so counting costs no parsing. The per-event
 * buckets (rateLimit.ts) answer RATE_LIMITED to a client that asks too often; this
 * ceiling is for one that does not stop. Past it the connection is cut: whoever
 * listens says why first (the hearing namespace sends its stable reason), then
 * engine.io closes the connection and drops unread whatever the client still has
 * in flight, so a flood stops costing the event loop at once.
 *
 * Far above a well-behaved client: the event classes together allow bursts of 250
 * and 65 a second, unknown events (which no bucket sees) count here only.
 */
export const PACKET_CEILING: BucketSpec = { capacity: 400, refillPerSecond: 100 };

/** The part of an engine.io connection the guard uses. */
export interface RawConnection {
  on(event: 'packet', listener: (packet: { type: string }) => void): unknown;
  close(): unknown;
}

export class PacketGuard {
  private readonly bucket: TokenBucket;
  private readonly listeners: (() => void)[] = [];
  /** The connection was cut; anything still arriving is not served. */
  cut = false;

  constructor(
    private readonly conn: RawConnection,
    spec: BucketSpec = PACKET_CEILING,
    now?: () => number,
  ) {
    this.bucket = new TokenBucket(spec, now);
    conn.on('packet', (packet) => {
      // Heartbeats (ping/pong) are engine.io's own; only messages count.
      if (packet.type === 'message' && !this.cut && !this.bucket.take()) this.cutOff();
    });
  }

  /** Called once, just before the connection is cut. */
  onCutOff(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Tell the listeners, then close the connection (queued replies, the reason among them, are sent first). */
  cutOff(): void {
    if (this.cut) return;
    this.cut = true;
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // Saying why is a courtesy; the cut happens regardless.
      }
    }
    this.conn.close();
  }
}

const guards = new WeakMap<RawConnection, PacketGuard>();

/** The guard of a connection, created with it (socketServer.ts) or on first ask. */
export function guardConnection(conn: RawConnection): PacketGuard {
  let guard = guards.get(conn);
  if (!guard) {
    guard = new PacketGuard(conn);
    guards.set(conn, guard);
  }
  return guard;
}
