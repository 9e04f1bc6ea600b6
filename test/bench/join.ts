/**
 * Join benchmark: N werift participants join one hearing at the same moment
 * through the real signalling of a real server; the judge admits everyone
 * as soon as they appear in the waiting room. Per participant we measure the
 * time from the start of its socket connection to the first RTP packet it
 * receives from another participant (and to the first video packet).
 */
import { performance } from 'node:perf_hooks';
import type { ParticipantView } from '../../protocol/hearing.js';
import { joinToken, scheduledHearing, type HearingFixture } from '../support/hearing.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { FfmpegRtpSource, WeriftParticipant, type MediaKind, type RtpSource } from '../support/weriftParticipant.js';
import { percentile, progress, round, sleep, type BenchReport } from './common.js';
import { extraParties, fixtureUsers, hearingOnNewCase, type BenchUser } from './fixtures.js';

/** Participants per hearing and how many hearings (rounds) of that size; every participant is one sample. */
const PLAN: { n: number; rounds: number }[] = [
  { n: 2, rounds: 5 },
  { n: 4, rounds: 3 },
  { n: 8, rounds: 3 },
];
const WARMUP_N = 2;
/** A participant that has received no remote RTP by then counts as failed. */
const PARTICIPANT_TIMEOUT_MS = 20_000;
/** Beyond that, how long we keep waiting for the first video packet (key frames come once a second). */
const VIDEO_WAIT_MS = 5_000;

interface Sample {
  n: number;
  round: number;
  label: string;
  /** All in ms from the start of the socket connection. */
  connectedMs?: number;
  joinedMs?: number;
  admittedMs?: number;
  mediaReadyMs?: number;
  firstRtpMs?: number;
  firstVideoMs?: number;
  error?: string;
}

function receivedPackets(p: WeriftParticipant, kind?: MediaKind): number {
  return p.receivedStats().reduce((sum, s) => sum + (!kind || s.kind === kind ? s.packets : 0), 0);
}

/**
 * Watches every participant of a round from one 2 ms timer, independently of
 * what the participant is doing (the first packet usually arrives while it is
 * still consuming other streams), and stamps the first packet and the first
 * video packet into its sample.
 */
class FirstPacketWatch {
  private readonly pending = new Set<{ p: WeriftParticipant; sample: Sample; t0: number; done: () => void }>();
  private readonly timer = setInterval(() => this.check(), 2);

