import type { types } from 'mediasoup';
import type { WorkerPool } from '../../media/workerPool.js';

/**
 * Consumers this node's workers carry now, the load placement compares between nodes
 * (divided by the node's cores). Counted from mediasoup's observers, so every room, caucus
 * and recording consumer counts without the media layer knowing about nodes.
 */
export function countConsumers(pool: WorkerPool): () => number {
  let consumers = 0;
  const watched = new WeakSet<types.Worker>();
  const watch = () => {
    for (const { worker } of pool.workers()) {
      if (watched.has(worker)) continue;
      watched.add(worker);
      worker.observer.on('newrouter', (router) =>
        router.observer.on('newtransport', (transport) =>
          transport.observer.on('newconsumer', (consumer) => {
            consumers += 1;
            consumer.observer.once('close', () => (consumers -= 1));
          }),
        ),
      );
    }
  };
  watch();
  // A replaced worker starts empty; its successor is watched from then on.
  pool.on('workerReplaced', watch);
  return () => consumers;
}
