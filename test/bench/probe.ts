/**
 * `npm run bench -- probe`: the outside probe of issue 14, repeated against a
 * server process (the real entry point) on loopback, with bounded loops.
 * A waiting party floods hearing A (recording consent, hand raise/lower, media
 * requests, fuzzed payloads and codec parameters), reconnecting whenever it is
 * cut off. Meanwhile the judge of A and the judge of hearing B send host commands.
 * Pass: the server stays up, hearing B stays healthy, and every host command in
 * the flooded hearing (and finally its close) is acknowledged within 1 s.
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { Ack } from '../../protocol/ack.js';
import { joinToken, scheduledHearing } from '../support/hearing.js';
import { spawnMain, type Spawned } from '../support/process.js';
import { startTestServer } from '../support/server.js';
import { percentile, progress, round, sleep, stopChild, track, type BenchReport } from './common.js';
import { fixtureUsers, hearingOnNewCase } from './fixtures.js';

const FLOOD_MESSAGES = 20_000;
const BURST = 500;
const HOST_COMMAND_LIMIT_MS = 1000;
const EVENTS = [
  'hearing:join', 'media:getRouterRtpCapabilities', 'media:createTransport', 'media:connectTransport', 'media:produce', 'media:consume',
  'media:resumeConsumer', 'media:pauseProducer', 'media:resumeProducer', 'media:setPreferredLayers', 'media:listProducers', 'host:admit',
  'host:dismiss', 'host:mute', 'host:unlock', 'host:remove', 'host:session', 'host:lowerAllHands', 'host:move', 'host:recording',
  'recording:consent', 'hand:raise', 'hand:lower', 'no:such:event',
];

function deep(n: number): unknown {
  let v: unknown = { leaf: 1 };
  for (let i = 0; i < n; i++) v = { nested: v };
  return v;
}

/** Fuzzed payloads: wrong types, huge and deep values, bad codec parameters. */
function fuzz(i: number): unknown {
  const pick = [
    undefined, null, 42, 'string', [], { userId: 'x'.repeat(10_000) }, deep(3000), { direction: 'sideways' },
    { transportId: 't', kind: 'audio', rtpParameters: { codecs: [{ mimeType: 'audio/evil', payloadType: 1, clockRate: 0 }] } },
    { transportId: 't', kind: 'audio', rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, parameters: deep(3000) }] } },
    { consent: 'yes' }, { action: 'close' }, { userId: 'nobody' }, { __proto__: { polluted: true } }, { spatialLayer: -1, consumerId: 'c' },
  ];
  return pick[i % pick.length];
}

function open(url: string, token: string): Promise<Socket> {
  const socket = connect(`${url}/hearing`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function ask<T>(socket: Socket, event: string, payload: unknown = {}, timeoutMs = 10_000): Promise<Ack<T>> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Ack<T>>;
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

    // The flood: bursts from the waiting party of A, reconnecting when cut off.
    const codes = new Map<string, number>();
    let sent = 0;
    let reconnects = 0;
    let flooding = true;
    const flood = (async () => {
      while (sent < FLOOD_MESSAGES) {
        const s = await open(url, tokens.partyA).catch(() => undefined);
        if (!s) {
          await sleep(50);
          continue;
        }
        sockets.push(s);
        reconnects++;
        await ask(s, 'hearing:join').catch(() => undefined);
        while (s.connected && sent < FLOOD_MESSAGES) {
          for (let i = 0; i < BURST && s.connected; i++, sent++) {
            const n = sent % 4;
            const [event, payload] =
              n === 0 ? ['recording:consent', { consent: sent % 8 === 0 }] : n === 1 ? [sent % 2 ? 'hand:raise' : 'hand:lower', {}] : n === 2 ? ['media:createTransport', { direction: 'send' }] : [EVENTS[sent % EVENTS.length]!, fuzz(sent)];
            s.emit(event, payload, (a: Ack<unknown>) => {
              const code = a.ok ? 'ok' : a.error.code;
              codes.set(code, (codes.get(code) ?? 0) + 1);
            });
          }
          await sleep(20);
        }
        s.disconnect();
      }
      flooding = false;
    })();

    // Host commands in both hearings while the flood runs.
    const latA: number[] = [];
    const latB: number[] = [];
    let failuresA = 0;
    let failuresB = 0;
    while (flooding) {
      const t = Date.now();
      const [a, b] = await Promise.all([ask(judgeA, 'host:lowerAllHands', {}, 5000).catch(() => undefined), ask(judgeB, 'host:mute', { userId: fx.ids.defendant }, 5000).catch(() => undefined)]);
      const took = Date.now() - t;
      latA.push(took);
      latB.push(took);
      if (!a?.ok) failuresA++;
      if (!b?.ok) failuresB++;
      await sleep(100);
    }
    await flood;
    const partyBAlive = (await ask(partyB, 'media:listProducers')).ok;
    const t = Date.now();
    const closed = await ask<{ state: string }>(judgeA, 'host:session', { action: 'close' });
    const closeMs = Date.now() - t;
    const health = await fetch(`${url}/healthz`).then((r) => r.status).catch(() => 0);
    const serverUp = health === 200 && proc.child.exitCode === null;
    const pass = serverUp && partyBAlive && failuresA === 0 && failuresB === 0 && Math.max(...latA) < HOST_COMMAND_LIMIT_MS && closed.ok && closeMs < HOST_COMMAND_LIMIT_MS;
    const p = (xs: number[], q: number) => round(percentile(xs, q), 0) ?? 0;
    return {
      name: 'probe',
      data: { sent, reconnects, codes: Object.fromEntries(codes), hostCommands: latA.length, hostMsA: { p50: p(latA, 50), p95: p(latA, 95), max: Math.max(...latA) }, hostMsB: { p50: p(latB, 50), max: Math.max(...latB) }, failuresA, failuresB, closeMs, closeOk: closed.ok, serverUp, partyBAlive, pass },
      tables: [
        {
          title: `Probe: ${sent} flood and fuzz messages from a waiting party (${reconnects} connections)`,
          columns: ['measure', 'value'],
          rows: [
            ['host command in flooded hearing A, p50 / p95 / max ms', `${p(latA, 50)} / ${p(latA, 95)} / ${Math.max(...latA)}`],
            ['host command in hearing B (paired), max ms', Math.max(...latB)],
            ['host commands failed (A / B)', `${failuresA} / ${failuresB}`],
            ['close of hearing A acknowledged after ms', `${closeMs} (${closed.ok ? 'ok' : 'failed'})`],
            ['server up (/healthz 200), hearing B participant served', `${serverUp}, ${partyBAlive}`],
            ['answers to the flood by code', [...codes.entries()].sort((x, y) => y[1] - x[1]).map(([c, n]) => `${c} ${n}`).join(', ')],
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
