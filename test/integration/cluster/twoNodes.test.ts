import mongoose from 'mongoose';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import type { UserServerToClient } from '../../../protocol/user.js';
import { ApiClient } from '../../support/api.js';
import { testEnv } from '../../support/env.js';
import { ask, openSocket, scheduledHearing, type HearingFixture } from '../../support/hearing.js';
import { spawnMain, type Spawned } from '../../support/process.js';
import type { TestServer } from '../../support/server.js';
import { FfmpegRtpSource, WeriftParticipant, type RtpSource } from '../../support/weriftParticipant.js';

/**
 * Two server processes (node A and node B, as `npm start` runs them) on one database and one
 * Redis (REDIS_URL, default the machine's 127.0.0.1:6379), as a deployment with several nodes.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LEASE_SECONDS = 3;

interface Node {
  name: string;
  proc: Spawned;
  url: string;
}

async function startNode(name: string, env: NodeJS.ProcessEnv): Promise<Node> {
  const proc = spawnMain({ ...env, NODE_ID: name });
  const line = await proc.waitForOutput(/"url":"http:\/\/127\.0\.0\.1:\d+"[^\n]*microcourt listening/, 60_000);
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)![0];
  return { name, proc, url };
}

/** What the fixture helpers need of a server: its URL, the shared database and the configuration. */
function asFixtureServer(node: Node, connection: mongoose.Connection, env: NodeJS.ProcessEnv): TestServer {
  return { url: node.url, db: { connection }, config: loadConfig(env) } as unknown as TestServer;
}

