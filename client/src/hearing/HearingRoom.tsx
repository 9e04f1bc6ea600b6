import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ParticipantView } from '../../../protocol/hearing.js';
import type { HearingCaseHeader } from '../../../protocol/hearingViews.js';
import { useSession } from '../api/session.js';
import { hasKey, useI18n, type Translate, type Vars } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { BenchPanel } from './BenchPanel.js';
import { isRecordWriter, RecordPanel } from './record/RecordPanel.js';
import { RecordingConsent } from './RecordingConsent.js';
import type { ChosenMedia } from './DeviceCheck.js';
import { HearingClient, type HearingSnapshot } from './hearingClient.js';
import { roomWords } from './roomWords.js';
import { VideoTile } from './VideoTile.js';

type Words = (key: string, vars?: Vars) => string;

function codeText(t: Translate, w: Words, e: { code: string; message: string }): string {
  const key = `error.${e.code}`;
  return hasKey(key) ? w(key) : t('error.withMessage', { message: e.message });
}

/** Only the joint room is ever recorded (server/recordings/hearingRecorder.ts): a caucus says so instead. */
function inCaucusRoom(snap: HearingSnapshot): boolean {
  return (snap.me?.room ?? 'joint') !== 'joint';
}

function StatusBar({ snap, w }: { snap: HearingSnapshot; w: Words }) {
  const { t } = useI18n();
  const caucus = inCaucusRoom(snap);
  return (
    <div className="room-status">
      <span className="badge" data-testid="session-state">
        {w(`sessionState.${snap.hearing?.state ?? 'open'}`)}
      </span>
      {snap.recording.active && !caucus && (
        <span className="rec-indicator" role="status" data-testid="recording-indicator">
          <span aria-hidden="true">●</span> {t('room.recording')}
        </span>
      )}
      {caucus && (
        <span className="badge not-recorded" role="status" data-testid="not-recorded">
          {t('room.notRecorded')}
        </span>
      )}
      <span className={`quality quality-${snap.quality}`} role="status" data-testid="network-quality">
        <span className="bars" aria-hidden="true">
          <i />
          <i />
          <i />
        </span>
        {t(`quality.${snap.quality}`)}
      </span>
    </div>
  );
}

/** Our own entry: the live list carries host mute, lock and hand; `me` only changes with our place. */
function selfOf(snap: HearingSnapshot): ParticipantView | undefined {
  return snap.participants.find((p) => p.userId === snap.me?.userId) ?? snap.me;
}

/** The case the room is about: its number, the cause of action and the parties with their sides. */
function CaseHeader({ header }: { header: HearingCaseHeader }) {
  const { t, pick } = useI18n();
  return (
    <dl className="case-header" data-testid="case-header" aria-label={t('room.caseTitle')}>
      <div>
        <dt>{t('room.caseNumber')}</dt>
        <dd data-name>{header.caseNumber ?? t('room.noCaseNumber')}</dd>
      </div>
      {header.causeOfAction && (
        <div>
          <dt>{t('room.causeOfAction')}</dt>
          <dd>{pick(header.causeOfAction.zh, header.causeOfAction.en)}</dd>
        </div>
      )}
      <div>
        <dt>{t('room.parties')}</dt>
        <dd>
          <ul className="inline-list">
            {header.parties.map((p, i) => (
              <li key={i} data-side={p.side}>
                {t(`side.${p.side}`)}: <span data-name>{p.name}</span>
              </li>
            ))}
          </ul>
        </dd>
      </div>
    </dl>
  );
}

/**
 * What someone on their own is told: who they are waiting for and why. The host
 * (judge or mediator) is the one everybody waits for; in a mediation the host may
 * be in the other side's caucus room.
 */
function aloneMessage(snap: HearingSnapshot, others: ParticipantView[], w: Words): string | undefined {
  const me = snap.me;
  if (!me || me.status === 'waiting') return undefined;
  if (me.isHost) return others.length === 0 ? w('room.aloneHostNobody') : undefined;
  if (others.some((p) => p.isHost)) return undefined;
  const host = snap.participants.find((p) => p.isHost && (p.status === 'admitted' || p.status === 'inCaucus'));
  // In a mediation the mediator is then in another room: the other side's caucus, or the joint room while I wait in mine.
  if (host && snap.hearing?.kind === 'mediation') return w(host.room === 'joint' ? 'room.aloneInCaucus' : 'room.aloneMediatorInCaucus');
  if (!host) return w('room.aloneNoHost');
  return others.length === 0 ? w('room.aloneNobody') : undefined;
}

