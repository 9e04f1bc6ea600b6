import { useEffect, useRef, type RefObject } from 'react';
import { hasKey, useI18n } from '../i18n/i18n.js';

export interface TileProps {
  userId: string;
  name: string;
  role: string;
  video?: MediaStreamTrack | undefined;
  audio?: MediaStreamTrack | undefined;
  videoOff: boolean;
  audioOff: boolean;
  speaking: boolean;
  handRaised: boolean;
  local?: boolean;
  /** Shown as a small self-view: nobody else is on screen, so one's own picture must not fill it. */
  small?: boolean;
  /** Called when the browser refused to start sound without a click. */
  onAudioBlocked?: () => void;
  /** Bumped by the "enable sound" button so blocked audio retries. */
  soundKey?: number;
}

function useTrack(ref: RefObject<HTMLMediaElement | null>, track: MediaStreamTrack | undefined, onBlocked?: () => void, retry?: number): void {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = track ? new MediaStream([track]) : null;
    if (track) el.play().catch((err: unknown) => err instanceof DOMException && err.name === 'NotAllowedError' && onBlocked?.());
    // onBlocked is a fresh closure each render; only a new track or a retry matters here.
  }, [ref, track, retry]);
}

/**
 * One participant. Video and sound are separate elements: a muted <video>
 * always autoplays, so a browser that blocks sound until a click still shows
 * the picture, and the "enable sound" button only has to restart the <audio>.
 */
export function VideoTile(p: TileProps) {
  const { t } = useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  useTrack(videoRef, p.video);
  useTrack(audioRef, p.local ? undefined : p.audio, p.onAudioBlocked, p.soundKey);
  const roleKey = `role.${p.role}`;
  const showVideo = !!p.video && !p.videoOff;
  return (
    <figure className={`tile${p.speaking ? ' speaking' : ''}${p.local ? ' local' : ''}${p.small ? ' self-view' : ''}`} data-user-id={p.userId} data-speaking={p.speaking || undefined}>
      <video
        ref={videoRef}
        autoPlay
        playsInline
        muted
        hidden={!showVideo}
        data-remote={p.local ? undefined : 'true'}
        aria-label={t('room.videoOf', { name: p.name })}
      />
      {!p.local && <audio ref={audioRef} autoPlay />}
      {!showVideo && (
        <div className="tile-placeholder" aria-hidden="true">
          <span className="avatar">{p.name.slice(0, 1)}</span>
        </div>
      )}
      <figcaption>
        <span className="tile-name">{p.local ? t('room.you', { name: p.name }) : p.name}</span>
        <span className="muted"> · {hasKey(roleKey) ? t(roleKey) : p.role}</span>
        {p.audioOff && <span className="tile-flag">{t('room.micOffLabel')}</span>}
        {p.handRaised && <span className="tile-flag hand">{t('room.handRaisedLabel')}</span>}
        {p.speaking && <span className="visually-hidden">{t('room.speaking')}</span>}
      </figcaption>
    </figure>
  );
}
