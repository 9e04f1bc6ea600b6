/**
 * The hearing signalling protocol, checked at two levels. The expectTypeOf and
 * @ts-expect-error lines are checked by `tsc --noEmit` (tsconfig includes test/):
 * a protocol change that alters a payload, a reply or a domain word fails the
 * typecheck. The schema tests run: a malformed payload must be refused.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ACK_ERROR_CODES, JOIN_ERROR_CODES, type Ack, type AckCallback, type AckError } from '../../../protocol/ack.js';
import {
  HEARING_REQUEST_NAMES,
  HEARING_REQUESTS,
  type HearingClientToServer,
  type HearingHandlers,
  type HearingParsedPayload,
  type HearingPayload,
  type HearingReplies,
  type HearingRequest,
  type JoinResult,
  type RecordingState,
} from '../../../protocol/hearing.js';
import {
  HEARING_KINDS,
  HEARING_ROLES,
  ROOM_NAMES,
  SESSION_STATES,
  SIDES,
  type HearingKind,
  type HearingRole,
  type ParticipantStatus,
  type RoomName,
  type SessionState,
  type Side,
} from '../../../protocol/hearingTypes.js';
import { pingSchema, type PingReply, type SystemClientToServer } from '../../../protocol/system.js';
import type { NotificationView } from '../../../protocol/notificationViews.js';
import type { UserServerToClient } from '../../../protocol/user.js';
import * as machineTypes from '../../../state-machines/hearing/hearingTypes.js';

type AckOf<E extends HearingRequest> = Parameters<HearingClientToServer[E]>[1];

describe('hearing domain types (state-machines/hearing/hearingTypes.ts, re-exported by protocol/)', () => {
  it('derives each type from its one list', () => {
    expectTypeOf<HearingRole>().toEqualTypeOf<'judge' | 'clerk' | 'mediator' | 'party' | 'representative' | 'witness' | 'interpreter' | 'observer'>();
    expectTypeOf<HearingKind>().toEqualTypeOf<'hearing' | 'mediation'>();
    expectTypeOf<Side>().toEqualTypeOf<'plaintiff' | 'defendant'>();
    expectTypeOf<SessionState>().toEqualTypeOf<'scheduled' | 'open' | 'inSession' | 'paused' | 'suspended' | 'closed'>();
    expectTypeOf<ParticipantStatus>().toEqualTypeOf<'absent' | 'waiting' | 'admitted' | 'inCaucus' | 'disconnected'>();
    expectTypeOf<RoomName>().toEqualTypeOf<'joint' | 'caucus:plaintiff' | 'caucus:defendant'>();
    expectTypeOf<(typeof ROOM_NAMES)[number]>().toEqualTypeOf<RoomName>();
  });

  it('re-exports the very lists of the state machines, not copies', () => {
    expect(HEARING_ROLES).toBe(machineTypes.HEARING_ROLES);
    expect(HEARING_KINDS).toBe(machineTypes.HEARING_KINDS);
    expect(SIDES).toBe(machineTypes.SIDES);
    expect(SESSION_STATES).toBe(machineTypes.SESSION_STATES);
    expect(new Set(HEARING_ROLES).size).toBe(HEARING_ROLES.length);
    // One caucus per side, besides the joint room.
    expect(ROOM_NAMES).toEqual(['joint', ...SIDES.map((side) => `caucus:${side}`)]);
  });
});

describe('hearing requests: payloads inferred from the schemas', () => {
  it('infers each payload from its schema', () => {
    expectTypeOf<HearingPayload<'host:move'>>().toEqualTypeOf<{ userId: string; room: RoomName }>();
    expectTypeOf<HearingPayload<'host:mute'>>().toEqualTypeOf<{ userId: string; lock?: boolean | undefined }>();
    expectTypeOf<HearingPayload<'host:session'>>().toEqualTypeOf<{ action: 'start' | 'pause' | 'resume' | 'suspend' | 'close' }>();
    expectTypeOf<HearingPayload<'media:createTransport'>>().toEqualTypeOf<{ direction: 'send' | 'recv' }>();
    expectTypeOf<HearingPayload<'media:setPreferredLayers'>>().toEqualTypeOf<{ consumerId: string; spatialLayer: number; temporalLayer?: number | undefined }>();
    expectTypeOf<HearingPayload<'recording:consent'>>().toEqualTypeOf<{ consent: boolean }>();
    expectTypeOf<HearingParsedPayload<'media:produce'>['kind']>().toEqualTypeOf<'audio' | 'video'>();
    // A request without a body may be sent with `{}` or nothing at all.
    expectTypeOf<undefined>().toExtend<HearingPayload<'hearing:join'>>();
  });

  it('refuses a wrong payload at compile time', () => {
    // @ts-expect-error -- there is no caucus of a third side
    const room: HearingPayload<'host:move'> = { userId: 'u1', room: 'caucus:witness' };
    // @ts-expect-error -- the session has no 'restart' action
    const action: HearingPayload<'host:session'> = { action: 'restart' };
    // @ts-expect-error -- consent is a boolean, not a word
    const consent: HearingPayload<'recording:consent'> = { consent: 'yes' };
    expect([room, action, consent]).toHaveLength(3);
  });

  it('has exactly one reply type per request, and the acks carry them', () => {
    expectTypeOf<keyof HearingReplies>().toEqualTypeOf<HearingRequest>();
    expectTypeOf<keyof HearingHandlers>().toEqualTypeOf<HearingRequest>();
    expectTypeOf<AckOf<'hearing:join'>>().toEqualTypeOf<AckCallback<JoinResult>>();
    expectTypeOf<AckOf<'host:session'>>().toEqualTypeOf<AckCallback<{ state: SessionState }>>();
    expectTypeOf<AckOf<'host:recording'>>().toEqualTypeOf<AckCallback<RecordingState>>();
    expectTypeOf<AckOf<'media:produce'>>().toEqualTypeOf<AckCallback<{ producerId: string }>>();
    expectTypeOf<AckOf<'hand:raise'>>().toEqualTypeOf<AckCallback<Record<string, never>>>();
  });

  it('checks a handler against the request it serves', () => {
    expectTypeOf<Parameters<HearingHandlers['host:move']>[0]>().toEqualTypeOf<{ userId: string; room: RoomName }>();
    expectTypeOf<ReturnType<HearingHandlers['host:recording']>>().toEqualTypeOf<Promise<RecordingState> | RecordingState>();
    // @ts-expect-error -- host:session replies with the new state, not with nothing
    const wrongReply: HearingHandlers['host:session'] = () => ({});
    expect(wrongReply).toBeTypeOf('function');
  });

  it('keeps its published error codes', () => {
    expect(ACK_ERROR_CODES).toEqual({ validation: 'VALIDATION_FAILED', rateLimited: 'RATE_LIMITED', notJoined: 'NOT_JOINED', internal: 'INTERNAL' });
    expect(JOIN_ERROR_CODES).toEqual({ missing: 'JOIN_TOKEN_MISSING', invalid: 'JOIN_TOKEN_INVALID', expired: 'JOIN_TOKEN_EXPIRED', rateLimited: 'RATE_LIMITED' });
  });

  it('acknowledges with data or with a coded error, never both', () => {
    expectTypeOf<Ack<{ n: number }>>().toEqualTypeOf<{ ok: true; data: { n: number } } | { ok: false; error: AckError }>();
    expectTypeOf<AckError>().toEqualTypeOf<{ code: string; message: string }>();
  });
});

describe('hearing requests: the schemas the server validates with', () => {
  const bad: { [E in HearingRequest]?: unknown[] } = {
    'hearing:join': [{ extra: 1 }, 'join', [1]],
    'media:createTransport': [{}, { direction: 'both' }, { direction: 'send', extra: true }],
    'media:connectTransport': [{ transportId: 't1' }, { transportId: '', dtlsParameters: { fingerprints: [] } }, { transportId: 't1', dtlsParameters: { fingerprints: 'x' } }],
    'media:produce': [{ transportId: 't1', kind: 'screen', rtpParameters: {} }, { transportId: 't1', kind: 'audio' }],
    'media:consume': [{ transportId: 't1', producerId: 'p1' }, { transportId: 't1', producerId: 'p1', rtpCapabilities: { codecs: 'opus' } }],
    'media:setPreferredLayers': [{ consumerId: 'c1', spatialLayer: 4 }, { consumerId: 'c1', spatialLayer: 1.5 }, { consumerId: 'c1', spatialLayer: -1 }],
    'host:admit': [{}, { userId: 'x'.repeat(101) }, { userId: 7 }],
    'host:mute': [{ userId: 'u1', lock: 'yes' }],
    'host:session': [{ action: 'restart' }, {}],
    'host:move': [{ userId: 'u1', room: 'caucus:witness' }, { userId: 'u1' }],
    'host:recording': [{ action: 'pause' }],
    'recording:consent': [{ consent: 'yes' }, {}],
    'hand:raise': [{ hand: 'up' }],
    'media:setup': [{ direction: 'send' }],
    'media:consumeMany': [{ transportId: 't1' }, { transportId: 't1', rtpCapabilities: {}, producerIds: [] }, { transportId: 't1', rtpCapabilities: {}, producerIds: Array.from({ length: 121 }, (_, i) => `p${i}`) }],
    'media:resumeConsumers': [{ consumerIds: [] }, { consumerIds: 'c1' }, { consumerIds: Array.from({ length: 121 }, (_, i) => `c${i}`) }],
  };
  const good: { [E in HearingRequest]?: HearingPayload<E>[] } = {
    'hearing:join': [{}, undefined],
    'media:createTransport': [{ direction: 'recv' }],
    'media:connectTransport': [{ transportId: 't1', dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] } }],
    'media:setPreferredLayers': [{ consumerId: 'c1', spatialLayer: 2 }, { consumerId: 'c1', spatialLayer: 0, temporalLayer: 3 }],
    'host:mute': [{ userId: 'u1' }, { userId: 'u1', lock: true }],
    'host:move': [{ userId: 'u1', room: 'caucus:defendant' }],
    'recording:consent': [{ consent: false }],
    'media:setup': [{}, undefined],
    'media:consumeMany': [{ transportId: 't1', rtpCapabilities: {} }, { transportId: 't1', rtpCapabilities: {}, producerIds: ['p1', 'p2'] }],
    'media:resumeConsumers': [{ consumerIds: ['c1', 'c2'] }],
  };

  it('has a schema for every request name', () => {
    expect(HEARING_REQUEST_NAMES).toHaveLength(26);
    for (const name of HEARING_REQUEST_NAMES) expect(HEARING_REQUESTS[name], name).toBeDefined();
  });

  it.each(Object.entries(bad))('refuses malformed %s payloads', (event, payloads) => {
    const schema = HEARING_REQUESTS[event as HearingRequest];
    for (const payload of payloads ?? []) expect(schema.safeParse(payload).success, JSON.stringify(payload)).toBe(false);
  });

  it.each(Object.entries(good))('accepts well-formed %s payloads', (event, payloads) => {
    const schema = HEARING_REQUESTS[event as HearingRequest];
    for (const payload of payloads ?? []) expect(schema.safeParse(payload).success, JSON.stringify(payload)).toBe(true);
  });

  it('refuses nested media parameters that are not flat values', () => {
    const deep = { transportId: 't1', dtlsParameters: { fingerprints: [], extra: { nested: { deeper: 1 } } } };
    expect(HEARING_REQUESTS['media:connectTransport'].safeParse(deep).success).toBe(false);
  });
});

describe('the root namespace and the /user channel', () => {
  it('types system:ping from its schema', () => {
    expectTypeOf<Parameters<SystemClientToServer['system:ping']>[0]>().toEqualTypeOf<{ sentAt: number }>();
    expectTypeOf<Parameters<SystemClientToServer['system:ping']>[1]>().toEqualTypeOf<AckCallback<PingReply>>();
    expect(pingSchema.safeParse({ sentAt: Number.POSITIVE_INFINITY }).success).toBe(false);
    expect(pingSchema.safeParse({ sentAt: 'yesterday' }).success).toBe(false);
    expect(pingSchema.safeParse({ sentAt: 1 }).success).toBe(true);
  });

  it('pushes notifications as the REST API shows them', () => {
    expectTypeOf<Parameters<UserServerToClient['notification:new']>[0]>().toEqualTypeOf<NotificationView>();
  });
});
