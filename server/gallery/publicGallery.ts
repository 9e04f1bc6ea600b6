import { Router } from 'express';
import type { types } from 'mediasoup';
import type { Namespace, Server } from 'socket.io';
import { z } from 'zod';
import { MediaRoom } from '../../media/mediaRoom.js';
import { PipeIn, PipeOut, type PipeEnd, type PipeOffer } from '../../media/nodePipe.js';
import type { WorkerPool } from '../../media/workerPool.js';
import { GALLERY_ERROR_CODES, GALLERY_REQUESTS, type GalleryClientToServer, type GalleryRequest, type GalleryServerToClient } from '../../protocol/gallery.js';
import type { ProducerAnnouncement } from '../../protocol/hearing.js';
import { signToken, verifyToken, type TokenPurpose } from '../auth/signedTokens.js';
import type { AppContext } from '../context.js';
import { AppError, errors, toAppError } from '../errors.js';
import type { HearingSessions } from '../hearings/hearingSessions.js';
import { verifyJoinToken, type JoinClaims } from '../hearings/joinTokens.js';
import { parseInput } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { mediaError } from '../hearings/hearingSession.js';
import { request } from '../signalling/ack.js';
import { guardConnection } from '../signalling/packetGuard.js';

/**
 * The public gallery across nodes. A hearing runs on one node (its origin); people who only
 * watch connect to another node, which takes the hearing's joint-room media once through a
 * mediasoup PipeTransport from the origin and serves every viewer from there. The two nodes
 * agree on the pipe with one internal HTTP request, authenticated by a short-lived token signed
 * with the JWT_SECRET every node shares.
 */

/** Node-to-node requests: a separate audience, so no other token opens them. */
const NODE_PIPE: TokenPurpose = {
  audience: 'microcourt-node-pipe',
  ttlSeconds: 60,
  expired: { message: 'The node request has expired.', code: 'NODE_TOKEN_EXPIRED' },
  invalid: { message: 'This is not a request of a node of this deployment.', code: 'NODE_TOKEN_INVALID' },
};
const nodeClaims = z.object({ sub: z.string().min(1), hid: z.string().min(1) });

/** How often a node with viewers asks the origin for what changed (new or gone cameras and microphones). */
const SYNC_MS = 2000;
/** A gallery without viewers is closed after this long (a viewer reloading the page keeps it). */
const IDLE_CLOSE_MS = 10_000;
const ORIGIN_TIMEOUT_MS = 5000;

const srtpSchema = z.object({ cryptoSuite: z.enum(['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']), keyBase64: z.string().min(1).max(256) }).strict();
const pipeEndSchema = z.object({ ip: z.string().min(1).max(64), port: z.number().int().min(1).max(65535), srtpParameters: srtpSchema }).strict();
const pipeRequestSchema = z.object({ node: pipeEndSchema }).strict();

/** The origin side: the pipes of this node's hearings to other nodes, one per (hearing, node). */
export class GalleryOrigin {
  private readonly pipes = new Map<string, Promise<PipeOut>>();
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: { sessions: HearingSessions; pool: WorkerPool; logger: Logger }) {}

  /**
   * Pipe the hearing's joint room to the node at `remote` (or refresh the pipe it has): the
   * origin's end and every producer carried. Serialised per (hearing, node).
   */
  offer(hearingId: string, nodeId: string, remote: PipeEnd): Promise<PipeOffer> {
    const key = `${hearingId} ${nodeId}`;
    const run = (this.chains.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => this.offerNow(key, hearingId, remote));
    this.chains.set(key, run);
    void run.finally(() => this.chains.get(key) === run && this.chains.delete(key)).catch(() => undefined);
    return run;
  }

  private async offerNow(key: string, hearingId: string, remote: PipeEnd): Promise<PipeOffer> {
    const room = await this.deps.sessions.liveSession(hearingId)?.galleryRoom();
    if (!room) throw errors.invalidState('This hearing has not started yet; the gallery opens once it has.', GALLERY_ERROR_CODES.notLive);
    let pipe = await this.pipes.get(key)?.catch(() => undefined);
    // A new end of the other node, or this room was replaced (its worker died): a new pipe.
    if (!pipe || pipe.closed || pipe.room !== room || !pipe.connectsTo(remote)) {
      pipe?.close();
      const opening = PipeOut.open(room, this.deps.pool.pipeListenInfo(), remote);
      this.pipes.set(key, opening);
      pipe = await opening.catch((err: unknown) => {
        this.pipes.delete(key);
        throw err;
      });
      this.deps.logger.info({ hearing: hearingId, to: `${remote.ip}:${remote.port}` }, 'gallery pipe opened to another node');
    }
    return pipe.sync();
  }

  /** The other node closed its gallery of this hearing. */
  async close(hearingId: string, nodeId: string): Promise<void> {
    const key = `${hearingId} ${nodeId}`;
    const pipe = await this.pipes.get(key)?.catch(() => undefined);
    this.pipes.delete(key);
    pipe?.close();
  }
}

