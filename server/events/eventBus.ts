/**
 * A tiny typed publish/subscribe. Side effects (notices today; documents and service may
 * follow) subscribe to what a module publishes instead of being imported by it, so the
 * publisher's folder does not depend on theirs: the wiring is done once, in app.ts.
 *
 * Subscribers run in the order they subscribed. `publish` resolves when every subscriber
 * has finished (a publisher that must not return before its side effects awaits it), and it
 * never rejects: a failing subscriber is reported to `onError` and the others still run.
 */
export type Subscriber<E> = (event: E) => void | Promise<void>;

export class EventBus<E> {
  private readonly subscribers = new Set<Subscriber<E>>();

  constructor(private readonly onError: (err: unknown, event: E) => void = () => undefined) {}

  /** Starts calling `subscriber` for every event published from now on; returns the function that stops it. */
  subscribe(subscriber: Subscriber<E>): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  async publish(event: E): Promise<void> {
    const running = [...this.subscribers].map(async (subscriber) => {
      try {
        await subscriber(event);
      } catch (err) {
        this.onError(err, event);
      }
    });
    await Promise.all(running);
  }
}