  /** Resolves once the participant got video, or after `timeoutMs`. */
  watch(p: WeriftParticipant, sample: Sample, t0: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { p, sample, t0, done: () => resolve() };
      this.pending.add(entry);
      setTimeout(() => {
        if (this.pending.delete(entry)) resolve();
      }, timeoutMs);
    });
  }

  private check(): void {
    const now = performance.now();
    for (const entry of this.pending) {
      const { p, sample, t0 } = entry;
      if (sample.firstRtpMs === undefined && receivedPackets(p) > 0) sample.firstRtpMs = round(now - t0, 1) ?? undefined;
      if (sample.firstVideoMs === undefined && receivedPackets(p, 'video') > 0) {
        sample.firstVideoMs = round(now - t0, 1) ?? undefined;
        this.pending.delete(entry);
        entry.done();
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** The judge's automation: admit whoever is waiting, once each; returns the check for a list in hand. */
function autoAdmit(judge: WeriftParticipant): (participants: ParticipantView[]) => void {
  const asked = new Set<string>();
  const admitWaiting = (participants: ParticipantView[]) => {
    for (const p of participants) {
      if (p.status !== 'waiting' || asked.has(p.userId)) continue;
      asked.add(p.userId);
      judge.request('host:admit', { userId: p.userId }).then(
        (ack) => {
          if (!ack.ok) asked.delete(p.userId);
        },
        () => asked.delete(p.userId),
      );
    }
  };
  judge.emitter.on('hearing:participants', (payload: { participants: ParticipantView[] }) => admitWaiting(payload.participants));
  return admitWaiting;
}

async function runParticipant(
  server: TestServer,
  user: BenchUser,
  token: string,
  sources: Record<MediaKind, RtpSource>,
  sample: Sample,
  live: WeriftParticipant[],
  watch: FirstPacketWatch,
): Promise<void> {
  const t0 = performance.now();
  const since = () => round(performance.now() - t0, 1) ?? undefined;
  const p = await WeriftParticipant.connect({ url: server.url, token, sources });
  live.push(p);
  sample.connectedMs = since();
  const watched = watch.watch(p, sample, t0, PARTICIPANT_TIMEOUT_MS + VIDEO_WAIT_MS);
  const admitWaiting = user.role === 'judge' ? autoAdmit(p) : undefined;
  const joined = await p.join();
  sample.joinedMs = since();
  admitWaiting?.(joined.participants);
  if (joined.me.status !== 'admitted') {
    await p.waitForEvent('hearing:me', ({ me }) => me.status === 'admitted', PARTICIPANT_TIMEOUT_MS);
  }
  sample.admittedMs = since();
  await p.setupMedia();
  await p.produce(['audio', 'video']);
  await p.consumeAll();
  sample.mediaReadyMs = since();
  await watched;
  if (sample.firstRtpMs === undefined) {
    throw new Error(`no remote RTP within ${PARTICIPANT_TIMEOUT_MS} ms${p.mediaErrors.length ? `: ${p.mediaErrors.map((e) => e.message).join(' | ')}` : ''}`);
  }
}

interface Setup {
  server: TestServer;
  fx: HearingFixture;
  users: BenchUser[];
  sources: Record<MediaKind, RtpSource>;
}

async function runRound({ server, fx, users, sources }: Setup, n: number, roundNo: number): Promise<Sample[]> {
  const members = users.slice(0, n);
  const hearingId = await hearingOnNewCase(fx, members);
  // Tokens come from the REST API before anyone connects: the measured time starts at the socket.
  const tokens = await Promise.all(members.map((u) => joinToken(u.client, hearingId)));
  const samples: Sample[] = members.map((u) => ({ n, round: roundNo, label: u.label }));
  const live: WeriftParticipant[] = [];
  const watch = new FirstPacketWatch();
  try {
    await Promise.all(
      members.map((u, i) =>
        runParticipant(server, u, tokens[i]!, sources, samples[i]!, live, watch).catch((err: unknown) => {
          samples[i]!.error = err instanceof Error ? err.message : String(err);
        }),
      ),
    );
  } finally {
    watch.stop();
    await Promise.all(live.map((p) => p.close().catch(() => undefined)));
  }
  return samples;
}

function summarise(samples: Sample[], key: 'firstRtpMs' | 'firstVideoMs' | 'admittedMs' | 'mediaReadyMs') {
  const values = samples.map((s) => s[key]).filter((v): v is number => v !== undefined);
  return { p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), max: round(percentile(values, 100)), count: values.length };
}

export async function joinBench(): Promise<BenchReport> {
  const server = await startTestServer();
  const sources: Partial<Record<MediaKind, FfmpegRtpSource>> = {};
  try {
    progress(`join: server at ${server.url}; creating users and the first case`);
    const fx = await scheduledHearing(server, 'hearing');
    const maxN = Math.max(...PLAN.map((p) => p.n));
    const users = [...fixtureUsers(fx), ...(await extraParties(server, Math.max(0, maxN - 4)))];
    // One real encoder per kind, shared by everyone: 2 ffmpeg processes instead of 2 per participant.
    [sources.audio, sources.video] = await Promise.all([FfmpegRtpSource.start('audio'), FfmpegRtpSource.start('video')]);
    const setup: Setup = { server, fx, users, sources: sources as Record<MediaKind, RtpSource> };

    progress(`join: warm-up round with ${WARMUP_N} participants`);
    await runRound(setup, WARMUP_N, 0);

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
        firstRtpMs: summarise(samples, 'firstRtpMs'),
        firstVideoMs: summarise(samples, 'firstVideoMs'),
        admittedMs: summarise(samples, 'admittedMs'),
        mediaReadyMs: summarise(samples, 'mediaReadyMs'),
      };
    });
    const n8 = perN.find((r) => r.n === 8)?.firstRtpMs;
    const fmt = (v: number | null) => (v === null ? '-' : String(v));
    return {
      name: 'join',
      data: {
        plan: PLAN,
        target: { n: 8, p50Ms: 300, p95Ms: 600 },
        targetMet: n8 ? n8.p50 !== null && n8.p95 !== null && n8.p50 <= 300 && n8.p95 <= 600 : null,
        results: perN,
        samples: all,
      },
      tables: [
        {
          title: 'join: socket connect -> first remote RTP packet (ms), all N participants joining at once, judge auto-admits',
          columns: ['N', 'samples', 'failed', 'p50', 'p95', 'max', 'admitted p50', 'media ready p50', 'first video p50', 'first video p95'],
          rows: perN.map((r) => [
            r.n,
            r.samples,
            r.failed,
            fmt(r.firstRtpMs.p50),
            fmt(r.firstRtpMs.p95),
            fmt(r.firstRtpMs.max),
            fmt(r.admittedMs.p50),
            fmt(r.mediaReadyMs.p50),
            fmt(r.firstVideoMs.p50),
            fmt(r.firstVideoMs.p95),
          ]),
        },
      ],
      notes: [
        'Target (N=8): p50 <= 300 ms, p95 <= 600 ms for the first remote RTP packet.',
        'Server, werift participants and signalling share this one Node process (the mediasoup workers are their own processes); real clients each have their own machine.',
        'Two shared ffmpeg encoders (Opus tone, VP8 320x240@15 with a key frame a second) feed every participant; the first packet is usually audio, video waits for the next key frame.',
        'The judge admits every waiting participant as soon as it sees them (an automated host).',
      ],
    };
  } finally {
    await Promise.all(Object.values(sources).map((s) => s.stop()));
    await server.destroy();
  }
}
