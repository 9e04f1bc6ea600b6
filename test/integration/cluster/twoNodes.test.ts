import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import mongoose from 'mongoose';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import type { UserServerToClient } from '../../../protocol/user.js';
import { ApiClient } from '../../support/api.js';
import { testEnv } from '../../support/env.js';
import { ask, openSocket, scheduledHearing, type HearingFixture } from '../../support/hearing.js';
import { GalleryViewer } from '../../support/galleryViewer.js';
import { spawnMain, type Spawned } from '../../support/process.js';
import type { TestServer } from '../../support/server.js';
import { recordingModel, type RecordingDoc } from '../../../server/recordings/recordingModel.js';
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
async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

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
  let recordings: ReturnType<typeof recordingModel>;
  let fx: HearingFixture;
  const sockets: Socket[] = [];
  const people: WeriftParticipant[] = [];
  const viewers: GalleryViewer[] = [];
  let mediationId: string;
  let sources: Record<'audio' | 'video', RtpSource> | undefined;

  beforeAll(async () => {
    // Node A first, so that with both idle the tie (by name) places hearings on A.
    [a, b] = await Promise.all([startNode('node-a', env), startNode('node-b', env)]);
    connection = await mongoose.createConnection(env.MONGODB_URI!).asPromise();
    recordings = recordingModel(connection);
    // The nodes count SMS codes per phone number in the machine's Redis, which outlives the test's
    // database: a fresh pair of phone numbers per run keeps back-to-back runs under that limit.
    fx = await scheduledHearing(asFixtureServer(b, connection, env), 'hearing', 300 + Math.floor(Math.random() * 400));
  }, 180_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const v of viewers) await v.close().catch(() => undefined);
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
    mediationId = (scheduled.body as { id: string }).id;
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

  const tokenVia = async (client: ApiClient, hearingId = fx.hearingId) => {
    const res = await new ApiClient(b.url, client.token).post<{ token: string; signallingUrl: string; galleryUrl?: string }>(`/api/hearings/${hearingId}/join-token`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const enter = async (_client: ApiClient, at: { token: string; signallingUrl: string }) => {
    const p = await WeriftParticipant.connect({ url: at.signallingUrl, token: at.token, sources });
    people.push(p);
    return p;
  };

  it('an observer on node B receives the media of a hearing held on node A, through one pipe between the nodes', async () => {
    sources ??= { audio: await FfmpegRtpSource.start('audio'), video: await FfmpegRtpSource.start('video') };
    // Not live yet (nobody opened the mediation): refused with a stable code, nothing piped.
    // Both nodes idle (no consumers): the second hearing goes to the node holding fewer hearings.
    const mediationAt = await tokenVia(fx.plaintiff, mediationId);
    expect(mediationAt.signallingUrl).toBe(b.url);
    const early = await GalleryViewer.connect(b.url, mediationAt.token);
    viewers.push(early);
    expect(await early.watch()).toMatchObject({ ok: false, error: { code: 'HEARING_NOT_LIVE' } });

    const judgeAt = await tokenVia(fx.judge);
    expect(judgeAt.signallingUrl).toBe(a.url);
    const judge = await enter(fx.judge, judgeAt);
    await judge.join();
    await judge.setupMedia();
    await judge.produce(['audio', 'video']);

    // The observer's join token sends it to watch on node B; three watch there at once.
    const watchAt = await tokenVia(fx.defendant);
    expect(watchAt).toMatchObject({ signallingUrl: a.url, galleryUrl: b.url });
    const three = await Promise.all([0, 1, 2].map(() => GalleryViewer.connect(watchAt.galleryUrl!, watchAt.token)));
    viewers.push(...three);
    for (const v of three) expect(await v.watch()).toMatchObject({ ok: true });
    for (const v of three) {
      await v.waitForPackets(() => v.packetsFromUser(fx.ids.judge, 'audio') >= 10 && v.packetsFromUser(fx.ids.judge, 'video') >= 5, 15_000);
    }
    // Node A carries one pipe to node B, whatever the number of viewers there.
    expect([...a.proc.output().matchAll(/gallery pipe opened to another node/g)]).toHaveLength(1);

    // A request a node did not sign is refused by node A.
    const forged = await fetch(`${a.url}/internal/gallery/${fx.hearingId}/pipe`, { method: 'POST', headers: { authorization: `Bearer ${watchAt.token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(forged.status).toBe(401);

    for (const v of [early, ...three]) await v.close();
    await judge.close();
  });

  it('after kill -9 of node A, the hearing moves to node B and its participants are media-connected again', async () => {
    sources ??= { audio: await FfmpegRtpSource.start('audio'), video: await FfmpegRtpSource.start('video') };
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
    // The judge starts recording; node A writes the judge's first segment until it dies.
    expect(await judge.request('host:recording', { action: 'start' })).toMatchObject({ ok: true, data: { active: true } });
    const segmentsOf = () => recordings.find({ hearingId: fx.hearingId, participantId: fx.ids.judge }).sort({ segment: 1 }).lean<RecordingDoc[]>().exec();
    await waitUntil(async () => (await segmentsOf()).length === 1, 10_000);
    const onA = (await segmentsOf())[0]!;
    expect(onA).toMatchObject({ segment: 1, status: 'recording' });
    // Let node A write some media into it.
    await waitUntil(async () => ((await fs.stat(path.join(env.RECORDINGS_DIR!, onA.file)).catch(() => undefined))?.size ?? 0) > 20_000, 15_000);

    // The machine of node A dies: node A and what it ran (its mediasoup worker, its ffmpeg writing the segment).
    const childrenOfA = execFileSync('pgrep', ['-P', String(a.proc.child.pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    const killedAt = Date.now();
    a.proc.child.kill('SIGKILL');
    for (const pid of childrenOfA) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone with its parent
      }
    }
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
    // Admitted on node A, admitted again on node B: the judge does not admit again, and is told so.
    expect(rejoined.me.status).toBe('admitted');
    expect(rejoined.placeCarriedOver).toBe(true);
    expect(rejoined.hearing.state).not.toBe('scheduled');
    await party2.setupMedia();
    await party2.consumeAll();
    await party2.waitForPackets(() => party2.packetsFromUser(fx.ids.judge, 'audio') >= 1, 15_000);
    const flowingAt = Date.now();
    const figures = { leaseSeconds: LEASE_SECONDS, killToReplacedMs: replacedAt - killedAt, killToMediaMs: flowingAt - killedAt };
    console.log(`CLUSTER_FAILOVER_JSON ${JSON.stringify(figures)}`);
    expect(figures.killToMediaMs).toBeLessThan(10_000);

    // Recording goes on: node B closed node A's segment with what was written (hashed,
    // playable) and records the judge in a new segment of its own.
    expect(rejoined.recording.active).toBe(true);
    await waitUntil(async () => (await segmentsOf()).length === 2, 15_000);
    const [closed, next] = await segmentsOf();
    expect(closed).toMatchObject({ _id: onA._id, segment: 1, status: 'finalised', interrupted: true, clean: false });
    const bytes = await fs.readFile(path.join(env.RECORDINGS_DIR!, closed!.file));
    expect(closed!.size).toBeGreaterThan(20_000);
    expect(createHash('sha256').update(bytes.subarray(0, closed!.size)).digest('hex')).toBe(closed!.sha256);
    expect(closed!.codecs).toEqual(expect.arrayContaining(['opus']));
    expect(next).toMatchObject({ segment: 2, status: 'recording' });
    expect(next!.file).not.toBe(closed!.file);
    expect(b.proc.output()).toContain('closed a recording segment its server left unfinished');
  });
});