function Controls({ client, snap, onLeave, hasMic, hasCam, w }: { client: HearingClient; snap: HearingSnapshot; onLeave: () => void; hasMic: boolean; hasCam: boolean; w: Words }) {
  const { t } = useI18n();
  const self = selfOf(snap);
  const locked = self?.locked === true;
  const hand = self?.handRaised === true;
  return (
    <div className="controls" role="toolbar" aria-label={w('room.controls')} data-testid="room-controls">
      <button type="button" aria-pressed={!snap.micOn} disabled={!hasMic || (locked && !snap.micOn)} onClick={() => void client.toggleMic()} data-testid="toggle-mic">
        {snap.micOn ? t('room.mute') : t('room.unmute')}
      </button>
      <button type="button" aria-pressed={!snap.camOn} disabled={!hasCam || snap.audioOnly} onClick={() => void client.toggleCamera()} data-testid="toggle-camera">
        {snap.camOn ? t('room.cameraOff') : t('room.cameraOn')}
      </button>
      <button type="button" aria-pressed={snap.audioOnly} onClick={() => void client.setAudioOnly(!snap.audioOnly)} data-testid="audio-only">
        {t('room.audioOnly')}
      </button>
      {!snap.me?.isHost && (
        <button type="button" aria-pressed={hand} onClick={() => void client.setHand(!hand)} data-testid="raise-hand">
          {hand ? t('room.lowerHand') : t('room.raiseHand')}
        </button>
      )}
      <button type="button" className="danger" onClick={onLeave}>
        {t('room.leave')}
      </button>
    </div>
  );
}

