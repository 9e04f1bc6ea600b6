import type { Server } from 'socket.io';
import type { types } from 'mediasoup';
import { ACK_ERROR_CODES, JOIN_ERROR_CODES } from '../../protocol/ack.js';
import {
  HEARING_REQUEST_NAMES,
  HEARING_REQUESTS,
  ROOM_NAMES,
  type HearingHandlers,
  type HearingRequest,
  type RoomName,
} from '../../protocol/hearing.js';
import { toAppError } from '../errors.js';
import type { HearingSession } from '../hearings/hearingSession.js';
import { mediaError } from '../hearings/hearingSession.js';
import { hearingChannel, userChannel, type HearingNamespace, type HearingSessions } from '../hearings/hearingSessions.js';
import { verifyJoinToken, type JoinClaims } from '../hearings/joinTokens.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import { request } from './ack.js';
import { guardConnection } from './packetGuard.js';
import { ConnectionLimits, HANDSHAKE_LIMIT, KeyedBuckets, requestClass } from './rateLimit.js';

/**
 * A client that keeps flooding after this many refusals is cut off (as one past the
 * packet ceiling of packetGuard.ts is): what it has still queued is then dropped
 * unread instead of costing the event loop.
 */
const MAX_REFUSED = 200;
/** Built once: refusing must cost as little as possible. */
const RATE_LIMITED_ACK = { ok: false, error: errors.rateLimited('Too many requests; slow down and try again in a moment.', ACK_ERROR_CODES.rateLimited).toBody() } as const;
/** The stable reason sent before a flooding connection is cut. */
const THROTTLED = errors.rateLimited('This connection sent too many requests and is closed; reconnect in a few seconds.', ACK_ERROR_CODES.rateLimited).toBody();
const RECONNECT_REFUSED = errors.rateLimited('Too many connections to this hearing in a short time; try again in a few seconds.', JOIN_ERROR_CODES.rateLimited);

