/**
 * Join benchmark: N werift participants join one hearing at the same moment
 * through the real signalling of a real server; the judge admits everyone as
 * soon as they appear in the waiting room. Each participant runs in a process
 * of its own (joinParticipant.ts), not in the server's. Per participant we
 * measure the time from the start of its socket connection to the first RTP
 * packet it receives from another participant (and to the first video
 * packet), and where that time goes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { joinToken, scheduledHearing, type HearingFixture } from '../support/hearing.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { FfmpegRtpSource, type MediaKind } from '../support/weriftParticipant.js';
import { percentile, progress, round, sleep, type BenchReport } from './common.js';
import { extraParties, fixtureUsers, hearingOnNewCase, type BenchUser } from './fixtures.js';
import type { ChildMessage, JoinTimes, ParentMessage } from './joinParticipant.js';

/** Participants per hearing and how many hearings (rounds) of that size; every participant is one sample. */
const PLAN: { n: number; rounds: number }[] = [
  { n: 2, rounds: 5 },
  { n: 4, rounds: 3 },
  { n: 8, rounds: 3 },
];
/**
 * The warm-up round seats every participant process once (a browser has its code
 * loaded and its DTLS certificate made before a call), so no measured round pays
 * for a process's first join: module JIT, werift's certificate, first sockets.
 */
const WARMUP_ROUNDS = 1;
/** A participant that has received no remote RTP by then counts as failed. */
const PARTICIPANT_TIMEOUT_MS = 20_000;
/** Beyond that, how long we keep waiting for the first video packet. */
const VIDEO_WAIT_MS = 5_000;
/** Issue #20's targets for N=8 joining at once. */
const TARGET = { n: 8, p50Ms: 200, p95Ms: 400, videoP95Ms: 400 };

interface Sample extends JoinTimes {
  n: number;
  round: number;
  label: string;
}

/** The steps of the breakdown, in the order they happen. */
const STEPS: { key: keyof JoinTimes; label: string }[] = [
  { key: 'connectedMs', label: 'socket connected' },
  { key: 'joinedMs', label: 'join ack' },
  { key: 'admittedMs', label: 'admitted' },
  { key: 'setupMs', label: 'media:setup ack' },
  { key: 'consumedMs', label: 'media:consumeMany ack' },
  { key: 'resumedMs', label: 'consumers resumed' },
  { key: 'iceMs', label: 'ICE connected (both transports)' },
  { key: 'transportsMs', label: 'transports connected (ICE+DTLS)' },
  { key: 'firstRtpMs', label: 'first remote packet' },
  { key: 'firstVideoMs', label: 'first video packet' },
];

/** A participant process, reused from round to round. */
class Seat {
  private waiting: ((m: ChildMessage) => void) | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly ports: Record<MediaKind, number>,
  ) {
    child.on('message', (m: ChildMessage) => this.waiting?.(m));
  }

  static open(): Promise<Seat> {
    const child = fork(fileURLToPath(new URL('./joinParticipant.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('join participant process did not start in 30 s')), 30_000);
      child.once('exit', (code) => reject(new Error(`join participant process exited with ${String(code)}`)));
      child.once('message', (m: ChildMessage) => {
        clearTimeout(timer);
        if (m.type === 'ready') resolve(new Seat(child, m.ports));
        else reject(new Error(`unexpected ${m.type} from a participant process`));
      });
    });
  }

  /** Sends an order and resolves with the next answer of `type`. */
  ask<T extends ChildMessage['type']>(order: ParentMessage, type: T): Promise<Extract<ChildMessage, { type: T }>> {
    return new Promise((resolve) => {
      this.waiting = (m) => {
        if (m.type !== type) return;
        this.waiting = undefined;
        resolve(m as Extract<ChildMessage, { type: T }>);
      };
      this.child.send(order);
    });
  }

  close(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'exit' } satisfies ParentMessage);
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    return exited.finally(() => clearTimeout(kill));
  }
}

interface Setup {
  server: TestServer;
  fx: HearingFixture;
  users: BenchUser[];
  seats: Seat[];
}

async function runRound({ server, fx, users, seats }: Setup, n: number, roundNo: number): Promise<Sample[]> {
  const members = users.slice(0, n);
  const hearingId = await hearingOnNewCase(fx, members);
  // Tokens come from the REST API before anyone connects: the measured time starts at the socket.
  const tokens = await Promise.all(members.map((u) => joinToken(u.client, hearingId)));
  try {
    const answers = await Promise.all(
      members.map((u, i) =>
        seats[i]!.ask(
          { type: 'run', url: server.url, token: tokens[i]!, isJudge: u.role === 'judge', timeoutMs: PARTICIPANT_TIMEOUT_MS, videoWaitMs: VIDEO_WAIT_MS },
          'sample',
        ),
      ),
    );
    return answers.map((a, i) => ({ n, round: roundNo, label: members[i]!.label, ...a.times }));
  } finally {
    await Promise.all(members.map((_, i) => seats[i]!.ask({ type: 'leave' }, 'left')));
  }
}

function summarise(samples: Sample[], key: keyof JoinTimes) {
  const values = samples.map((s) => s[key]).filter((v): v is number => typeof v === 'number');
  return { p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), max: round(percentile(values, 100)), count: values.length };
}

