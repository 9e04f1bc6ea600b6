/**
 * Memory benchmark: resident memory of a server process (the real entry
 * point, as `npm start` runs it) and of its mediasoup workers, before and
 * after 10 hearings are opened and left idle. Opening a hearing = its judge
 * connects, joins (which creates the live session) and asks for the router
 * capabilities (which creates the joint room's router).
 */
import os from 'node:os';
import { joinToken, scheduledHearing } from '../support/hearing.js';
import { spawnMain, type Spawned } from '../support/process.js';
import { startTestServer } from '../support/server.js';
import { WeriftParticipant } from '../support/weriftParticipant.js';
import { isAlive, progress, round, rssKiB, sleep, stopChild, track, trackPid, type BenchReport } from './common.js';
import { fixtureUsers, hearingOnNewCase } from './fixtures.js';

const HEARINGS = 10;
/** Opened before the baseline so that first-use costs (lazy code, JIT, pools) are not charged to the 10. */
const WARMUP_HEARINGS = 1;
const SETTLE_MS = 3_000;
const SAMPLES = 5;
const SAMPLE_GAP_MS = 400;

interface Health {
  workers: { pid: number; routers: number; usage: { maxRssKiB: number } }[];
}

interface Memory {
  nodeKiB: number;
  workersKiB: number;
  totalKiB: number;
  routers: number;
  workersMaxRssKiB: number;
}

async function health(url: string): Promise<Health> {
  const res = await fetch(`${url}/healthz`);
  return (await res.json()) as Health;
}

