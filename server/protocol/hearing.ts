/**
 * The hearing signalling protocol (socket.io namespace `/hearing`), shared by
 * the server and every client with `import type`. Handshake: `auth: { token }`
 * with a hearing join token from POST /api/hearings/:id/join-token.
 * Every request is acknowledged with Ack<T>.
 */
import type { AckCallback } from './ack.js';

export type HearingKind = 'hearing' | 'mediation';
export type HearingRole = 'judge' | 'clerk' | 'mediator' | 'party' | 'representative' | 'witness' | 'interpreter' | 'observer';
export type Side = 'plaintiff' | 'defendant';
/** scheduled -> open (waiting room active) -> inSession <-> paused; inSession -> suspended -> inSession; any -> closed. */
export type SessionState = 'scheduled' | 'open' | 'inSession' | 'paused' | 'suspended' | 'closed';
export type ParticipantStatus = 'absent' | 'waiting' | 'admitted' | 'inCaucus' | 'disconnected';
/** 'joint' or the caucus room of one side, e.g. 'caucus:plaintiff'. */
export type RoomName = 'joint' | `caucus:${Side}`;
export type MediaKind = 'audio' | 'video';

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

export interface ProducerAnnouncement {
  producerId: string;
  participantId: string;
  kind: MediaKind;
}

type Req<P, R> = (payload: P, ack: AckCallback<R>) => void;
type Empty = Record<string, never>;

export interface HearingClientToServer {
  'hearing:join': Req<Empty, JoinResult>;
  'media:getRouterRtpCapabilities': Req<Empty, { rtpCapabilities: unknown; room: RoomName }>;
  'media:createTransport': Req<{ direction: 'send' | 'recv' }, TransportInfo>;
  'media:connectTransport': Req<{ transportId: string; dtlsParameters: unknown }, Empty>;
  'media:produce': Req<{ transportId: string; kind: MediaKind; rtpParameters: unknown }, { producerId: string }>;
  /** The consumer is created paused; the client resumes it once it is ready (media:resumeConsumer). */
  'media:consume': Req<{ transportId: string; producerId: string; rtpCapabilities: unknown }, ConsumerInfo>;
  'media:resumeConsumer': Req<{ consumerId: string }, Empty>;
  'media:pauseProducer': Req<{ producerId: string }, Empty>;
  'media:resumeProducer': Req<{ producerId: string }, Empty>;
  'media:setPreferredLayers': Req<{ consumerId: string; spatialLayer: number; temporalLayer?: number }, Empty>;
  /** Producers this participant may consume in its current room. */
  'media:listProducers': Req<Empty, { producers: ProducerAnnouncement[] }>;
  'host:admit': Req<{ userId: string }, Empty>;
  'host:dismiss': Req<{ userId: string }, Empty>;
  'host:mute': Req<{ userId: string; lock?: boolean }, Empty>;
  'host:unlock': Req<{ userId: string }, Empty>;
  'host:remove': Req<{ userId: string }, Empty>;
  'host:session': Req<{ action: 'start' | 'pause' | 'resume' | 'suspend' | 'close' }, { state: SessionState }>;
  'host:lowerAllHands': Req<Empty, Empty>;
  /** Mediation: the mediator moves itself or a party between the joint room and a side's caucus. */
  'host:move': Req<{ userId: string; room: RoomName }, Empty>;
  /** The judge; in a mediation the mediator, once every party has consented. Caucus rooms are never recorded. */
  'host:recording': Req<{ action: 'start' | 'stop' }, RecordingState>;
  /** A party's consent to the mediator recording the joint session. */
  'recording:consent': Req<{ consent: boolean }, Empty>;
  'hand:raise': Req<Empty, Empty>;
  'hand:lower': Req<Empty, Empty>;
}

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
  /** Everyone sees whether the hearing is being recorded. */
  'hearing:recording': (p: RecordingState) => void;
  /** To the host: recording of a participant failed and was restarted in a new segment. */
  'recording:alert': (p: { message: string; participantId: string }) => void;
}
