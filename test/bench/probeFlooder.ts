/**
 * The flooding party of `npm run bench -- probe`, run as its own process (as an
 * attacker would be on another machine), so that its own work of sending does
 * not show up in the host's timings. Bounded: FLOOD_MESSAGES messages or
 * FLOOD_MAX_MS, whichever comes first. Loopback only: the URL is the probe's server.
 *
 * Usage: node --import tsx test/bench/probeFlooder.ts <url> <join token>
 * Prints one line `FLOOD_RESULT {...}` when done.
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { Ack } from '../../protocol/ack.js';

const FLOOD_MESSAGES = 20_000;
const FLOOD_MAX_MS = 240_000;
const BURST = 500;
const EVENTS = [
  'hearing:join', 'media:getRouterRtpCapabilities', 'media:createTransport', 'media:connectTransport', 'media:produce', 'media:consume',
  'media:resumeConsumer', 'media:pauseProducer', 'media:resumeProducer', 'media:setPreferredLayers', 'media:listProducers', 'host:admit',
  'host:dismiss', 'host:mute', 'host:unlock', 'host:remove', 'host:session', 'host:lowerAllHands', 'host:move', 'host:recording',
  'recording:consent', 'hand:raise', 'hand:lower', 'no:such:event',
];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

/** Recording consent, hand raise/lower, transports, and every event with fuzzed payloads, in turn. */
function message(n: number): [string, unknown] {
  switch (n % 4) {
    case 0:
      return ['recording:consent', { consent: n % 8 === 0 }];
    case 1:
      return [n % 2 ? 'hand:raise' : 'hand:lower', {}];
    case 2:
      return ['media:createTransport', { direction: 'send' }];
    default:
      return [EVENTS[n % EVENTS.length]!, fuzz(n)];
  }
}

const count = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

/** Connects, or resolves the handshake's refusal code; the socket is closed on refusal. */
function open(url: string, token: string): Promise<Socket | string> {
  const socket = connect(`${url}/hearing`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      socket.disconnect();
      resolve(err.data?.code ?? err.message);
    });
  });
}

async function main(): Promise<void> {
  const [url, token] = process.argv.slice(2);
  if (!url || !token || !/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error('usage: probeFlooder.ts http://127.0.0.1:<port> <join token>');
  const acks = new Map<string, number>();
  const refusedHandshakes = new Map<string, number>();
  const cutOff = new Map<string, number>();
  let sent = 0;
  let connections = 0;
  const started = Date.now();
  while (sent < FLOOD_MESSAGES && Date.now() - started < FLOOD_MAX_MS) {
    const s = await open(url, token);
    if (typeof s === 'string') {
      count(refusedHandshakes, s);
      await sleep(50);
      continue;
    }
    connections++;
    let reason = '';
    s.on('hearing:throttled', (p: { code: string }) => (reason = p.code));
    const closed = new Promise<void>((resolve) => s.once('disconnect', (why) => {
      count(cutOff, reason ? `${reason} (${why})` : why);
      resolve();
    }));
    s.emit('hearing:join', {}, () => undefined);
    while (s.connected && sent < FLOOD_MESSAGES) {
      for (let i = 0; i < BURST && s.connected; i++, sent++) {
        const [event, payload] = message(sent);
        s.emit(event, payload, (a: Ack<unknown>) => count(acks, a.ok ? 'ok' : a.error.code));
      }
      await sleep(20);
    }
    if (s.connected) s.disconnect();
    await closed;
  }
  const result = {
    sent,
    connections,
    ms: Date.now() - started,
    acks: Object.fromEntries(acks),
    refusedHandshakes: Object.fromEntries(refusedHandshakes),
    cutOff: Object.fromEntries(cutOff),
  };
  process.stdout.write(`FLOOD_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`flooder failed: ${String(err)}\n`);
    process.exit(1);
  },
);