/** Median of a few /proc readings, so that one GC in the middle does not decide the figure. */
async function readMemory(url: string, nodePid: number): Promise<Memory> {
  const h = await health(url);
  const samples: { node: number; workers: number }[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    if (i > 0) await sleep(SAMPLE_GAP_MS);
    samples.push({ node: rssKiB(nodePid) ?? 0, workers: h.workers.reduce((n, w) => n + (rssKiB(w.pid) ?? 0), 0) });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const nodeKiB = median(samples.map((s) => s.node));
  const workersKiB = median(samples.map((s) => s.workers));
  return {
    nodeKiB,
    workersKiB,
    totalKiB: nodeKiB + workersKiB,
    routers: h.workers.reduce((n, w) => n + w.routers, 0),
    workersMaxRssKiB: h.workers.reduce((n, w) => n + w.usage.maxRssKiB, 0),
  };
}

const mb = (kib: number) => round(kib / 1024, 1) ?? 0;

export async function memoryBench(): Promise<BenchReport> {
  // The hearings are made through an in-process server on the same database; the measured server is a separate process.
  const setup = await startTestServer({ MEDIASOUP_WORKERS: '1' });
  let proc: Spawned | undefined;
  const judges: WeriftParticipant[] = [];
  let workerPids: number[] = [];
  try {
    progress('memory: creating cases and hearings');
    const fx = await scheduledHearing(setup, 'hearing');
    const members = fixtureUsers(fx);
    const hearingIds: string[] = [];
    for (let i = 0; i < WARMUP_HEARINGS + HEARINGS; i++) hearingIds.push(await hearingOnNewCase(fx, members));
    // Join tokens are signed with the shared JWT secret, so the other process accepts them.
    const tokens = await Promise.all(hearingIds.map((id) => joinToken(fx.judge, id)));

    const workers = os.availableParallelism();
    proc = spawnMain({ ...setup.env, PORT: '0', LOG_LEVEL: 'info', MEDIASOUP_WORKERS: String(workers) });
    track(proc.child);
    const line = await proc.waitForOutput(/"url":"http:\/\/127\.0\.0\.1:\d+"/);
    const url = (JSON.parse(`{${line}}`) as { url: string }).url;
    const nodePid = proc.child.pid!;
    workerPids = (await health(url)).workers.map((w) => w.pid);
    for (const pid of workerPids) trackPid(pid);
    progress(`memory: server process ${nodePid} at ${url}, workers ${workerPids.join(', ')}`);

    const open = async (token: string) => {
      const judge = await WeriftParticipant.connect({ url, token });
      judges.push(judge);
      await judge.join();
      await judge.call('media:getRouterRtpCapabilities', {});
    };
    await sleep(SETTLE_MS);
    const fresh = await readMemory(url, nodePid);
    for (const token of tokens.slice(0, WARMUP_HEARINGS)) await open(token);
    await sleep(SETTLE_MS);
    const before = await readMemory(url, nodePid);
    progress(`memory: before ${mb(before.totalKiB)} MB (node ${mb(before.nodeKiB)}, workers ${mb(before.workersKiB)}), ${before.routers} router(s)`);
    for (const token of tokens.slice(WARMUP_HEARINGS)) await open(token);
    await sleep(SETTLE_MS);
    const after = await readMemory(url, nodePid);
    progress(`memory: after ${mb(after.totalKiB)} MB (node ${mb(after.nodeKiB)}, workers ${mb(after.workersKiB)}), ${after.routers} router(s)`);
    if (after.routers - before.routers !== HEARINGS) throw new Error(`expected ${HEARINGS} new routers, /healthz shows ${after.routers - before.routers}`);
    // Then the judge of each of the 10 sets up media (a send and a receive WebRtcTransport), still sending nothing.
    for (const judge of judges.slice(WARMUP_HEARINGS)) {
      await judge.call('media:createTransport', { direction: 'send' });
      await judge.call('media:createTransport', { direction: 'recv' });
    }
    await sleep(SETTLE_MS);
    const withTransports = await readMemory(url, nodePid);
    progress(`memory: with the judges' transports ${mb(withTransports.totalKiB)} MB`);

    const perHearing = (key: 'nodeKiB' | 'workersKiB' | 'totalKiB') => (after[key] - before[key]) / HEARINGS;
    const totalMB = round(perHearing('totalKiB') / 1024, 2) ?? 0;
    const rows: (string | number)[][] = [
      ['fresh server', mb(fresh.nodeKiB), mb(fresh.workersKiB), mb(fresh.totalKiB), fresh.routers],
      [`after ${WARMUP_HEARINGS} warm-up hearing (baseline)`, mb(before.nodeKiB), mb(before.workersKiB), mb(before.totalKiB), before.routers],
      [`after ${HEARINGS} more idle hearings`, mb(after.nodeKiB), mb(after.workersKiB), mb(after.totalKiB), after.routers],
      ['per idle hearing', round(perHearing('nodeKiB') / 1024, 2) ?? 0, round(perHearing('workersKiB') / 1024, 2) ?? 0, totalMB, 1],
      [`after the ${HEARINGS} judges create their 2 transports`, mb(withTransports.nodeKiB), mb(withTransports.workersKiB), mb(withTransports.totalKiB), withTransports.routers],
      [
        'per hearing with the judge\'s transports',
        round((withTransports.nodeKiB - before.nodeKiB) / HEARINGS / 1024, 2) ?? 0,
        round((withTransports.workersKiB - before.workersKiB) / HEARINGS / 1024, 2) ?? 0,
        round((withTransports.totalKiB - before.totalKiB) / HEARINGS / 1024, 2) ?? 0,
        1,
      ],
    ];
    return {
      name: 'memory',
      data: {
        hearings: HEARINGS,
        warmupHearings: WARMUP_HEARINGS,
        workers,
        fresh,
        before,
        after,
        withTransports,
        perHearingWithTransportsMB: round((withTransports.totalKiB - before.totalKiB) / HEARINGS / 1024, 2),
        perHearingMB: {
          node: round(perHearing('nodeKiB') / 1024, 2),
          workers: round(perHearing('workersKiB') / 1024, 2),
          total: totalMB,
        },
        // Without the warm-up: what the first 11 hearings cost on a fresh server, per hearing.
        perHearingFromFreshMB: round((after.totalKiB - fresh.totalKiB) / (HEARINGS + WARMUP_HEARINGS) / 1024, 2),
        targetMB: 10,
        targetMet: totalMB < 10,
      },
      tables: [
        {
          title: `memory: RSS of the server process (node --import tsx server/main.ts) and its ${workers} mediasoup workers, MB`,
          columns: ['state', 'node', 'workers', 'total', 'routers'],
          rows,
        },
      ],
      notes: [
        'An open hearing here: the judge connected, joined (live session) and got the router capabilities (joint room router with its active speaker observer); nobody sends media.',
        `Each figure is the median of ${SAMPLES} /proc VmRSS readings ${SAMPLE_GAP_MS} ms apart, ${SETTLE_MS / 1000} s after the last change; V8 heap growth makes the node share noisy at this scale.`,
        `Per hearing, including the first: ${round((after.totalKiB - fresh.totalKiB) / (HEARINGS + WARMUP_HEARINGS) / 1024, 2)} MB. Target: < 10 MB per hearing.`,
      ],
    };
  } finally {
    await Promise.all(judges.map((j) => j.close().catch(() => undefined)));
    if (proc) await stopChild(proc.child, 5000);
    for (const pid of workerPids) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await setup.destroy();
  }
}