/** Internal routes a node's gallery calls on the origin node. */
export function galleryPipeRoutes(ctx: AppContext, origin: GalleryOrigin): Router {
  const router = Router();
  const tags = ['cluster'];
  const nodeOf = (header: string | undefined, hearingId: string): string => {
    const token = header?.startsWith('Bearer ') ? header.slice(7) : '';
    const claims = verifyToken(NODE_PIPE, ctx.config.jwtSecret, token, nodeClaims);
    if (claims.hid !== hearingId) throw errors.forbidden('This node request is for another hearing.', NODE_PIPE.invalid.code);
    return claims.sub;
  };
  ctx.api.add({ method: 'post', path: '/internal/gallery/:hearingId/pipe', summary: 'Node to node: pipe a hearing\'s joint-room media to the calling node (its public gallery)', tags, auth: false, body: pipeRequestSchema, responses: { 200: { description: 'The origin\'s pipe end and the producers it carries' }, 401: { description: 'Not a node of this deployment' }, 409: { description: 'The hearing is not live on this node' } } });
  router.post('/internal/gallery/:hearingId/pipe', async (req, res) => {
    const hearingId = String(req.params.hearingId);
    const node = nodeOf(req.get('authorization'), hearingId);
    const input = parseInput(pipeRequestSchema, req.body);
    res.json(await origin.offer(hearingId, node, input.node).catch((err: unknown) => Promise.reject(mediaError(err))));
  });
  ctx.api.add({ method: 'delete', path: '/internal/gallery/:hearingId/pipe', summary: 'Node to node: the calling node no longer watches this hearing', tags, auth: false, responses: { 204: { description: 'Closed' }, 401: { description: 'Not a node of this deployment' } } });
  router.delete('/internal/gallery/:hearingId/pipe', async (req, res) => {
    const hearingId = String(req.params.hearingId);
    await origin.close(hearingId, nodeOf(req.get('authorization'), hearingId));
    res.status(204).end();
  });
  return router;
}

export interface GalleryDeps {
  pool: WorkerPool;
  logger: Logger;
  nodeId: string;
  jwtSecret: string;
  /** The URL of the node holding a hearing now. */
  originOf(hearingId: string): Promise<string>;
}

/** One hearing watched on this node: its room, fed by a pipe from the origin. */
class Gallery {
  private pipe?: PipeIn;
  private timer?: NodeJS.Timeout;
  private idle?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private origin?: string;
  readonly viewers = new Set<string>();
  private announced = '';

  constructor(
    readonly hearingId: string,
    private readonly deps: GalleryDeps,
    private readonly changed: (producers: ProducerAnnouncement[]) => void,
    private readonly closed: () => void,
  ) {}

  get room(): MediaRoom | undefined {
    return this.pipe?.room;
  }

  producers(): ProducerAnnouncement[] {
    return (this.room?.producers() ?? []).map((p) => ({ producerId: p.producerId, participantId: p.peerId, kind: p.kind }));
  }

  /** A viewer arrives: the pipe is set up (or refreshed) before it is answered. */
  async enter(viewerId: string): Promise<MediaRoom> {
    clearTimeout(this.idle);
    this.viewers.add(viewerId);
    await this.sync();
    this.timer ??= setInterval(() => void this.sync().catch((err: unknown) => this.deps.logger.warn({ err, hearing: this.hearingId }, 'gallery could not refresh from the hearing\'s node')), SYNC_MS);
    this.timer.unref();
    return this.room!;
  }

  leave(viewerId: string): void {
    this.room?.closePeer(viewerId);
    this.viewers.delete(viewerId);
    if (this.viewers.size > 0) return;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.close(), IDLE_CLOSE_MS);
    this.idle.unref();
  }

  sync(): Promise<void> {
    this.syncing ??= this.syncNow().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async syncNow(): Promise<void> {
    const origin = await this.deps.originOf(this.hearingId);
    // The hearing moved (its node died) or the origin replaced its pipe: start a new one.
    if (this.pipe && (this.pipe.closed || origin !== this.origin)) this.dropPipe();
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.pipe) {
        const room = await MediaRoom.create(this.deps.pool, `${this.hearingId}/gallery`);
        try {
          this.pipe = await PipeIn.open(room, this.deps.pool.pipeListenInfo());
        } catch (err) {
          room.close();
          throw err;
        }
        this.origin = origin;
      }
      const offer = await this.ask(origin, 'POST', { node: this.pipe.end });
      if (await this.pipe.apply(offer as PipeOffer)) break;
      this.dropPipe();
    }
    const now = this.producers();
    const key = JSON.stringify(now.map((p) => p.producerId).sort());
    if (key !== this.announced) {
      this.announced = key;
      this.changed(now);
    }
  }

  private async ask(origin: string, method: 'POST' | 'DELETE', body?: unknown): Promise<unknown> {
    const token = signToken(NODE_PIPE, this.deps.jwtSecret, this.deps.nodeId, { hid: this.hearingId });
    let res: Response;
    try {
      res = await fetch(`${origin}/internal/gallery/${encodeURIComponent(this.hearingId)}/pipe`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(ORIGIN_TIMEOUT_MS),
      });
    } catch (err) {
      this.deps.logger.warn({ err, hearing: this.hearingId, origin }, 'the hearing\'s node did not answer the gallery');
      throw errors.unavailable('The server holding this hearing cannot be reached; try again in a moment.', GALLERY_ERROR_CODES.originUnreachable);
    }
    if (res.status === 204) return undefined;
    const payload = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (!res.ok) {
      // The origin's refusal (e.g. not live yet) reaches the viewer as it is; anything else is unreachable.
      if (res.status === 409 && payload.error?.code) throw errors.invalidState(payload.error.message ?? 'Not possible now.', payload.error.code);
      throw errors.unavailable('The server holding this hearing refused the gallery; try again in a moment.', GALLERY_ERROR_CODES.originUnreachable);
    }
    return payload;
  }

  private dropPipe(): void {
    this.pipe?.close();
    this.pipe = undefined;
    this.announced = '';
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.idle);
    this.timer = undefined;
    const origin = this.origin;
    const hadPipe = !!this.pipe;
    this.dropPipe();
    this.closed();
    if (origin && hadPipe) await this.ask(origin, 'DELETE').catch(() => undefined);
  }
}

