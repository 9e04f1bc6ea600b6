/**
 * The hearing signalling protocol (socket.io namespace `/hearing`), shared by
 * the server and every client. Handshake: `auth: { token }` with a hearing join
 * token from POST /api/hearings/:id/join-token. Every request is acknowledged
 * with Ack<T>.
 *
 * Each request is defined once, as a zod schema in HEARING_REQUESTS: the server
 * validates with it, and the payload type is inferred from it. The reply of each
 * request is in HearingReplies; the server's handler map is checked against both.
 */
import { z } from 'zod';
import { MEDIA_KINDS, ROOM_NAMES } from '../state-machines/hearing/hearingTypes.js';
import type { HearingKind, HearingRole, MediaKind, ParticipantStatus, RoomName, SessionState, Side } from '../state-machines/hearing/hearingTypes.js';
import type { AckCallback, AckError } from './ack.js';
import { dtlsParametersSchema, rtpCapabilitiesSchema } from './mediaParameters.js';
import type { RecordParagraphView } from './recordViews.js';

export * from './hearingTypes.js';

export interface ParticipantView {
  userId: string;
  name: string;
  role: HearingRole;
  side?: Side;
  status: ParticipantStatus;
  room?: RoomName;
  handRaised: boolean;
  /** Muted by the host; `locked` means the participant cannot unmute. */
  audioMutedByHost: boolean;
  locked: boolean;
  isHost: boolean;
}

export interface HearingView {
  id: string;
  caseId: string;
  kind: HearingKind;
  state: SessionState;
  startsAt: string;
}

export interface RecordingState {
  active: boolean;
  startedAt?: string;
}

export interface JoinResult {
  hearing: HearingView;
  me: ParticipantView;
  participants: ParticipantView[];
  /** Told on joining, before any media of the participant enters the room. */
  recording: RecordingState;
  /**
   * Set when the hearing moved to another server (its server stopped) and this participant
   * got its place back there without being admitted again.
   */
  placeCarriedOver?: true;
}

export interface TransportInfo {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
}

export interface ConsumerInfo {
  consumerId: string;
  producerId: string;
  participantId: string;
  kind: MediaKind;
  rtpParameters: unknown;
}

/** The reply of media:setup: all a client needs to load its device and build both transports. */
export interface MediaSetup {
  rtpCapabilities: unknown;
  room: RoomName;
  send: TransportInfo;
  recv: TransportInfo;
}

/** A producer media:consumeMany did not consume: PRODUCER_NOT_FOUND (it went away) or CANNOT_CONSUME (no common codec). */
export interface SkippedProducer {
  producerId: string;
  code: string;
}

export interface ProducerAnnouncement {
  producerId: string;
  participantId: string;
  kind: MediaKind;
}

/** The reply of a request that only confirms. */
export type Empty = Record<string, never>;

const empty = z.object({}).strict().optional();
const id = z.string().min(1).max(100);
const userRef = z.object({ userId: id }).strict();
const consumerRef = z.object({ consumerId: id }).strict();
const producerRef = z.object({ producerId: id }).strict();
// Bounded in depth and size by the server's check of the room's codecs (HearingSession.produce).
const rtpParameters = z.record(z.string(), z.unknown());
/** The most streams one batched request may name: a participant's consumer limit (media/mediaRoom.ts PEER_MEDIA_LIMITS). */
export const MAX_BATCH = 120;
const layer = z.number().int().min(0).max(3);

const requestSchemas = {
  'hearing:join': empty,
  'media:getRouterRtpCapabilities': empty,
  'media:createTransport': z.object({ direction: z.enum(['send', 'recv']) }).strict(),
  'media:connectTransport': z.object({ transportId: id, dtlsParameters: dtlsParametersSchema }).strict(),
  'media:produce': z.object({ transportId: id, kind: z.enum(MEDIA_KINDS), rtpParameters }).strict(),
  /** The consumer is created paused; the client resumes it once it is ready (media:resumeConsumer). */
  'media:consume': z.object({ transportId: id, producerId: id, rtpCapabilities: rtpCapabilitiesSchema }).strict(),
  'media:resumeConsumer': consumerRef,
  /**
   * The fast join, one request instead of three: the router's capabilities and
   * both transports (send and receive), created in parallel.
   */
  'media:setup': empty,
  /**
   * Consumers of many producers at once (default: every producer of my room I do
   * not consume yet), created paused like media:consume; resume them with
   * media:resumeConsumers.
   */
  'media:consumeMany': z
    .object({ transportId: id, rtpCapabilities: rtpCapabilitiesSchema, producerIds: z.array(id).min(1).max(MAX_BATCH).optional() })
    .strict(),
  /** Resumes many consumers at once; video ones start with a fresh key frame. */
  'media:resumeConsumers': z.object({ consumerIds: z.array(id).min(1).max(MAX_BATCH) }).strict(),
  'media:pauseProducer': producerRef,
  'media:resumeProducer': producerRef,
  'media:setPreferredLayers': z.object({ consumerId: id, spatialLayer: layer, temporalLayer: layer.optional() }).strict(),
  /** Producers this participant may consume in its current room. */
  'media:listProducers': empty,
  'host:admit': userRef,
  'host:dismiss': userRef,
  'host:mute': z.object({ userId: id, lock: z.boolean().optional() }).strict(),
  'host:unlock': userRef,
  'host:remove': userRef,
  'host:session': z.object({ action: z.enum(['start', 'pause', 'resume', 'suspend', 'close']) }).strict(),
  'host:lowerAllHands': empty,
  /** Mediation: the mediator moves itself or a party between the joint room and a side's caucus. */
  'host:move': z.object({ userId: id, room: z.enum(ROOM_NAMES) }).strict(),
  /** The judge; in a mediation the mediator, once every party has consented. Caucus rooms are never recorded. */
  'host:recording': z.object({ action: z.enum(['start', 'stop']) }).strict(),
  /** A party's consent to the mediator recording the joint session. */
  'recording:consent': z.object({ consent: z.boolean() }).strict(),
  'hand:raise': empty,
  'hand:lower': empty,
} as const satisfies Record<string, z.ZodType>;

