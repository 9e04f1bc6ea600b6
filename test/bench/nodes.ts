/**
 * Several-nodes benchmark: how many hearings two nodes on this machine hold. Two server
 * processes (as `npm start` runs them, one mediasoup worker each) on one database and one
 * Redis; mediation sessions of three werift participants (mediator and both parties, each
 * sending Opus and VP8 and receiving the other two) are added two at a time, every one through
 * node B's REST API so that placement decides where it runs. Each step settles, then measures
 * each node's worker CPU (/proc/<pid>/stat) and the audio the participants receive against
 * what the shared audio source sent meanwhile (each participant receives two audio streams).
 *
 * The participants run in this process (werift is plain JavaScript), so on a 2-core machine
 * they saturate long before the two workers do: the figure is the hearings both nodes carried
 * with < 1 % audio loss, and, from the worker CPU each hearing cost on each node, the hearings
 * per 2 nodes at 85 % worker CPU. Bounded: at most MAX_HEARINGS and STEP_BUDGET_MS of stepping.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { ApiClient } from '../support/api.js';
import { testEnv } from '../support/env.js';
import { scheduledHearing } from '../support/hearing.js';
import { spawnMain, type Spawned } from '../support/process.js';
import type { TestServer } from '../support/server.js';
import { loadConfig } from '../../server/config.js';
import { FfmpegRtpSource, WeriftParticipant, type RtpSource } from '../support/weriftParticipant.js';
import { loadAverage, progress, round, sleep, trackPid, type BenchReport } from './common.js';

const STEP = 2;
const MAX_HEARINGS = 16;
const STEP_BUDGET_MS = 150_000;
const SETTLE_MS = 2_000;
const MEASURE_MS = 3_000;
const CPU_LIMIT_PCT = 85;
const LOSS_LIMIT = 0.01;
const CLOCK_TICKS = 100;

interface Node {
  name: string;
  proc: Spawned;
  url: string;
  workerPid: number;
}

async function startNode(name: string, env: NodeJS.ProcessEnv): Promise<Node> {
  const proc = spawnMain({ ...env, NODE_ID: name });
  trackPid(proc.child.pid!);
  const line = await proc.waitForOutput(/"url":"http:\/\/127\.0\.0\.1:\d+"[^\n]*microcourt listening/, 60_000);
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)![0];
  const children = execFileSync('pgrep', ['-P', String(proc.child.pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  const workerPid = children.find((pid) => fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('mediasoup'));
  if (!workerPid) throw new Error(`${name}: no mediasoup worker found`);
  return { name, proc, url, workerPid };
}

function cpuTicks(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

interface Hearing {
  id: string;
  node: string;
  people: WeriftParticipant[];
}

export async function nodesBench(): Promise<BenchReport> {
  const env = testEnv({
    LOG_LEVEL: 'info',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    NODE_LEASE_SECONDS: '5',
    READING_REVIEW: 'off',
    MEDIASOUP_WORKERS: '1',
    RECORDINGS_DIR: `/tmp/mc-bench-nodes-${process.pid}`,
  });
  const [a, b] = await Promise.all([startNode('node-a', env), startNode('node-b', env)]);
  const nodes = [a, b];
  const sources: Record<'audio' | 'video', RtpSource> = { audio: await FfmpegRtpSource.start('audio'), video: await FfmpegRtpSource.start('video') };
  const hearings: Hearing[] = [];
  const steps: { hearings: number; perNode: Record<string, number>; workerCpu: Record<string, number>; audioDelivered: number; sourceAudioPps: number; benchCpuPct: number }[] = [];
  let stoppedBy = `${MAX_HEARINGS} hearings`;
  let connection: mongoose.Connection | undefined;
  try {
    connection = await mongoose.createConnection(env.MONGODB_URI!).asPromise();
    const fx = await scheduledHearing({ url: b.url, db: { connection }, config: loadConfig(env) } as unknown as TestServer, 'mediation', 91);
    const via = (client: ApiClient) => new ApiClient(b.url, client.token);
    const addHearing = async (): Promise<Hearing> => {
      const scheduled = await via(fx.mediator).post<{ id: string }>(`/api/cases/${fx.caseId}/hearings`, {
        kind: 'mediation',
        startsAt: new Date(Date.now() + 3_600_000).toISOString(),
        participants: [
          { userId: fx.ids.mediator, role: 'mediator' },
          { userId: fx.ids.plaintiff, role: 'party', side: 'plaintiff' },
          { userId: fx.ids.defendant, role: 'party', side: 'defendant' },
        ],
      });
      if (scheduled.status !== 201) throw new Error(`scheduling: HTTP ${scheduled.status}`);
      const id = scheduled.body.id;
      const enter = async (client: ApiClient) => {
        const res = await via(client).post<{ token: string; signallingUrl: string }>(`/api/hearings/${id}/join-token`);
        if (res.status !== 200) throw new Error(`join token: HTTP ${res.status}`);
        const p = await WeriftParticipant.connect({ url: res.body.signallingUrl, token: res.body.token, sources });
        await p.join();
        return { p, url: res.body.signallingUrl };
      };
      const host = await enter(fx.mediator);
      const hearing: Hearing = { id, node: nodes.find((n) => n.url === host.url)?.name ?? host.url, people: [host.p] };
      await host.p.setupMedia();
      await host.p.produce(['audio', 'video']);
      await host.p.consumeAll();
      for (const [client, userId] of [
        [fx.plaintiff, fx.ids.plaintiff],
        [fx.defendant, fx.ids.defendant],
      ] as const) {
        const party = await enter(client);
        hearing.people.push(party.p);
        const mark = party.p.mark();
        const admitted = await host.p.request('host:admit', { userId });
        if (!admitted.ok) throw new Error(`admit: ${admitted.error.code}`);
        await party.p.waitForEvent('hearing:me', (e) => (e as { me: { status: string } }).me.status === 'admitted', 10_000, mark);
        await party.p.setupMedia();
        await party.p.produce(['audio', 'video']);
        await party.p.consumeAll();
      }
      return hearing;
    };

    // What the audio source really sent (a starved ffmpeg on a loaded machine sends less than 50 a second).
    let sourceAudio = 0;
    const unsubscribe = sources.audio.subscribe(() => void sourceAudio++);
    const started = performance.now();
    while (hearings.length < MAX_HEARINGS) {
      if (performance.now() - started > STEP_BUDGET_MS) {
        stoppedBy = `the ${STEP_BUDGET_MS / 1000} s budget`;
        break;
      }
      for (let i = 0; i < STEP; i++) hearings.push(await addHearing());
      await sleep(SETTLE_MS);
      const audioBefore = hearings.flatMap((h) => h.people.map((p) => p.receivedStats().filter((s) => s.kind === 'audio').reduce((n, s) => n + s.packets, 0)));
      const cpuBefore = nodes.map((n) => cpuTicks(n.workerPid));
      const selfBefore = process.cpuUsage();
      const sourceBefore = sourceAudio;
      const t0 = performance.now();
      await sleep(MEASURE_MS);
      const seconds = (performance.now() - t0) / 1000;
      const self = process.cpuUsage(selfBefore);
      const workerCpu = Object.fromEntries(nodes.map((n, i) => [n.name, round(((cpuTicks(n.workerPid) - cpuBefore[i]!) / CLOCK_TICKS / seconds) * 100)!]));
      const audioAfter = hearings.flatMap((h) => h.people.map((p) => p.receivedStats().filter((s) => s.kind === 'audio').reduce((n, s) => n + s.packets, 0)));
      // Each participant receives the audio of the two others.
      const received = audioAfter.reduce((sum, n, i) => sum + n - audioBefore[i]!, 0);
      const expected = audioAfter.length * 2 * (sourceAudio - sourceBefore);
      const perNode = Object.fromEntries(nodes.map((n) => [n.name, hearings.filter((h) => h.node === n.name).length]));
      const step = {
        hearings: hearings.length,
        perNode,
        workerCpu,
        audioDelivered: round(received / expected, 3)!,
        sourceAudioPps: round((sourceAudio - sourceBefore) / seconds)!,
        benchCpuPct: round(((self.user + self.system) / 1e6 / seconds) * 100)!,
      };
      steps.push(step);
      progress(`nodes: ${JSON.stringify(step)} (load ${loadAverage().join(' ')})`);
      if (1 - step.audioDelivered > LOSS_LIMIT) {
        stoppedBy = `audio loss over ${LOSS_LIMIT * 100} %`;
        break;
      }
      if (Object.values(workerCpu).some((c) => c > CPU_LIMIT_PCT)) {
        stoppedBy = `a worker over ${CPU_LIMIT_PCT} % CPU`;
        break;
      }
    }
    unsubscribe();
  } finally {
    await Promise.all(hearings.flatMap((h) => h.people.map((p) => p.close().catch(() => undefined))));
    await sources.audio.stop();
    await sources.video.stop();
    for (const n of nodes) {
      n.proc.child.kill('SIGTERM');
      await n.proc.exited;
    }
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  }
  const good = steps.filter((s) => 1 - s.audioDelivered <= LOSS_LIMIT);
  const last = good[good.length - 1];
  // Worker CPU per hearing on each node at the last good step, and the hearings each node would hold at the CPU limit.
  const perHearing = last ? nodes.map((n) => (last.perNode[n.name]! > 0 ? last.workerCpu[n.name]! / last.perNode[n.name]! : undefined)) : [];
  const known = perHearing.filter((c): c is number => c !== undefined && c > 0);
  const estimate = known.length > 0 ? Math.floor((CPU_LIMIT_PCT / (known.reduce((x, y) => x + y, 0) / known.length)) * nodes.length) : undefined;
  return {
    name: 'nodes',
    data: {
      participantsPerHearing: 3,
      carriedHearings: last?.hearings ?? 0,
      carriedPerNode: last?.perNode ?? {},
      workerCpuPctPerHearing: round(known.length > 0 ? known.reduce((x, y) => x + y, 0) / known.length : undefined, 2),
      hearingsPer2NodesAtCpuLimit: estimate ?? null,
      stoppedBy,
      steps,
    },
    tables: [
      {
        title: 'Two nodes (one worker each): mediation sessions of 3 werift participants, placed by node B\'s REST API',
        columns: ['hearings', 'on node-a', 'on node-b', 'worker CPU a %', 'worker CPU b %', 'audio delivered', 'source audio pps', 'bench process CPU %'],
        rows: steps.map((s) => [s.hearings, s.perNode['node-a']!, s.perNode['node-b']!, s.workerCpu['node-a']!, s.workerCpu['node-b']!, s.audioDelivered, s.sourceAudioPps, s.benchCpuPct]),
      },
    ],
    notes: [
      `carried with < ${LOSS_LIMIT * 100} % audio loss: ${last?.hearings ?? 0} hearings (${JSON.stringify(last?.perNode ?? {})}); stopped by ${stoppedBy}`,
      `hearings per 2 nodes at ${CPU_LIMIT_PCT} % worker CPU, from the worker CPU per hearing measured: ${estimate ?? 'n/a'} (the participants run in this process and limit the direct figure)`,
    ],
  };
}
