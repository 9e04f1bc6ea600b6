/**
 * `npm run bench -- probe`: the outside probe of issue 14, repeated against a
 * server process (the real entry point) on loopback, with bounded loops.
 * A waiting party of hearing A floods it from a process of its own
 * (probeFlooder.ts: recording consent, hand raise/lower, media requests, fuzzed
 * payloads and codec parameters, reconnecting whenever it is cut off).
 * Meanwhile the judges of A and of hearing B send host commands, each on its own.
 * Pass: the server stays up, hearing B stays healthy, and every host command in
 * the flooded hearing (and finally its close) is acknowledged within 1 s.
 */
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { Ack } from '../../protocol/ack.js';
import { joinToken, scheduledHearing } from '../support/hearing.js';
import { ROOT, spawnMain, type Spawned } from '../support/process.js';
import { startTestServer } from '../support/server.js';
import { percentile, progress, round, sleep, spawnTracked, stopChild, track, type BenchReport } from './common.js';
import { fixtureUsers, hearingOnNewCase } from './fixtures.js';

const HOST_COMMAND_LIMIT_MS = 1000;
const QUIET_COMMANDS = 20;

interface FloodResult {
  sent: number;
  connections: number;
  ms: number;
  acks: Record<string, number>;
  refusedHandshakes: Record<string, number>;
  cutOff: Record<string, number>;
}

function open(url: string, token: string): Promise<Socket> {
  const socket = connect(`${url}/hearing`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.disconnect();
      reject(err);
    });
  });
}

function ask<T>(socket: Socket, event: string, payload: unknown = {}, timeoutMs = 10_000): Promise<Ack<T>> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Ack<T>>;
}

/** The flooding party as its own process; resolves with what it counted. */
function runFlooder(url: string, token: string): Promise<FloodResult> {
  const child = spawnTracked(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/bench/probeFlooder.ts'), url, token], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => process.stderr.write(c));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('FLOOD_RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('FLOOD_RESULT '.length)) as FloodResult);
      else reject(new Error(`flooder exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

/** Host commands one after the other, 100 ms apart, while `running()`; each one's time to its ack. */
async function hostCommands(running: () => boolean, command: () => Promise<Ack<unknown> | undefined>): Promise<{ ms: number[]; failed: number }> {
  const ms: number[] = [];
  let failed = 0;
  while (running()) {
    const t = performance.now();
    const ack = await command().catch(() => undefined);
    ms.push(Math.round(performance.now() - t));
    if (!ack?.ok) failed++;
    await sleep(100);
  }
  return { ms, failed };
}

export async function probeBench(): Promise<BenchReport> {
  const setup = await startTestServer({ MEDIASOUP_WORKERS: '1' });
  let proc: Spawned | undefined;
  const sockets: Socket[] = [];
  try {
    progress('probe: creating two hearings');
    const fx = await scheduledHearing(setup, 'hearing', 77);
    const hearingB = await hearingOnNewCase(fx, fixtureUsers(fx));
    const tokens = { judgeA: await joinToken(fx.judge, fx.hearingId), partyA: await joinToken(fx.plaintiff, fx.hearingId), judgeB: await joinToken(fx.judge, hearingB), partyB: await joinToken(fx.defendant, hearingB) };
    proc = spawnMain({ ...setup.env, PORT: '0', LOG_LEVEL: 'info', MEDIASOUP_WORKERS: '1' });
    track(proc.child);
    const line = await proc.waitForOutput(/"url":"http:\/\/127\.0\.0\.1:\d+"/, 120_000);
    const url = (JSON.parse(`{${line}}`) as { url: string }).url;

    const judgeA = await open(url, tokens.judgeA);
    const judgeB = await open(url, tokens.judgeB);
    const partyB = await open(url, tokens.partyB);
    sockets.push(judgeA, judgeB, partyB);
    for (const s of [judgeA, judgeB, partyB]) if (!(await ask(s, 'hearing:join')).ok) throw new Error('join failed');
    if (!(await ask(judgeB, 'host:admit', { userId: fx.ids.defendant })).ok) throw new Error('could not admit in hearing B');
    const commandA = () => ask(judgeA, 'host:lowerAllHands', {}, 5000);
    const commandB = () => ask(judgeB, 'host:mute', { userId: fx.ids.defendant }, 5000);

    // The same host commands on a quiet server first: what this machine gives without a flood.
    let quietLeft = QUIET_COMMANDS;
    const quiet = await hostCommands(() => quietLeft-- > 0, commandA);

    progress('probe: flooding hearing A');
    let flooding = true;
    const flood = runFlooder(url, tokens.partyA).finally(() => (flooding = false));
    const [a, b, f] = await Promise.all([hostCommands(() => flooding, commandA), hostCommands(() => flooding, commandB), flood]);
    const partyBAlive = (await ask(partyB, 'media:listProducers')).ok;
    const t = performance.now();
    const closed = await ask<{ state: string }>(judgeA, 'host:session', { action: 'close' });
    const closeMs = Math.round(performance.now() - t);
    const health = await fetch(`${url}/healthz`).then((r) => r.status).catch(() => 0);
    const serverUp = health === 200 && proc.child.exitCode === null;
    const maxA = Math.max(...a.ms);
    const pass = serverUp && partyBAlive && a.failed === 0 && b.failed === 0 && maxA < HOST_COMMAND_LIMIT_MS && closed.ok && closeMs < HOST_COMMAND_LIMIT_MS;
    const p = (xs: number[], q: number) => round(percentile(xs, q), 0) ?? 0;
    const stats = (xs: number[]) => ({ n: xs.length, p50: p(xs, 50), p95: p(xs, 95), max: Math.max(...xs) });
    const show = (xs: number[]) => `${p(xs, 50)} / ${p(xs, 95)} / ${Math.max(...xs)} (${xs.length})`;
    const byCount = (m: Record<string, number>) =>
      Object.entries(m)
        .sort((x, y) => y[1] - x[1])
        .map(([c, n]) => `${c} ${n}`)
        .join(', ') || 'none';
    return {
      name: 'probe',
      data: { flood: f, quietMs: stats(quiet.ms), hostMsA: stats(a.ms), hostMsB: stats(b.ms), failuresA: a.failed, failuresB: b.failed, closeMs, closeOk: closed.ok, serverUp, partyBAlive, pass },
      tables: [
        {
          title: `Probe: ${f.sent} flood and fuzz messages in ${Math.round(f.ms / 100) / 10} s from a waiting party (${f.connections} connections)`,
          columns: ['measure', 'value'],
          rows: [
            ['host command, quiet server before the flood, p50 / p95 / max ms (n)', show(quiet.ms)],
            ['host command in flooded hearing A, p50 / p95 / max ms (n)', show(a.ms)],
            ['host command in hearing B, p50 / p95 / max ms (n)', show(b.ms)],
            ['host commands failed (A / B)', `${a.failed} / ${b.failed}`],
            ['close of hearing A acknowledged after ms', `${closeMs} (${closed.ok ? 'ok' : 'failed'})`],
            ['server up (/healthz 200), hearing B participant served', `${serverUp}, ${partyBAlive}`],
            ['answers to the flood by code', byCount(f.acks)],
            ['flooder cut off (reason)', byCount(f.cutOff)],
            ['flooder handshakes refused (code)', byCount(f.refusedHandshakes)],
            ['pass', String(pass)],
          ],
        },
      ],
      notes: [],
    };
  } finally {
    for (const s of sockets) s.disconnect();
    if (proc) await stopChild(proc.child);
    await setup.destroy();
  }
}
