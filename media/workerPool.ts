import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

export interface WorkerPoolOptions {
  numWorkers: number;
  listenIp: string;
  announcedIp: string | undefined;
  /** Worker i's WebRtcServer listens on webRtcPort + i (UDP and TCP); 0 picks free ports. */
  webRtcPort: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  logLevel: types.WorkerLogLevel;
}

export interface PooledWorker {
  index: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  /** Routers currently hosted; the pool assigns new rooms to the least loaded worker. */
  routers: Set<types.Router>;
}

export interface WorkerStatus {
  index: number;
  pid: number;
  routers: number;
  /** ru_utime/ru_stime in ms and ru_maxrss in KiB, as the worker reports them. */
  usage: { userCpuMs: number; systemCpuMs: number; maxRssKiB: number };
}

export interface WorkerPoolEvents {
  /** A worker died and was replaced; rooms it hosted must be re-created by their owners. */
  workerReplaced: [index: number, lostRouters: types.Router[]];
  workerFailed: [index: number, error: Error];
}

/**
 * One mediasoup worker per CPU core, each with one WebRtcServer so that all
 * WebRTC traffic of a worker shares one UDP/TCP port (easy to open in a firewall).
 * A worker that dies is replaced in place.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  private readonly slots: (PooledWorker | undefined)[];
  private closed = false;

  private constructor(private readonly options: WorkerPoolOptions) {
    super();
    this.slots = new Array(options.numWorkers).fill(undefined);
  }

  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      for (let i = 0; i < options.numWorkers; i++) pool.slots[i] = await pool.startWorker(i);
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * Where a PipeTransport to another node listens: UDP on the media address (announced as
   * MEDIASOUP_ANNOUNCED_IP when set), from the RTC port range.
   */
  pipeListenInfo(): types.TransportListenInfo {
    const { options } = this;
    return {
      protocol: 'udp',
      ip: options.listenIp,
      ...(options.announcedIp ? { announcedAddress: options.announcedIp } : {}),
      portRange: { min: options.rtcMinPort, max: options.rtcMaxPort },
    };
  }

  /** The worker with the fewest routers; ties go to the lowest index. */
  leastLoaded(): PooledWorker {
    let best: PooledWorker | undefined;
    for (const slot of this.slots) {
      if (slot && (!best || slot.routers.size < best.routers.size)) best = slot;
    }
    if (!best) throw new Error('no mediasoup worker is running');
    return best;
  }

  async createRouter(
    mediaCodecs: types.RouterRtpCodecCapability[],
    appData: types.AppData = {},
  ): Promise<{ router: types.Router; worker: PooledWorker }> {
    const slot = this.leastLoaded();
    const router = await slot.worker.createRouter({ mediaCodecs, appData });
    slot.routers.add(router);
    router.observer.once('close', () => slot.routers.delete(router));
    return { router, worker: slot };
  }

  async status(): Promise<WorkerStatus[]> {
    const live = this.slots.filter((s): s is PooledWorker => s !== undefined && !s.worker.closed);
    return Promise.all(
      live.map(async (s) => {
        const u = await s.worker.getResourceUsage();
        return {
          index: s.index,
          pid: s.worker.pid,
          routers: s.routers.size,
          usage: { userCpuMs: u.ru_utime, systemCpuMs: u.ru_stime, maxRssKiB: u.ru_maxrss },
        };
      }),
    );
  }

  workers(): PooledWorker[] {
    return this.slots.filter((s): s is PooledWorker => s !== undefined);
  }

  /**
   * Close every worker and wait until their processes have exited, so a
   * shutdown never leaves SFU processes behind. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exits = this.workers().map(
      (slot) =>
        new Promise<void>((resolve) => {
          if (slot.worker.subprocessClosed) return resolve();
          const timer = setTimeout(resolve, 3000);
          slot.worker.once('subprocessclose', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    );
    for (const slot of this.slots) slot?.worker.close();
    await Promise.all(exits);
  }

  private webRtcPortFor(index: number): number {
    return this.options.webRtcPort === 0 ? 0 : this.options.webRtcPort + index;
  }

  private async startWorker(index: number): Promise<PooledWorker> {
    const { options } = this;
    const worker = await mediasoup.createWorker({
      logLevel: options.logLevel,
      rtcMinPort: options.rtcMinPort,
      rtcMaxPort: options.rtcMaxPort,
      appData: { index },
    });
    const port = this.webRtcPortFor(index);
    const listen = (protocol: 'udp' | 'tcp'): types.TransportListenInfo => ({
      protocol,
      ip: options.listenIp,
      ...(options.announcedIp ? { announcedAddress: options.announcedIp } : {}),
      // Port 0 is not accepted by WebRtcServer; take one from the worker's range instead.
      ...(port === 0 ? { portRange: { min: options.rtcMinPort, max: options.rtcMaxPort } } : { port }),
    });
    let webRtcServer: types.WebRtcServer;
    try {
      webRtcServer = await worker.createWebRtcServer({ listenInfos: [listen('udp'), listen('tcp')] });
    } catch (err) {
      worker.close();
      throw err;
    }
    const slot: PooledWorker = { index, worker, webRtcServer, routers: new Set() };
    worker.on('died', (error) => void this.replace(slot, error));
    return slot;
  }

  private async replace(dead: PooledWorker, error: Error): Promise<void> {
    if (this.closed) return;
    const lost = [...dead.routers];
    dead.routers.clear();
    this.slots[dead.index] = undefined;
    try {
      this.slots[dead.index] = await this.startWorker(dead.index);
      this.emit('workerReplaced', dead.index, lost);
    } catch (err) {
      this.emit('workerFailed', dead.index, err instanceof Error ? err : error);
    }
  }
}