export type HearingRequest = keyof typeof requestSchemas;
/** What the client may send with a request. */
export type HearingPayload<E extends HearingRequest> = z.input<(typeof requestSchemas)[E]>;
/** What a handler receives once the payload passed its schema. */
export type HearingParsedPayload<E extends HearingRequest> = z.output<(typeof requestSchemas)[E]>;

/**
 * Every client -> server request, by event name: the schema its payload must pass.
 * Typed per event, so that code generic over the event still knows what each schema yields.
 */
export const HEARING_REQUESTS: { readonly [E in HearingRequest]: z.ZodType<HearingParsedPayload<E>, HearingPayload<E>> } = requestSchemas;
export const HEARING_REQUEST_NAMES = Object.keys(requestSchemas) as HearingRequest[];

/** The data of the `{ ok: true, data }` acknowledgement of each request. */
export interface HearingReplies {
  'hearing:join': JoinResult;
  'media:getRouterRtpCapabilities': { rtpCapabilities: unknown; room: RoomName };
  'media:createTransport': TransportInfo;
  'media:connectTransport': Empty;
  'media:produce': { producerId: string };
  'media:consume': ConsumerInfo;
  'media:resumeConsumer': Empty;
  'media:setup': MediaSetup;
  'media:consumeMany': { consumers: ConsumerInfo[]; skipped: SkippedProducer[] };
  'media:resumeConsumers': Empty;
  'media:pauseProducer': Empty;
  'media:resumeProducer': Empty;
  'media:setPreferredLayers': Empty;
  'media:listProducers': { producers: ProducerAnnouncement[] };
  'host:admit': Empty;
  'host:dismiss': Empty;
  'host:mute': Empty;
  'host:unlock': Empty;
  'host:remove': Empty;
  'host:session': { state: SessionState };
  'host:lowerAllHands': Empty;
  'host:move': Empty;
  'host:recording': RecordingState;
  'recording:consent': Empty;
  'hand:raise': Empty;
  'hand:lower': Empty;
}

// Fail to compile if a request has a schema but no reply, or a reply but no schema.
const _sameRequests: [Exclude<HearingRequest, keyof HearingReplies>, Exclude<keyof HearingReplies, HearingRequest>] extends [never, never] ? true : false = true;
void _sameRequests;

export type HearingReply<E extends HearingRequest> = HearingReplies[E];

/** The socket.io event map of requests, derived from the schemas and replies above. */
export type HearingClientToServer = {
  [E in HearingRequest]: (payload: HearingPayload<E>, ack: AckCallback<HearingReplies[E]>) => void;
};

/** What serves each request on the server: the parsed payload in, the reply (or a thrown AppError) out. */
export type HearingHandlers = {
  [E in HearingRequest]: (payload: HearingParsedPayload<E>) => Promise<HearingReplies[E]> | HearingReplies[E];
};

export interface HearingServerToClient {
  'hearing:state': (p: { state: SessionState }) => void;
  'hearing:participants': (p: { participants: ParticipantView[] }) => void;
  /** My own status or room changed; media must be set up again when `room` changed or I was admitted. */
  'hearing:me': (p: { me: ParticipantView }) => void;
  'media:newProducer': (p: ProducerAnnouncement) => void;
  'media:producerClosed': (p: { producerId: string }) => void;
  'media:consumerClosed': (p: { consumerId: string }) => void;
  'media:producerPaused': (p: { producerId: string; byHost: boolean }) => void;
  'media:producerResumed': (p: { producerId: string }) => void;
  'media:activeSpeaker': (p: { userId: string | null }) => void;
  /** The media server hosting my room was replaced: create transports again and re-produce. */
  'hearing:rejoin': (p: { reason: string }) => void;
  'hearing:removed': (p: { reason: string }) => void;
  /**
   * Sent just before the server cuts a connection that kept flooding it (code RATE_LIMITED).
   * The participant keeps its place for the grace period; new connections are refused
   * (RATE_LIMITED in the handshake error) for a few seconds.
   */
  'hearing:throttled': (p: AckError) => void;
  /** Everyone sees whether the hearing is being recorded. */
  'hearing:recording': (p: RecordingState) => void;
  /** To the host: recording of a participant failed and was restarted in a new segment. */
  'recording:alert': (p: { message: string; participantId: string }) => void;
  /** To the court staff in the hearing: a paragraph of the record (笔录) was written or changed (server/records). */
  'record:paragraph': (p: { paragraph: RecordParagraphView }) => void;
}
