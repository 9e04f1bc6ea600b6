import { ApiError } from '../api/http.js';
import type { HearingView, ParticipantView, RecordingState, RoomName } from '../../../protocol/hearing.js';
import type { RecordParagraphView } from '../../../protocol/recordViews.js';
import { MediaSession, type RemoteMedia } from './mediaSession.js';
import { rateQuality, type Quality, type QualitySample } from './networkQuality.js';
import { connectHearing, HearingRequestError, requester, type HearingSocket, type Requester } from './signalling.js';

export type Connection = 'connecting' | 'connected' | 'reconnecting' | 'ended';

export interface HearingSnapshot {
  connection: Connection;
  /** Why the hearing ended for us: closed, removed, not allowed to join. */
  ended?: { code: string; message: string };
  hearing?: HearingView;
  me?: ParticipantView;
  participants: ParticipantView[];
  recording: RecordingState;
  activeSpeaker: string | null;
  remote: Map<string, RemoteMedia>;
  media: 'none' | 'connecting' | 'live' | 'failed';
  micOn: boolean;
  camOn: boolean;
  audioOnly: boolean;
  quality: Quality;
  /** The host muted us; with `locked` we cannot unmute. */
  mutedByHost: boolean;
  /** Last refused request, for the UI to show. */
  error?: { code: string; message: string };
  /** To the host: recording trouble. */
  alerts: string[];
  /** A party's answer to recording a mediation, once given in this session (the server keeps no other copy for us). */
  recordingConsent?: boolean;
  /** The hearing moved to another server while we were away, and we got our place back there. */
  placeCarriedOver?: boolean;
}

const MEDIA_STATUSES = new Set(['admitted', 'inCaucus']);
const STATS_EVERY_MS = 2000;
const RETRY_MEDIA_MS = 3000;
const PLACE_NOTICE_MS = 15_000;

/**
 * One participant's hearing: the signalling socket, who is where, and the
 * media session, rebuilt whenever the server says our place changed. React
 * reads it through subscribe()/snapshot (useSyncExternalStore).
 */
export class HearingClient {
  private state: HearingSnapshot = {
    connection: 'connecting',
    participants: [],
    recording: { active: false },
    activeSpeaker: null,
    remote: new Map(),
    media: 'none',
    micOn: true,
    camOn: true,
    audioOnly: false,
    quality: 'unknown',
    mutedByHost: false,
    alerts: [],
  };
  private readonly listeners = new Set<() => void>();
  private readonly socket: HearingSocket;
  private readonly ask: Requester;
  private session?: MediaSession;
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private statsTimer?: ReturnType<typeof setInterval>;
  private lastSample?: QualitySample;
  private disposed = false;

