import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import type { types } from 'mediasoup';
import { freeUdpPortPair } from './ports.js';
import { recordingSdp, type RecordedStream } from './sdp.js';

export interface SegmentResult {
  file: string;
  startedAt: Date;
  endedAt: Date;
  kinds: ('audio' | 'video')[];
  /** True when ffmpeg finished the file itself (clean stop); false after a crash. */
  clean: boolean;
  /** How ffmpeg ended (exit code or signal, and its last error line), for the log of an unclean stop. */
  exit: string;
}

export interface SegmentRecorderEvents {
  /** ffmpeg died or stopped writing while media was arriving: the owner starts a new segment. */
  failed: [reason: string];
}

const STALL_MS = 6000;
// How long a stopping ffmpeg may take to write the WebM's index before it is killed (and the
// segment marked unclean). Generous: on a loaded host (a shutdown with many hearings recording)
// 5 s was seen to cut off files that would have finished; a stuck ffmpeg is the watchdog's job.
const STOP_TIMEOUT_MS = 15_000;

/**
 * One segment file of one participant: a PlainTransport and a paused consumer
 * per producer, ffmpeg copying the RTP into WebM (-c copy: never transcoding,
 * so the record is the media as received). Video consumers are resumed once
 * ffmpeg listens, with key frames requested so the file starts decodable.
 */
export class SegmentRecorder extends EventEmitter<SegmentRecorderEvents> {
  private stopping = false;
  private stopRequestedAt?: Date;
  private finished?: Promise<SegmentResult>;
  private watchdog?: NodeJS.Timeout;
  private readonly keyFrameTimers: NodeJS.Timeout[] = [];

  private constructor(
    private readonly ffmpeg: ChildProcess,
    private readonly transports: types.PlainTransport[],
    private readonly consumers: types.Consumer[],
    readonly file: string,
  ) {
    super();
  }

  /** When media started flowing into the file (the consumers were resumed). */
  startedAt = new Date();