type GalleryNamespace = Namespace<GalleryClientToServer, GalleryServerToClient>;

interface ViewerData {
  claims: JoinClaims;
  gallery?: Gallery;
}

/**
 * The viewing side: socket.io namespace /gallery of this node. A viewer holds the hearing's
 * join token (any role; viewing gives nothing but the joint room's media) and only receives.
 */
export class GalleryViewers {
  private readonly galleries = new Map<string, Gallery>();

  constructor(private readonly deps: GalleryDeps) {}

  attach(io: Server): void {
    const ns: GalleryNamespace = io.of('/gallery');
    ns.use((socket, next) => {
      try {
        (socket.data as ViewerData).claims = verifyJoinToken((socket.handshake.auth as { token?: unknown }).token, this.deps.jwtSecret);
        next();
      } catch (err) {
        const e = toAppError(err);
        next(Object.assign(new Error(e.message), { data: { code: e.code, message: e.message } }));
      }
    });
    ns.on('connection', (socket) => {
      guardConnection(socket.conn);
      const data = socket.data as ViewerData;
      const { hearingId } = data.claims;
      const viewer = socket.id;
      const room = (): MediaRoom => {
        const r = data.gallery?.room;
        if (!r) throw errors.invalidState('Start watching first (gallery:join).', 'NOT_JOINED');
        return r;
      };
      const handlers: { [E in GalleryRequest]: (payload: never) => Promise<unknown> } = {
        'gallery:join': async () => {
          const gallery = this.galleryOf(hearingId, ns);
          data.gallery = gallery;
          await socket.join(`g:${hearingId}`);
          const r = await gallery.enter(viewer);
          return { rtpCapabilities: r.rtpCapabilities, producers: gallery.producers() };
        },
        'gallery:createTransport': () => room().createTransport(viewer, 'recv'),
        'gallery:connectTransport': async (p: { transportId: string; dtlsParameters: unknown }) => {
          await room().connectTransport(viewer, p.transportId, p.dtlsParameters as types.DtlsParameters);
          return {};
        },
        'gallery:consume': async (p: { transportId: string; producerId: string; rtpCapabilities: unknown }) => {
          const consumer = await room().consume(viewer, p.transportId, p.producerId, p.rtpCapabilities as types.RtpCapabilities);
          return { consumerId: consumer.id, producerId: p.producerId, participantId: String(consumer.appData.producerPeerId), kind: consumer.kind, rtpParameters: consumer.rtpParameters };
        },
        'gallery:resumeConsumer': async (p: { consumerId: string }) => {
          await room().resumeConsumer(viewer, p.consumerId);
          return {};
        },
      };
      for (const name of Object.keys(GALLERY_REQUESTS) as GalleryRequest[]) {
        const handler = handlers[name] as (payload: unknown) => Promise<unknown>;
        socket.on(
          name,
          request(this.deps.logger, GALLERY_REQUESTS[name] as z.ZodType<unknown>, (payload) =>
            handler(payload).catch((err: unknown) => {
              throw err instanceof AppError ? err : mediaError(err);
            }),
          ),
        );
      }
      socket.on('disconnect', () => data.gallery?.leave(viewer));
    });
  }

  private galleryOf(hearingId: string, ns: GalleryNamespace): Gallery {
    let gallery = this.galleries.get(hearingId);
    if (!gallery) {
      gallery = new Gallery(
        hearingId,
        this.deps,
        (producers) => void ns.to(`g:${hearingId}`).emit('gallery:producers', { producers }),
        () => this.galleries.delete(hearingId),
      );
      this.galleries.set(hearingId, gallery);
    }
    return gallery;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.galleries.values()].map((g) => g.close()));
  }
}