describe('two nodes on one database and one Redis', () => {
  const env = testEnv({
    LOG_LEVEL: 'info',
    REDIS_URL,
    NODE_LEASE_SECONDS: String(LEASE_SECONDS),
    SWEEP_INTERVAL_SECONDS: '1',
    READING_REVIEW: 'off',
    MEDIASOUP_WORKERS: '1',
    RECORDINGS_DIR: `/tmp/mc-cluster-rec-${process.pid}`,
  });
  let a: Node;
  let b: Node;
  let connection: mongoose.Connection;
  let fx: HearingFixture;
  const sockets: Socket[] = [];
  const people: WeriftParticipant[] = [];
  let sources: Record<'audio' | 'video', RtpSource> | undefined;

  beforeAll(async () => {
    // Node A first, so that with both idle the tie (by name) places hearings on A.
    [a, b] = await Promise.all([startNode('node-a', env), startNode('node-b', env)]);
    connection = await mongoose.createConnection(env.MONGODB_URI!).asPromise();
    fx = await scheduledHearing(asFixtureServer(b, connection, env), 'hearing', 71);
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const p of people) await p.close();
    await sources?.audio.stop();
    await sources?.video.stop();
    for (const n of [a, b]) {
      if (n && n.proc.child.exitCode === null && n.proc.child.signalCode === null) {
        n.proc.child.kill('SIGTERM');
        await n.proc.exited;
      }
    }
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  it('a join token asked from node B names node A\'s signalling, and the hearing opens there only', async () => {
    const judgeOnB = new ApiClient(b.url, fx.judge.token);
    const res = await judgeOnB.post<{ token: string; signallingUrl: string; role: string; expiresIn: number }>(`/api/hearings/${fx.hearingId}/join-token`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'judge', signallingUrl: a.url });
    expect(res.body.expiresIn).toBeGreaterThan(0);

    // The same token on node B is refused with a stable code: the session lives on A.
    const wrong = await openSocket({ url: b.url } as TestServer, res.body.token);
    sockets.push(wrong);
    expect(await ask(wrong, 'hearing:join')).toMatchObject({ ok: false, error: { code: 'HEARING_ON_OTHER_NODE' } });

    const right = await openSocket({ url: res.body.signallingUrl } as TestServer, res.body.token);
    sockets.push(right);
    expect(await ask(right, 'hearing:join')).toMatchObject({ ok: true, data: { me: { status: 'admitted' } } });
    right.disconnect();
  });

  it('a notification created on node A reaches the user connected to node B', async () => {
    const user: Socket<UserServerToClient> = connect(`${b.url}/user`, { auth: { token: fx.plaintiff.token }, transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(user);
    await new Promise<void>((resolve, reject) => {
      user.once('connect', () => resolve());
      user.once('connect_error', reject);
    });
    const arrived = new Promise<{ title?: unknown }>((resolve) => user.once('notification:new', (n) => resolve(n as { title?: unknown })));
    // The mediator schedules a mediation session through node A: the notice is written on A.
    const mediatorOnA = new ApiClient(a.url, fx.mediator.token);
    const scheduled = await mediatorOnA.post(`/api/cases/${fx.caseId}/hearings`, {
      kind: 'mediation',
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      participants: [
        { userId: fx.ids.mediator, role: 'mediator' },
        { userId: fx.ids.plaintiff, role: 'party', side: 'plaintiff' },
        { userId: fx.ids.defendant, role: 'party', side: 'defendant' },
      ],
    });
    expect(scheduled.status).toBe(201);
    const notice = await Promise.race([arrived, new Promise<never>((_r, reject) => setTimeout(() => reject(new Error('no notification on node B')), 10_000))]);
    expect(notice).toBeTruthy();
  });

  it('a case saved through node B is in the lists of node A, as it stands on B', async () => {
    // Node A loaded its list index at start, before the fixture filed and moved this case on B:
    // it knows the case only from B's messages (the catch-up runs every 300 s, not within this test).
    const onB = await new ApiClient(b.url, fx.plaintiff.token).get<{ status: string }>(`/api/cases/${fx.caseId}`);
    expect(onB.status).toBe(200);
    const listed = async (client: ApiClient) => (await client.get<{ cases: { id: string; status: string }[] }>('/api/cases?page=1&pageSize=100')).body.cases.find((c) => c.id === fx.caseId);
    const clerkOnA = new ApiClient(a.url, fx.clerk.token);
    const plaintiffOnA = new ApiClient(a.url, fx.plaintiff.token);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await listed(clerkOnA))?.status !== onB.body.status) await new Promise((r) => setTimeout(r, 200));
    expect((await listed(clerkOnA))?.status).toBe(onB.body.status);
    expect((await listed(plaintiffOnA))?.status).toBe(onB.body.status);
  });

  it('the deadline sweep runs once per period across both nodes', async () => {
    await new Promise((r) => setTimeout(r, 4_500));
    const periods = (n: Node) => [...n.proc.output().matchAll(/"period":(\d+)[^\n]*periodic task ran on this node/g)].map((m) => Number(m[1]));
    const onA = periods(a);
    const onB = periods(b);
    const all = [...onA, ...onB];
    // Each node tries every period; one of them runs it.
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(new Set(all).size).toBe(all.length);
  });

  it('after kill -9 of node A, the hearing moves to node B and its participants are media-connected again', async () => {
    sources = { audio: await FfmpegRtpSource.start('audio'), video: await FfmpegRtpSource.start('video') };
    const tokenVia = async (client: ApiClient) => {
      const res = await new ApiClient(b.url, client.token).post<{ token: string; signallingUrl: string }>(`/api/hearings/${fx.hearingId}/join-token`);
      expect(res.status).toBe(200);
      return res.body;
    };
    const enter = async (client: ApiClient, at: { token: string; signallingUrl: string }) => {
      const p = await WeriftParticipant.connect({ url: at.signallingUrl, token: at.token, sources });
      people.push(p);
      return p;
    };
    const judgeAt = await tokenVia(fx.judge);
    expect(judgeAt.signallingUrl).toBe(a.url);
    const judge = await enter(fx.judge, judgeAt);
    await judge.join();
    await judge.setupMedia();
    await judge.produce(['audio', 'video']);
    const party = await enter(fx.plaintiff, await tokenVia(fx.plaintiff));
    await party.join();
    const mark = party.mark();
    expect((await judge.request('host:admit', { userId: fx.ids.plaintiff })).ok).toBe(true);
    await party.waitForEvent('hearing:me', (e) => (e as { me: { status: string } }).me.status === 'admitted', 10_000, mark);
    await party.setupMedia();
    await party.consumeAll();
    await party.waitForPackets(() => party.packetsFromUser(fx.ids.judge, 'audio') >= 10, 15_000);

    const killedAt = Date.now();
    a.proc.child.kill('SIGKILL');
    await a.proc.exited;

    // What a client does when its signalling goes away: ask any node again until the hearing has a live one.
    let moved = await tokenVia(fx.judge);
    while (moved.signallingUrl !== b.url) {
      expect(Date.now() - killedAt).toBeLessThan(30_000);
      await new Promise((r) => setTimeout(r, 250));
      moved = await tokenVia(fx.judge);
    }
    const replacedAt = Date.now();
    const judge2 = await enter(fx.judge, moved);
    await judge2.join();
    await judge2.setupMedia();
    await judge2.produce(['audio', 'video']);
    const party2 = await enter(fx.plaintiff, await tokenVia(fx.plaintiff));
    const rejoined = await party2.join();
    if (rejoined.me.status === 'waiting') {
      const m2 = party2.mark();
      expect((await judge2.request('host:admit', { userId: fx.ids.plaintiff })).ok).toBe(true);
      await party2.waitForEvent('hearing:me', (e) => (e as { me: { status: string } }).me.status === 'admitted', 10_000, m2);
    }
    await party2.setupMedia();
    await party2.consumeAll();
    await party2.waitForPackets(() => party2.packetsFromUser(fx.ids.judge, 'audio') >= 1, 15_000);
    const flowingAt = Date.now();
    const figures = { leaseSeconds: LEASE_SECONDS, killToReplacedMs: replacedAt - killedAt, killToMediaMs: flowingAt - killedAt };
    console.log(`CLUSTER_FAILOVER_JSON ${JSON.stringify(figures)}`);
    expect(figures.killToMediaMs).toBeLessThan(10_000);
  });
});