/** The hearing itself: everyone's video, the controls, and for the host the bench. */
export function HearingRoom({ hearingId, caseId, media, header }: { hearingId: string; caseId: string; media: ChosenMedia; header?: HearingCaseHeader | undefined }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [client, setClient] = useState<HearingClient>();
  const [soundBlocked, setSoundBlocked] = useState(false);
  const [soundKey, setSoundKey] = useState(0);

  useEffect(() => {
    const c = new HearingClient(hearingId, { ...(media.audio ? { audio: media.audio } : {}), ...(media.video ? { video: media.video } : {}) });
    setClient(c);
    return () => c.dispose();
  }, [hearingId, media]);
  useEffect(() => () => media.stream.getTracks().forEach((tr) => tr.stop()), [media]);

  const snap = useSyncExternalStore(client?.subscribe ?? noopSubscribe, client?.getSnapshot ?? emptySnapshot);
  if (!client || !snap) return <p role="status">{t('room.connecting')}</p>;

  const leave = () => navigate(`/cases/${caseId}`);
  const me = snap.me;
  const self = selfOf(snap);
  // The host of a mediation is the mediator: what people are told names the right person, in mediation words.
  const mediation = snap.hearing?.kind === 'mediation';
  const w = roomWords(t, mediation);
  if (snap.connection === 'ended' && snap.ended) {
    return (
      <section className="card">
        <h2>{w('room.endedTitle')}</h2>
        <p role="alert">{codeText(t, w, snap.ended)}</p>
        <button type="button" onClick={leave}>
          {t('room.backToCase')}
        </button>
      </section>
    );
  }

  const inMyRoom = snap.participants.filter((p) => p.userId !== me?.userId && (p.status === 'admitted' || p.status === 'inCaucus') && p.room === me?.room);
  const waiting = me && me.status === 'waiting';
  const caucus = inCaucusRoom(snap);
  const alone = aloneMessage(snap, inMyRoom, w);
  // On their own, people see themselves as a small self-view, not a picture filling the screen.
  const selfViewOnly = !!waiting || inMyRoom.length === 0;
  return (
    <section className="hearing" aria-label={w('room.label')}>
      {header && <CaseHeader header={header} />}
      <StatusBar snap={snap} w={w} />
      {snap.connection === 'reconnecting' && (
        <p className="notice warn" role="alert">
          {t('room.reconnecting')}
        </p>
      )}
      {snap.connection === 'connecting' && <p role="status">{t('room.connecting')}</p>}
      {snap.connection === 'connected' && snap.placeCarriedOver && (
        <p className="notice" role="status" data-testid="place-carried-over">
          {t('room.placeCarriedOver')}
        </p>
      )}
      {snap.recording.active && !me?.isHost && !caucus && <p className="notice">{w('room.recordingNotice')}</p>}
      {caucus && (
        <p className="notice ok" data-testid="caucus-not-recorded">
          {t('room.notRecordedNotice')}
        </p>
      )}
      {alone && (
        <p className="notice" role="status" data-testid="alone-message">
          {alone}
        </p>
      )}
      {mediation && me && !waiting && (
        <p className="notice" role="status" data-testid="my-room">
          {t('caucus.youAreIn', { room: t(`caucus.room.${me.room ?? 'joint'}`) })}
        </p>
      )}
      {/* The question is about the joint room; a caucus is never recorded. */}
      {mediation && (me?.role === 'party' || me?.role === 'representative') && !snap.recording.active && !caucus && <RecordingConsent client={client} snap={snap} />}
      {snap.mutedByHost && !snap.micOn && (
        <p className="notice warn" role="status">
          {mediation && !self?.locked ? t('room.mutedByMediator') : w(self?.locked ? 'room.mutedLocked' : 'room.mutedByHost')}
        </p>
      )}
      {snap.error && (
        <p className="error-box" role="alert">
          {codeText(t, w, snap.error)}
        </p>
      )}
      {snap.media === 'failed' && <p className="error-box">{t('room.mediaFailed')}</p>}
      {soundBlocked && (
        <button
          type="button"
          className="primary"
          onClick={() => {
            setSoundBlocked(false);
            setSoundKey((n) => n + 1);
          }}
        >
          {t('room.enableSound')}
        </button>
      )}
      {waiting && (
        <div className="notice waiting" role="status" data-testid="waiting-room">
          <h2>{w('room.waitingTitle')}</h2>
          <p>{w('room.waitingText')}</p>
        </div>
      )}
      <div className={`room-layout${me?.isHost ? ' with-bench' : ''}`}>
        <div className="room-main">
          <div className={`grid grid-${Math.min(inMyRoom.length + 1, 4)}${selfViewOnly ? ' self-only' : ''}`} data-testid="video-grid">
            <VideoTile
              userId={me?.userId ?? user?.id ?? ''}
              name={me?.name ?? user?.name ?? ''}
              role={me?.role ?? ''}
              video={media.video}
              videoOff={!snap.camOn || snap.audioOnly}
              audioOff={!snap.micOn}
              speaking={!!me && snap.activeSpeaker === me.userId}
              handRaised={self?.handRaised === true}
              local
              small={selfViewOnly}
            />
            {!waiting &&
              inMyRoom.map((p) => {
                const r = snap.remote.get(p.userId);
                return (
                  <VideoTile
                    key={p.userId}
                    userId={p.userId}
                    name={p.name}
                    role={p.role}
                    video={r?.video}
                    audio={r?.audio}
                    videoOff={!r?.video || r.videoPaused}
                    audioOff={!r?.audio || r.audioPaused || p.audioMutedByHost}
                    speaking={snap.activeSpeaker === p.userId}
                    handRaised={p.handRaised}
                    onAudioBlocked={() => setSoundBlocked(true)}
                    soundKey={soundKey}
                  />
                );
              })}
          </div>
          {/* In the flow, right under the pictures: the bar never lies over the bench, the caucus list or the record. */}
          <Controls client={client} snap={snap} onLeave={leave} hasMic={!!media.audio} hasCam={!!media.video} w={w} />
        </div>
        {me?.isHost && <BenchPanel client={client} snap={snap} />}
      </div>
      {me && !waiting && isRecordWriter(me.role) && <RecordPanel client={client} snap={snap} hearingId={hearingId} />}
    </section>
  );
}

const noopSubscribe = () => () => undefined;
const emptySnapshot = (): HearingSnapshot | undefined => undefined;