export async function joinBench(): Promise<BenchReport> {
  const server = await startTestServer();
  const sources: Partial<Record<MediaKind, FfmpegRtpSource>> = {};
  const seats: Seat[] = [];
  const relay = dgram.createSocket('udp4');
  try {
    progress(`join: server at ${server.url}; creating users and the first case`);
    const fx = await scheduledHearing(server, 'hearing');
    const maxN = Math.max(...PLAN.map((p) => p.n));
    const users = [...fixtureUsers(fx), ...(await extraParties(server, Math.max(0, maxN - 4)))];
    progress(`join: starting ${maxN} participant processes`);
    seats.push(...(await Promise.all(Array.from({ length: maxN }, () => Seat.open()))));
    // One real encoder per kind, shared by everyone: 2 ffmpeg processes instead of 2 per participant, relayed to each process.
    [sources.audio, sources.video] = await Promise.all([FfmpegRtpSource.start('audio'), FfmpegRtpSource.start('video')]);
    for (const kind of ['audio', 'video'] as const) {
      sources[kind]!.subscribe((packet) => {
        for (const seat of seats) relay.send(packet, seat.ports[kind], '127.0.0.1');
      });
    }
    // Let every process hold a complete key frame before the first round (one a second).
    await sleep(1_200);
    const setup: Setup = { server, fx, users, seats };

    for (let r = 1; r <= WARMUP_ROUNDS; r++) {
      progress(`join: warm-up round ${r}/${WARMUP_ROUNDS} with all ${maxN} participant processes (not measured)`);
      await runRound(setup, maxN, 0);
      await sleep(500);
    }

    const all: Sample[] = [];
    for (const { n, rounds } of PLAN) {
      for (let r = 1; r <= rounds; r++) {
        const samples = await runRound(setup, n, r);
        all.push(...samples);
        const ok = samples.filter((s) => s.firstRtpMs !== undefined);
        progress(
          `join: N=${n} round ${r}/${rounds}: first RTP ${ok.map((s) => `${s.label}=${s.firstRtpMs}`).join(' ')}` +
            (ok.length < samples.length ? `; FAILED ${samples.filter((s) => s.error).map((s) => `${s.label}: ${s.error}`).join('; ')}` : ''),
        );
        // Let the server close the previous round's transports before the next one starts.
        await sleep(500);
      }
    }

    const perN = PLAN.map(({ n, rounds }) => {
      const samples = all.filter((s) => s.n === n);
      return {
        n,
        rounds,
        samples: samples.length,
        failed: samples.filter((s) => s.firstRtpMs === undefined).length,
        steps: Object.fromEntries(STEPS.map(({ key }) => [key, summarise(samples, key)])) as Record<keyof JoinTimes, ReturnType<typeof summarise>>,
      };
    });
    const n8 = perN.find((r) => r.n === TARGET.n)?.steps;
    const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '-' : String(v));
    const targetMet = n8
      ? n8.firstRtpMs.p50 !== null && n8.firstRtpMs.p95 !== null && n8.firstVideoMs.p95 !== null &&
        n8.firstRtpMs.p50 <= TARGET.p50Ms && n8.firstRtpMs.p95 <= TARGET.p95Ms && n8.firstVideoMs.p95 <= TARGET.videoP95Ms
      : null;
    return {
      name: 'join',
      data: { plan: PLAN, target: TARGET, targetMet, results: perN, samples: all },
      tables: [
        {
          title: 'join: socket connect -> first remote RTP packet (ms), all N participants joining at once, judge auto-admits',
          columns: ['N', 'samples', 'failed', 'p50', 'p95', 'max', 'first video p50', 'first video p95'],
          rows: perN.map((r) => [r.n, r.samples, r.failed, fmt(r.steps.firstRtpMs.p50), fmt(r.steps.firstRtpMs.p95), fmt(r.steps.firstRtpMs.max), fmt(r.steps.firstVideoMs.p50), fmt(r.steps.firstVideoMs.p95)]),
        },
        {
          title: 'join: where the time goes, ms from the start of the socket connection when each step ended (p50 / p95 per N)',
          columns: ['step', ...perN.map((r) => `N=${r.n}`)],
          rows: STEPS.map(({ key, label }) => [label, ...perN.map((r) => `${fmt(r.steps[key].p50)} / ${fmt(r.steps[key].p95)}`)]),
        },
      ],
      notes: [
        `Target (N=${TARGET.n}): p50 <= ${TARGET.p50Ms} ms and p95 <= ${TARGET.p95Ms} ms to the first remote RTP packet; first video p95 <= ${TARGET.videoP95Ms} ms. Met: ${String(targetMet)}.`,
        'Each participant runs in its own Node process (werift); the server and its mediasoup workers run apart. All share this machine.',
        `Warm-up: ${WARMUP_ROUNDS} unmeasured round with all ${maxN} participant processes before the measured rounds, so that every process starts warm, as a browser with its code loaded and its certificate made.`,
        'werift is the DTLS server and mediasoup the DTLS client: werift 0.25.2\'s DTLS client sleeps a fixed 100 ms before its ClientHello, a delay no browser has (test/support/weriftSdp.ts).',
        'Two shared ffmpeg encoders (Opus tone, VP8 320x240@15, a key frame a second) are relayed to every participant process; each answers the SFU\'s key-frame requests (PLI/FIR) by re-sending the latest key frame, as a browser encoder answers with a new one.',
        'Joining uses media:setup (capabilities and both transports in one request), media:consumeMany and media:resumeConsumers; producing and consuming run in parallel.',
        'The judge admits every waiting participant as soon as it sees them (an automated host). "admitted" includes waiting for the judge.',
      ],
    };
  } finally {
    await Promise.all(seats.map((s) => s.close()));
    relay.close();
    await Promise.all(Object.values(sources).map((s) => s.stop()));
    await server.destroy();
  }
}
