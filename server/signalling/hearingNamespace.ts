import type { Server } from 'socket.io';
import type { types } from 'mediasoup';
import { z } from 'zod';
import { toAppError } from '../errors.js';
import type { HearingSession } from '../hearings/hearingSession.js';
import { mediaError } from '../hearings/hearingSession.js';
import { hearingChannel, userChannel, type HearingNamespace, type HearingSessions } from '../hearings/hearingSessions.js';
import { verifyJoinToken, type JoinClaims } from '../hearings/joinTokens.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import { dtlsParametersSchema, rtpCapabilitiesSchema } from '../hearings/rtpParameters.js';
import { request } from './ack.js';
import { ConnectionLimits, requestClass } from './rateLimit.js';

const empty = z.object({}).strict().optional();
const id = z.string().min(1).max(100);
const userRef = z.object({ userId: id }).strict();
// Bounded in depth and size here; produce's RTP parameters are checked against the room's router (HearingSession.produce).
const params = z.record(z.string(), z.unknown());
/**
 * A client that keeps flooding after this many refusals is disconnected: what it
 * has still queued is then dropped unread instead of costing the event loop.
 */
const MAX_REFUSED = 200;
/** Built once: refusing must cost as little as possible. */
const RATE_LIMITED_ACK = { ok: false, error: errors.rateLimited('Too many requests; slow down and try again in a moment.').toBody() } as const;
const schemas = {
  createTransport: z.object({ direction: z.enum(['send', 'recv']) }).strict(),
  connectTransport: z.object({ transportId: id, dtlsParameters: dtlsParametersSchema }).strict(),
  produce: z.object({ transportId: id, kind: z.enum(['audio', 'video']), rtpParameters: params }).strict(),
  consume: z.object({ transportId: id, producerId: id, rtpCapabilities: rtpCapabilitiesSchema }).strict(),
  consumer: z.object({ consumerId: id }).strict(),
  producer: z.object({ producerId: id }).strict(),
  layers: z.object({ consumerId: id, spatialLayer: z.number().int().min(0).max(3), temporalLayer: z.number().int().min(0).max(3).optional() }).strict(),
  mute: z.object({ userId: id, lock: z.boolean().optional() }).strict(),
  session: z.object({ action: z.enum(['start', 'pause', 'resume', 'suspend', 'close']) }).strict(),
  move: z.object({ userId: id, room: z.enum(['joint', 'caucus:plaintiff', 'caucus:defendant']) }).strict(),
};

interface SocketData {
  claims: JoinClaims;
  session?: HearingSession;
}

/**
 * Socket.io namespace /hearing. The handshake carries a join token scoped to
 * one hearing; every request is validated and acknowledged; failures are
 * error acks that never reach other participants.
 */