  constructor(
    hearingId: string,
    private readonly local: { audio?: MediaStreamTrack; video?: MediaStreamTrack },
  ) {
    this.state.micOn = !!local.audio;
    this.state.camOn = !!local.video;
    this.socket = connectHearing(hearingId, (err) => {
      // Refused (not a participant, hearing closed, logged out): stop. A network failure: keep retrying.
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) this.end(new HearingRequestError(err.code, err.message));
    });
    this.ask = requester(this.socket);
    this.wire();
    this.statsTimer = setInterval(() => void this.sampleQuality(), STATS_EVERY_MS);
  }

  // ---- store --------------------------------------------------------------------------------

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): HearingSnapshot => this.state;

  private set(patch: Partial<HearingSnapshot>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  /** The record (笔录) as the staff write it, pushed live to the staff (server/records); the record panel listens. */
  onRecordParagraph(listener: (paragraph: RecordParagraphView) => void): () => void {
    const handler = ({ paragraph }: { paragraph: RecordParagraphView }) => listener(paragraph);
    this.socket.on('record:paragraph', handler);
    return () => void this.socket.off('record:paragraph', handler);
  }

  // ---- signalling ---------------------------------------------------------------------------

  private wire(): void {
    const s = this.socket;
    s.on('connect', () => void this.joined());
    s.on('disconnect', (reason) => {
      this.teardown();
      // 'io client disconnect' is our own leave(); anything else is a network drop socket.io retries.
      if (reason === 'io client disconnect' || this.state.connection === 'ended') return;
      this.set({ connection: 'reconnecting', quality: 'offline' });
      // socket.io leaves a server-side disconnect to us; a removal or closure arrives as an event first.
      if (reason === 'io server disconnect') setTimeout(() => !this.disposed && this.state.connection !== 'ended' && s.connect(), 1000);
    });
    s.on('connect_error', (err) => {
      const data = (err as Error & { data?: { code?: string } }).data;
      if (this.state.connection === 'ended') return;
      this.set({ connection: this.state.me ? 'reconnecting' : 'connecting', quality: 'offline' });
      // A refused handshake (e.g. an expired token) is not retried by socket.io itself.
      if (data?.code) setTimeout(() => !this.disposed && this.state.connection !== 'ended' && s.connect(), 2000);
    });
    s.on('hearing:state', ({ state }) => this.state.hearing && this.set({ hearing: { ...this.state.hearing, state } }));
    s.on('hearing:participants', ({ participants }) => {
      // Host mute and lock arrive only in the list; media decisions still wait for hearing:me.
      const mine = participants.find((x) => x.userId === this.state.me?.userId);
      this.set({ participants, ...(mine?.audioMutedByHost ? { mutedByHost: true } : {}) });
    });
    s.on('hearing:me', ({ me }) => this.onMe(me));
    s.on('hearing:recording', (recording) => this.set({ recording }));
    s.on('recording:alert', ({ message }) => this.set({ alerts: [...this.state.alerts.slice(-4), message] }));
    s.on('hearing:rejoin', () => this.rebuild());
    s.on('hearing:removed', ({ reason }) => this.end(new HearingRequestError(this.state.hearing?.state === 'closed' ? 'HEARING_CLOSED' : 'REMOVED', reason)));
    s.on('media:activeSpeaker', ({ userId }) => this.set({ activeSpeaker: userId }));
    s.on('media:newProducer', (ann) => this.enqueue(async () => this.session?.consume(ann)));
    s.on('media:producerClosed', ({ producerId }) => this.session?.drop({ producerId }));
    s.on('media:consumerClosed', ({ consumerId }) => this.session?.drop({ consumerId }));
    s.on('media:producerPaused', ({ producerId, byHost }) => this.onPaused(producerId, byHost));
    s.on('media:producerResumed', ({ producerId }) => this.session?.remotePaused(producerId, false));
  }

  private async joined(): Promise<void> {
    try {
      const result = await this.ask('hearing:join', {});
      this.set({
        connection: 'connected',
        hearing: result.hearing,
        me: result.me,
        participants: result.participants,
        recording: result.recording,
        mutedByHost: result.me.audioMutedByHost,
        placeCarriedOver: result.placeCarriedOver === true,
        // The server starts a host-muted participant's microphone paused; follow it.
        ...(result.me.audioMutedByHost ? { micOn: false } : {}),
        quality: 'unknown',
      });
      if (MEDIA_STATUSES.has(result.me.status)) this.rebuild();
      // The notice that the hearing moved is news for a moment, not a state of the room.
      if (result.placeCarriedOver) setTimeout(() => !this.disposed && this.set({ placeCarriedOver: false }), PLACE_NOTICE_MS);
    } catch (err) {
      // A dropped line is socket.io's to retry (we join again on the next connect); a refusal ends it.
      if (err instanceof HearingRequestError && (err.code === 'DISCONNECTED' || err.code === 'TIMEOUT')) return;
      if (err instanceof HearingRequestError && err.code === 'HEARING_ON_OTHER_NODE') {
        // The hearing is held by another node (named by the token just fetched): connect there.
        this.socket.disconnect();
        setTimeout(() => !this.disposed && this.socket.connect(), 200);
        return;
      }
      this.end(err);
    }
  }

  private onMe(me: ParticipantView): void {
    const prev = this.state.me;
    this.set({ me, mutedByHost: me.audioMutedByHost });
    const was = !!prev && MEDIA_STATUSES.has(prev.status);
    const is = MEDIA_STATUSES.has(me.status);
    // Admitted, or moved to another room: media is set up afresh there.
    if (is && (!was || prev?.room !== me.room)) this.rebuild();
    else if (!is && was) this.teardown();
  }

  private onPaused(producerId: string, byHost: boolean): void {
    const own = this.session?.ownKind(producerId);
    if (!own) {
      this.session?.remotePaused(producerId, true);
      return;
    }
    // Our own pauses come back to us too; only the host's matter here.
    if (byHost && own === 'audio') {
      this.session?.pausedByHost('audio');
      this.set({ micOn: false, mutedByHost: true });
    }
  }

  // ---- media --------------------------------------------------------------------------------

  private enqueue(fn: () => Promise<unknown>): void {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch((err: unknown) => this.fail(err));
  }

  /** Drops the current session and builds a new one, unless a newer rebuild was asked meanwhile. */
  private rebuild(): void {
    const seq = ++this.seq;
    this.enqueue(async () => {
      if (seq !== this.seq || this.disposed) return;
      this.teardown(false);
      this.set({ media: 'connecting' });
      try {
        await this.build(seq);
      } catch (err) {
        this.teardown(false);
        this.set({ media: 'failed' });
        // A refusal (not admitted, closed) waits for the server's next word; anything else is tried again.
        const code = err instanceof HearingRequestError ? err.code : '';
        if (!['NOT_ADMITTED', 'HEARING_CLOSED', 'DISCONNECTED'].includes(code)) {
          setTimeout(() => seq === this.seq && this.socket.connected && this.rebuild(), RETRY_MEDIA_MS);
        }
        throw err;
      }
    });
  }

  private async build(seq: number): Promise<void> {
    const session = await MediaSession.open(this.ask, {
      changed: () => session === this.session && this.set({ remote: session.remote() }),
      failed: () => session === this.session && this.rebuild(),
    });
    if (seq !== this.seq || this.disposed) {
      session.close();
      return;
    }
    this.session = session;
    // Before consuming: an audio-only participant's video consumers start held back.
    if (this.state.audioOnly) await session.setAudioOnly(true);
    // Sending and receiving use different transports: neither waits for the other.
    await Promise.all([
      this.local.audio ? session.produce(this.local.audio, !this.state.micOn || this.state.mutedByHost) : undefined,
      this.local.video ? session.produce(this.local.video, !this.state.camOn || this.state.audioOnly) : undefined,
      session.consumeExisting(),
    ]);
    this.set({ media: 'live', remote: session.remote() });
  }

  private teardown(bump = true): void {
    if (bump) this.seq++;
    this.session?.close();
    this.session = undefined;
    // New transports count their statistics from zero.
    this.lastSample = undefined;
    this.set({ remote: new Map(), media: 'none' });
  }

  private fail(err: unknown): void {
    if (this.disposed) return;
    const e = err instanceof HearingRequestError ? err : new HearingRequestError('MEDIA_FAILED', err instanceof Error ? err.message : String(err));
    // A lost socket is handled by reconnection; anything else is shown.
    if (e.code !== 'DISCONNECTED') this.set({ media: this.session ? this.state.media : 'failed', error: { code: e.code, message: e.message } });
  }

  private end(err: unknown): void {
    const e = err instanceof HearingRequestError ? err : new HearingRequestError((err as { code?: string })?.code ?? 'JOIN_FAILED', err instanceof Error ? err.message : String(err));
    this.set({ connection: 'ended', ended: { code: e.code, message: e.message } });
    this.teardown();
    this.socket.disconnect();
  }

  private async sampleQuality(): Promise<void> {
    if (!this.session || !this.socket.connected) return;
    const reports = await this.session.stats().catch(() => []);
    const { quality, sample } = rateQuality(reports, this.lastSample);
    this.lastSample = sample;
    if (quality !== this.state.quality) {
      // Ask for smaller pictures on a bad line, the full picture when it recovers.
      if (quality === 'poor') void this.session.preferLayers(0);
      else if (quality === 'good' && this.state.quality !== 'unknown') void this.session.preferLayers(2);
      this.set({ quality });
    }
  }

  // ---- what the participant does ------------------------------------------------------------

  private act(fn: () => Promise<unknown>): Promise<void> {
    this.set({ error: undefined });
    return fn().then(
      () => undefined,
      (err: unknown) => this.fail(err),
    );
  }

  toggleMic(): Promise<void> {
    const on = !this.state.micOn;
    return this.act(async () => {
      await this.session?.setPaused('audio', !on);
      this.set({ micOn: on, ...(on ? { mutedByHost: false } : {}) });
    });
  }

  toggleCamera(): Promise<void> {
    const on = !this.state.camOn;
    return this.act(async () => {
      if (!this.state.audioOnly) await this.session?.setPaused('video', !on);
      this.set({ camOn: on });
    });
  }

  setAudioOnly(on: boolean): Promise<void> {
    return this.act(async () => {
      this.set({ audioOnly: on });
      await this.session?.setAudioOnly(on);
      if (this.state.camOn) await this.session?.setPaused('video', on);
    });
  }

  setHand(raised: boolean): Promise<void> {
    return this.act(() => this.ask(raised ? 'hand:raise' : 'hand:lower', {}));
  }

  host(action: 'admit' | 'dismiss' | 'unlock' | 'remove', userId: string): Promise<void> {
    return this.act(() => this.ask(`host:${action}`, { userId }));
  }

  mute(userId: string, lock: boolean): Promise<void> {
    return this.act(() => this.ask('host:mute', { userId, lock }));
  }

  lowerAllHands(): Promise<void> {
    return this.act(() => this.ask('host:lowerAllHands', {}));
  }

  runSession(action: 'start' | 'pause' | 'resume' | 'suspend' | 'close'): Promise<void> {
    return this.act(async () => {
      const { state } = await this.ask('host:session', { action });
      if (this.state.hearing) this.set({ hearing: { ...this.state.hearing, state } });
    });
  }

  recording(action: 'start' | 'stop'): Promise<void> {
    return this.act(async () => this.set({ recording: await this.ask('host:recording', { action }) }));
  }

  /** Mediation: the mediator moves a participant, or itself, between the joint room and a side's caucus. */
  move(userId: string, room: RoomName): Promise<void> {
    return this.act(() => this.ask('host:move', { userId, room }));
  }

  /** A party answers whether the joint session of a mediation may be recorded. */
  consentToRecording(consent: boolean): Promise<void> {
    return this.act(async () => {
      await this.ask('recording:consent', { consent });
      this.set({ recordingConsent: consent });
    });
  }

  /** Leave the hearing and release everything; the page calls this on unmount. */
  dispose(): void {
    this.disposed = true;
    clearInterval(this.statsTimer);
    this.teardown();
    this.socket.disconnect();
    this.listeners.clear();
  }
}