/** Media rooms are named `<hearingId>/<room>` (HearingSession); the client is told the room part. */
function roomOf(mediaRoomName: string): RoomName {
  const part = mediaRoomName.slice(mediaRoomName.indexOf('/') + 1);
  const room = ROOM_NAMES.find((r) => r === part);
  if (!room) throw new Error(`Unexpected media room name ${mediaRoomName}`);
  return room;
}

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
  // By participant of a hearing, not by connection: reconnecting does not buy a fresh allowance.
  const handshakes = new KeyedBuckets(HANDSHAKE_LIMIT);
  const participantKey = (claims: JoinClaims) => `${claims.hearingId}:${claims.userId}`;

  ns.use((socket, next) => {
    try {
      const claims = verifyJoinToken((socket.handshake.auth as { token?: unknown }).token, jwtSecret);
      if (!handshakes.take(participantKey(claims))) throw RECONNECT_REFUSED;
      (socket.data as SocketData).claims = claims;
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
      if (!data.session) throw errors.invalidState('Join the hearing first (hearing:join).', ACK_ERROR_CODES.notJoined);
      return data.session;
    };
    const limits = new ConnectionLimits();
    const guard = guardConnection(socket.conn);
    guard.onCutOff(() => {
      handshakes.drain(participantKey(data.claims));
      socket.emit('hearing:throttled', THROTTLED);
    });
    const control = async (action: 'admit' | 'dismiss' | 'unlock' | 'remove', target: string) => {
      await joined().control(userId, action, target);
      return {};
    };
    // Every request of the protocol, answered: the compiler checks each payload and reply against protocol/hearing.ts.
    const handlers: HearingHandlers = {
      'hearing:join': async () => {
        const session = await sessions.get(hearingId);
        const result = session.join(userId);
        data.session = session;
        await socket.join([hearingChannel(hearingId), userChannel(hearingId, userId)]);
        return result;
      },
      'media:getRouterRtpCapabilities': async () => {
        const room = await joined().mediaRoom(userId);
        return { rtpCapabilities: room.rtpCapabilities, room: roomOf(room.name) };
      },
      'media:createTransport': async ({ direction }) => (await joined().mediaRoom(userId)).createTransport(userId, direction),
      'media:connectTransport': async ({ transportId, dtlsParameters }) => {
        await (await joined().mediaRoom(userId)).connectTransport(userId, transportId, dtlsParameters as unknown as types.DtlsParameters);
        return {};
      },
      'media:produce': async ({ transportId, kind, rtpParameters }) => ({
        producerId: await joined().produce(userId, transportId, kind, rtpParameters as unknown as types.RtpParameters),
      }),
      'media:consume': async ({ transportId, producerId, rtpCapabilities }) => {
        const consumer = await (await joined().mediaRoom(userId)).consume(userId, transportId, producerId, rtpCapabilities as unknown as types.RtpCapabilities);
        return { consumerId: consumer.id, producerId, participantId: String(consumer.appData.producerPeerId), kind: consumer.kind, rtpParameters: consumer.rtpParameters };
      },
      'media:setup': async () => {
        const room = await joined().mediaRoom(userId);
        const { send, recv } = await room.createTransportPair(userId);
        return { rtpCapabilities: room.rtpCapabilities, room: roomOf(room.name), send, recv };
      },
      'media:consumeMany': async ({ transportId, producerIds, rtpCapabilities }) => {
        const room = await joined().mediaRoom(userId);
        const { consumers, skipped } = await room.consumeMany(userId, transportId, producerIds, rtpCapabilities as unknown as types.RtpCapabilities);
        return {
          consumers: consumers.map((c) => ({ consumerId: c.id, producerId: c.producerId, participantId: String(c.appData.producerPeerId), kind: c.kind, rtpParameters: c.rtpParameters })),
          skipped,
        };
      },
      'media:resumeConsumers': async ({ consumerIds }) => {
        await (await joined().mediaRoom(userId)).resumeConsumers(userId, consumerIds);
        return {};
      },
      'media:resumeConsumer': async ({ consumerId }) => {
        await (await joined().mediaRoom(userId)).resumeConsumer(userId, consumerId);
        return {};
      },
      'media:pauseProducer': async ({ producerId }) => {
        await joined().setOwnProducerPaused(userId, producerId, true);
        return {};
      },
      'media:resumeProducer': async ({ producerId }) => {
        await joined().setOwnProducerPaused(userId, producerId, false);
        return {};
      },
      'media:setPreferredLayers': async ({ consumerId, spatialLayer, temporalLayer }) => {
        await (await joined().mediaRoom(userId)).setPreferredLayers(userId, consumerId, spatialLayer, temporalLayer);
        return {};
      },
      'media:listProducers': async () => ({ producers: await joined().consumableProducers(userId) }),
      'host:admit': ({ userId: target }) => control('admit', target),
      'host:dismiss': ({ userId: target }) => control('dismiss', target),
      'host:unlock': ({ userId: target }) => control('unlock', target),
      'host:remove': ({ userId: target }) => control('remove', target),
      'host:mute': async ({ userId: target, lock }) => {
        await joined().control(userId, 'mute', target, { lock: lock ?? false });
        return {};
      },
      'host:lowerAllHands': async () => {
        await joined().control(userId, 'lowerAllHands');
        return {};
      },
      'host:move': async ({ userId: target, room }) => {
        await joined().control(userId, 'move', target, { room });
        return {};
      },
      'host:session': async ({ action }) => {
        const state = await joined().sessionAction(userId, action);
        if (state === 'closed') {
          // Acknowledge a close only once it is stored: no join token may be issued after it.
          await sessions.flush(hearingId);
          sessions.forget(hearingId);
        }
        return { state };
      },
      'host:recording': ({ action }) => joined().recording(userId, action),
      'recording:consent': ({ consent }) => {
        joined().setRecordingConsent(userId, consent);
        return {};
      },
      'hand:raise': () => {
        joined().setHand(userId, true);
        return {};
      },
      'hand:lower': () => {
        joined().setHand(userId, false);
        return {};
      },
    };

    // The payload is checked with the protocol's own schema before the handler sees it.
    const answer = <E extends HearingRequest>(event: E) => {
      const handler = handlers[event];
      return request(logger, HEARING_REQUESTS[event], async (payload) => {
        try {
          return await handler(payload);
        } catch (err) {
          throw mediaError(err);
        }
      });
    };
    const bind = (event: HearingRequest) => {
      const cls = requestClass(event);
      const handle = answer(event);
      // Charged before parsing: a flood of malformed requests is a flood too.
      socket.on(event, (...args: unknown[]) => {
        // The packet that crossed the ceiling was decoded before the cut; it is not served.
        if (guard.cut) return;
        if (limits.allow(cls)) return handle(...args);
        const ack = args[args.length - 1];
        if (typeof ack === 'function') ack(RATE_LIMITED_ACK);
        if (limits.refused > MAX_REFUSED) guard.cutOff();
      });
    };
    for (const event of HEARING_REQUEST_NAMES) bind(event);

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
