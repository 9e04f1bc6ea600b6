import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ParticipantView } from '../../../protocol/hearing.js';
import { useSession } from '../api/session.js';
import { hasKey, useI18n, type Translate } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { BenchPanel } from './BenchPanel.js';
import { isRecordWriter, RecordPanel } from './record/RecordPanel.js';
import { RecordingConsent } from './RecordingConsent.js';
import type { ChosenMedia } from './DeviceCheck.js';
import { HearingClient, type HearingSnapshot } from './hearingClient.js';
import { VideoTile } from './VideoTile.js';

function codeText(t: Translate, e: { code: string; message: string }): string {
  const key = `error.${e.code}`;
  return hasKey(key) ? t(key) : t('error.withMessage', { message: e.message });
}

function StatusBar({ snap }: { snap: HearingSnapshot }) {
  const { t } = useI18n();
  const stateKey = `sessionState.${snap.hearing?.state ?? 'open'}`;
  return (
    <div className="room-status">
      <span className="badge" data-testid="session-state">
        {hasKey(stateKey) ? t(stateKey) : snap.hearing?.state}
      </span>
      {snap.recording.active && (
        <span className="rec-indicator" role="status" data-testid="recording-indicator">
          <span aria-hidden="true">●</span> {t('room.recording')}
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

function Controls({ client, snap, onLeave, hasMic, hasCam }: { client: HearingClient; snap: HearingSnapshot; onLeave: () => void; hasMic: boolean; hasCam: boolean }) {
  const { t } = useI18n();
  const self = selfOf(snap);
  const locked = self?.locked === true;
  const hand = self?.handRaised === true;
  return (
    <div className="controls" role="toolbar" aria-label={t('room.controls')}>
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
export function HearingRoom({ hearingId, caseId, media }: { hearingId: string; caseId: string; media: ChosenMedia }) {
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
  if (snap.connection === 'ended' && snap.ended) {
    return (
      <section className="card">
        <h2>{t('room.endedTitle')}</h2>
        <p role="alert">{codeText(t, snap.ended)}</p>
        <button type="button" onClick={leave}>
          {t('room.backToCase')}
        </button>
      </section>
    );
  }

  const inMyRoom = snap.participants.filter((p) => p.userId !== me?.userId && (p.status === 'admitted' || p.status === 'inCaucus') && p.room === me?.room);
  const waiting = me && me.status === 'waiting';
  // The host of a mediation is the mediator: what people are told names the right person.
  const mediation = snap.hearing?.kind === 'mediation';
  return (
    <section className="hearing" aria-label={t('room.label')}>
      <StatusBar snap={snap} />
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
      {snap.recording.active && !me?.isHost && <p className="notice">{t('room.recordingNotice')}</p>}
      {mediation && me && !waiting && (
        <p className="notice" role="status" data-testid="my-room">
          {t('caucus.youAreIn', { room: t(`caucus.room.${me.room ?? 'joint'}`) })}
        </p>
      )}
      {mediation && (me?.role === 'party' || me?.role === 'representative') && !snap.recording.active && <RecordingConsent client={client} snap={snap} />}
      {snap.mutedByHost && !snap.micOn && (
        <p className="notice warn" role="status">
          {mediation ? (self?.locked ? t('room.mutedLockedMediation') : t('room.mutedByMediator')) : self?.locked ? t('room.mutedLocked') : t('room.mutedByHost')}
        </p>
      )}
      {snap.error && (
        <p className="error-box" role="alert">
          {codeText(t, snap.error)}
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
          <h2>{t('room.waitingTitle')}</h2>
          <p>{mediation ? t('room.waitingTextMediation') : t('room.waitingText')}</p>
        </div>
      )}
      <div className={`room-layout${me?.isHost ? ' with-bench' : ''}`}>
        <div className={`grid grid-${Math.min(inMyRoom.length + 1, 4)}`} data-testid="video-grid">
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
        {me?.isHost && <BenchPanel client={client} snap={snap} />}
      </div>
      {me && !waiting && isRecordWriter(me.role) && <RecordPanel client={client} snap={snap} hearingId={hearingId} />}
      <Controls client={client} snap={snap} onLeave={leave} hasMic={!!media.audio} hasCam={!!media.video} />
    </section>
  );
}

const noopSubscribe = () => () => undefined;
const emptySnapshot = (): HearingSnapshot | undefined => undefined;