export function attachHearingNamespace(io: Server, sessions: HearingSessions, jwtSecret: string, logger: Logger): HearingNamespace {
  const ns: HearingNamespace = io.of('/hearing');
  sessions.attach(ns);

  ns.use((socket, next) => {
    try {
      (socket.data as SocketData).claims = verifyJoinToken((socket.handshake.auth as { token?: unknown }).token, jwtSecret);
      next();
    } catch (err) {
      const e = toAppError(err);
      next(Object.assign(new Error(e.message), { data: { code: e.code, message: e.message } }));
    }
  });

  ns.on('connection', (socket) => {
    const data = socket.data as SocketData;
    const { userId, hearingId } = data.claims;
    const joined = (): HearingSession => {
      if (!data.session) throw errors.invalidState('Join the hearing first (hearing:join).', 'NOT_JOINED');
      return data.session;
    };
    const limits = new ConnectionLimits();
    const on = <S extends z.ZodType, R>(event: string, schema: S, handler: (payload: z.infer<S>) => Promise<R> | R) => {
      const cls = requestClass(event);
      const handle = request(logger, schema, async (payload) => {
        try {
          return await handler(payload);
        } catch (err) {
          throw mediaError(err);
        }
      });
      // Charged before parsing: a flood of malformed requests is a flood too.
      socket.on(event as never, ((...args: unknown[]) => {
        if (limits.allow(cls)) return handle(...args);
        const ack = args[args.length - 1];
        if (typeof ack === 'function') ack(RATE_LIMITED_ACK);
        if (limits.refused > MAX_REFUSED) socket.disconnect(true);
      }) as never);
    };

    on('hearing:join', empty, async () => {
      const session = await sessions.get(hearingId);
      const result = session.join(userId);
      data.session = session;
      await socket.join([hearingChannel(hearingId), userChannel(hearingId, userId)]);
      return result;
    });
    on('media:getRouterRtpCapabilities', empty, async () => {
      const room = await joined().mediaRoom(userId);
      return { rtpCapabilities: room.rtpCapabilities, room: room.name.split('/')[1] };
    });
    on('media:createTransport', schemas.createTransport, async ({ direction }) => (await joined().mediaRoom(userId)).createTransport(userId, direction));
    on('media:connectTransport', schemas.connectTransport, async ({ transportId, dtlsParameters }) => {
      await (await joined().mediaRoom(userId)).connectTransport(userId, transportId, dtlsParameters as unknown as types.DtlsParameters);
      return {};
    });
    on('media:produce', schemas.produce, async ({ transportId, kind, rtpParameters }) => ({
      producerId: await joined().produce(userId, transportId, kind, rtpParameters as unknown as types.RtpParameters),
    }));
    on('media:consume', schemas.consume, async ({ transportId, producerId, rtpCapabilities }) => {
      const consumer = await (await joined().mediaRoom(userId)).consume(userId, transportId, producerId, rtpCapabilities as unknown as types.RtpCapabilities);
      return { consumerId: consumer.id, producerId, participantId: String(consumer.appData.producerPeerId), kind: consumer.kind, rtpParameters: consumer.rtpParameters };
    });
    on('media:resumeConsumer', schemas.consumer, async ({ consumerId }) => {
      await (await joined().mediaRoom(userId)).resumeConsumer(userId, consumerId);
      return {};
    });
    on('media:pauseProducer', schemas.producer, async ({ producerId }) => {
      await joined().setOwnProducerPaused(userId, producerId, true);
      return {};
    });
    on('media:resumeProducer', schemas.producer, async ({ producerId }) => {
      await joined().setOwnProducerPaused(userId, producerId, false);
      return {};
    });
    on('media:setPreferredLayers', schemas.layers, async ({ consumerId, spatialLayer, temporalLayer }) => {
      await (await joined().mediaRoom(userId)).setPreferredLayers(userId, consumerId, spatialLayer, temporalLayer);
      return {};
    });
    on('media:listProducers', empty, async () => ({ producers: await joined().consumableProducers(userId) }));

    const control = (action: 'admit' | 'dismiss' | 'unlock' | 'remove') =>
      on(`host:${action}`, userRef, async ({ userId: target }) => {
        await joined().control(userId, action, target);
        return {};
      });
    control('admit');
    control('dismiss');
    control('unlock');
    control('remove');
    on('host:mute', schemas.mute, async ({ userId: target, lock }) => {
      await joined().control(userId, 'mute', target, { lock: lock ?? false });
      return {};
    });
    on('host:lowerAllHands', empty, async () => {
      await joined().control(userId, 'lowerAllHands');
      return {};
    });
    on('host:move', schemas.move, async ({ userId: target, room }) => {
      await joined().control(userId, 'move', target, { room });
      return {};
    });
    on('host:session', schemas.session, async ({ action }) => {
      const state = await joined().sessionAction(userId, action);
      if (state === 'closed') {
        // Acknowledge a close only once it is stored: no join token may be issued after it.
        await sessions.flush(hearingId);
        sessions.forget(hearingId);
      }
      return { state };
    });
    on('host:recording', z.object({ action: z.enum(['start', 'stop']) }).strict(), ({ action }) => joined().recording(userId, action));
    on('recording:consent', z.object({ consent: z.boolean() }).strict(), ({ consent }) => {
      joined().setRecordingConsent(userId, consent);
      return {};
    });
    on('hand:raise', empty, () => {
      joined().setHand(userId, true);
      return {};
    });
    on('hand:lower', empty, () => {
      joined().setHand(userId, false);
      return {};
    });

    socket.on('disconnect', () => {
      // Another socket of the same user may have taken over; only the last one leaving counts.
      void ns
        .in(userChannel(hearingId, userId))
        .fetchSockets()
        .then((remaining) => {
          if (remaining.length === 0) data.session?.disconnected(userId);
        });
    });
  });
  return ns;
}