  static async start(opts: { router: types.Router; producers: types.Producer[]; file: string; ffmpegPath?: string }): Promise<SegmentRecorder> {
    const transports: types.PlainTransport[] = [];
    const consumers: types.Consumer[] = [];
    const streams: RecordedStream[] = [];
    try {
      for (const producer of opts.producers) {
        const ports = await freeUdpPortPair();
        const transport = await opts.router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
          rtcpMux: false,
          comedia: false,
          appData: { recording: true },
        });
        transports.push(transport);
        await transport.connect({ ip: '127.0.0.1', port: ports.rtp, rtcpPort: ports.rtcp });
        const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: opts.router.rtpCapabilities, paused: true });
        consumers.push(consumer);
        streams.push({ kind: consumer.kind, port: ports.rtp, rtcpPort: ports.rtcp, rtpParameters: consumer.rtpParameters });
      }
      const sdpFile = `${opts.file}.sdp`;
      await fs.writeFile(sdpFile, recordingSdp(streams));
      // -fpsprobesize 0: ffmpeg writes nothing until it has probed its input, and by default it
      // also waits for 20 video frames to guess a frame rate that -c copy never uses (1.5 s at
      // 15 fps, measured; longer on a loaded host). A segment stopped in that time was left
      // empty. It still waits for what the WebM header needs (a key frame's dimensions).
      const ffmpeg = spawn(
        opts.ffmpegPath ?? 'ffmpeg',
        ['-hide_banner', '-nostdin', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-fflags', '+genpts', '-fpsprobesize', '0', '-i', sdpFile, '-map', '0', '-c', 'copy', '-flush_packets', '1', '-f', 'webm', '-y', opts.file],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      const recorder = new SegmentRecorder(ffmpeg, transports, consumers, opts.file);
      await recorder.begin();
      return recorder;
    } catch (err) {
      for (const t of transports) t.close();
      throw err;
    }
  }

  get kinds(): ('audio' | 'video')[] {
    return this.consumers.map((c) => c.kind);
  }

  private async begin(): Promise<void> {
    let stderr = '';
    this.ffmpeg.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    this.finished = new Promise((resolve) => {
      this.ffmpeg.once('exit', (code, signal) => {
        this.cleanup();
        if (!this.stopping) this.emit('failed', `ffmpeg exited (${signal ?? code}) ${stderr.trim().split('\n').pop() ?? ''}`.trim());
        // ffmpeg exits 255 after finishing the file on SIGINT; 0 if input ended first.
        const clean = this.stopping && (code === 0 || code === 255);
        // The record ends when it was asked to, not when ffmpeg got round to exiting.
        const exit = `${signal ?? `code ${code}`}${this.stopping ? '' : ' before a stop'} ${stderr.trim().split('\n').pop() ?? ''}`.trim();
        resolve({ file: this.file, startedAt: this.startedAt, endedAt: this.stopRequestedAt ?? new Date(), kinds: this.kinds, clean, exit });
      });
    });
    // ffmpeg needs a moment to open its sockets; then media may flow, from a key frame.
    await new Promise((r) => setTimeout(r, 400));
    this.startedAt = new Date();
    await Promise.all(this.consumers.map((c) => c.resume().catch(() => undefined)));
    for (const delay of [0, 1000, 2500]) this.keyFrameTimers.push(setTimeout(() => this.requestKeyFrames(), delay));
    this.watch();
  }

  private requestKeyFrames(): void {
    for (const c of this.consumers) if (c.kind === 'video' && !c.closed) void c.requestKeyFrame().catch(() => undefined);
  }

  /** Media is being sent to ffmpeg but the file does not grow: ffmpeg is stuck. */
  private watch(): void {
    let lastSize = -1;
    let lastSent = -1;
    let stalledSince: number | undefined;
    this.watchdog = setInterval(() => {
      void (async () => {
        const size = await fs.stat(this.file).then((s) => s.size, () => 0);
        const sent = (await Promise.all(this.transports.map((t) => t.getStats().then((s) => s[0]?.bytesSent ?? 0, () => 0)))).reduce((a, b) => a + b, 0);
        const mediaFlowing = sent > lastSent && lastSent >= 0;
        if (mediaFlowing && size === lastSize) stalledSince ??= Date.now();
        else stalledSince = undefined;
        lastSize = size;
        lastSent = sent;
        if (stalledSince !== undefined && Date.now() - stalledSince >= STALL_MS && !this.stopping) {
          this.emit('failed', 'the recording file stopped growing while media was arriving');
          this.ffmpeg.kill('SIGKILL');
        }
      })();
    }, 2000);
    this.watchdog.unref();
  }

  /**
   * Finish the file cleanly; safe to call twice. Signals, not 'q' on stdin:
   * ffmpeg checks both only between packets, and a muted or departed
   * participant sends none. A second SIGINT makes ffmpeg abort the blocked
   * read; either way it still writes the WebM index. SIGKILL is the last resort.
   */
  stop(): Promise<SegmentResult> {
    if (!this.stopping) {
      this.stopping = true;
      this.stopRequestedAt = new Date();
      if (this.ffmpeg.exitCode === null && this.ffmpeg.signalCode === null) {
        this.ffmpeg.kill('SIGINT');
        const again = setTimeout(() => this.ffmpeg.kill('SIGINT'), 500);
        const hardKill = setTimeout(() => this.ffmpeg.kill('SIGKILL'), STOP_TIMEOUT_MS);
        void this.finished?.then(() => {
          clearTimeout(again);
          clearTimeout(hardKill);
        });
      }
    }
    return this.finished!;
  }

  /** The process for tests and operators (e.g. to observe a crash). */
  get pid(): number | undefined {
    return this.ffmpeg.pid;
  }

  private cleanup(): void {
    clearInterval(this.watchdog);
    for (const t of this.keyFrameTimers) clearTimeout(t);
    for (const t of this.transports) t.close();
  }
}
