/**
 * Per-connection token buckets for signalling requests. Every request costs one
 * token of the bucket of its class; an empty bucket answers RATE_LIMITED at once
 * without running the handler, so a flood costs the server almost nothing and
 * never reaches the hearing's state or its audit log.
 *
 * Classes are separate so that one kind of traffic cannot starve another: a host's
 * commands have their own bucket, and media setup (which legitimately bursts when
 * joining a full room) is not charged to hand raising.
 */
export type RequestClass = 'host' | 'media' | 'state';

export interface BucketSpec {
  /** Largest burst. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export const SIGNALLING_LIMITS: Record<RequestClass, BucketSpec> = {
  // A host clicks; 30 at once and 10 a second is far beyond any real use.
  host: { capacity: 30, refillPerSecond: 10 },
  // Joining a room of 30 consumes and resumes ~60 streams in a burst.
  media: { capacity: 200, refillPerSecond: 50 },
  // Join, hand raise/lower, recording consent: a person does these a few times a minute.
  state: { capacity: 20, refillPerSecond: 5 },
};

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly spec: BucketSpec,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = spec.capacity;
    this.last = this.now();
  }

  /** Take one token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Empty the bucket: the next token comes only after a full refill interval. */
  drain(): void {
    this.refill();
    this.tokens = 0;
  }

  /** Nothing taken that has not grown back: the bucket has nothing to remember. */
  get full(): boolean {
    this.refill();
    return this.tokens >= this.spec.capacity;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.spec.capacity, this.tokens + ((t - this.last) / 1000) * this.spec.refillPerSecond);
    this.last = t;
  }
}

/** The buckets of one connection. */
export class ConnectionLimits {
  private readonly buckets: Record<RequestClass, TokenBucket>;
  /** Requests refused so far: a client that keeps flooding is disconnected. */
  refused = 0;

  constructor(limits: Record<RequestClass, BucketSpec> = SIGNALLING_LIMITS, now?: () => number) {
    this.buckets = { host: new TokenBucket(limits.host, now), media: new TokenBucket(limits.media, now), state: new TokenBucket(limits.state, now) };
  }

  allow(cls: RequestClass): boolean {
    const ok = this.buckets[cls].take();
    if (!ok) this.refused++;
    return ok;
  }
}

/**
 * Handshakes of one participant in one hearing. Without it, reconnecting would hand
 * a flooding client fresh per-connection buckets (and each join and drop costs the
 * hearing work). A real client reconnects a few times a minute at most.
 */
export const HANDSHAKE_LIMIT: BucketSpec = { capacity: 10, refillPerSecond: 0.5 };

/** Token buckets by key, for limits that outlive one connection; full buckets are forgotten. */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private takes = 0;

  constructor(
    private readonly spec: BucketSpec,
    private readonly now?: () => number,
  ) {}

  take(key: string): boolean {
    if (++this.takes % 1000 === 0) this.sweep();
    return this.bucket(key).take();
  }

  /** Empty the key's bucket (a connection of it was cut for flooding). */
  drain(key: string): void {
    this.bucket(key).drain();
  }

  get size(): number {
    return this.buckets.size;
  }

  private bucket(key: string): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.spec, this.now);
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Memory stays bounded by the keys that used their allowance recently. */
  sweep(): void {
    for (const [key, b] of this.buckets) if (b.full) this.buckets.delete(key);
  }
}

/** Which bucket an event is charged to. */
export function requestClass(event: string): RequestClass {
  if (event.startsWith('host:')) return 'host';
  if (event.startsWith('media:')) return 'media';
  return 'state';
}
