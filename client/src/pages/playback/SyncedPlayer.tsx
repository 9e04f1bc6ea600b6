import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { post } from '../../api/http.js';
import { ErrorBox } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';
import { clock, segmentAt, type SessionTimeline } from './playbackTimeline.js';

/** A video further than this from the session clock is moved back onto it. */
const DRIFT_SECONDS = 0.5;
const TICK_MS = 200;
/** RMS level (0..1) above which a participant counts as speaking (about -34 dBFS). */
const SPEAKING_LEVEL = 0.02;
const SKIP_SECONDS = 5;

interface AudioPath {
  gain: GainNode;
  analyser: AnalyserNode;
  samples: Float32Array<ArrayBuffer>;
}

export interface PlayerControls {
  seek(seconds: number): void;
  position: number;
}

/**
 * All participants' recordings of one session side by side on one clock. Each segment is its
 * own <video>; the session clock (not any one video) is the truth, and every tick puts the
 * segment due at the clock's position in its place and moves any video that drifted. Sound
 * goes through WebAudio: a gain per participant mutes them, an analyser per segment measures
 * the level that marks who is speaking.
 */
export function SyncedPlayer({ timeline, aside }: { timeline: SessionTimeline; aside?: (controls: PlayerControls) => ReactNode }) {
  const { t } = useI18n();
  const videos = useRef(new Map<string, HTMLVideoElement>());
  const audio = useRef<{ context: AudioContext; paths: Map<string, AudioPath> } | undefined>(undefined);
  // The session clock: position `base` at wall time `wall` (ms), advancing while playing.
  const clockRef = useRef({ playing: false, base: 0, wall: 0 });
  const [urls, setUrls] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [position, setPosition] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [muted, setMuted] = useState<Record<string, boolean>>({});
  const [speaking, setSpeaking] = useState<string>();
  const mutedRef = useRef(muted);
  mutedRef.current = muted;

  const streamUrl = useCallback((segmentId: string) => post<{ url: string }>(`/api/recordings/${segmentId}/stream-url`).then((r) => r.url), []);
  useEffect(() => {
    let live = true;
    Promise.all(timeline.segments.map(async (s) => [s.id, await streamUrl(s.id)] as const)).then(
      (pairs) => live && setUrls(Object.fromEntries(pairs)),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [timeline, streamUrl]);

  const now = () => {
    const c = clockRef.current;
    return c.playing ? Math.min(timeline.seconds, c.base + (performance.now() - c.wall) / 1000) : c.base;
  };

  const sync = useCallback(() => {
    const c = clockRef.current;
    let pos = now();
    if (c.playing && pos >= timeline.seconds) {
      clockRef.current = { playing: false, base: timeline.seconds, wall: performance.now() };
      setPlaying(false);
      pos = timeline.seconds;
    }
    let loudest: { id: string; level: number } | undefined;
    for (const s of timeline.segments) {
      const video = videos.current.get(s.id);
      if (!video) continue;
      const due = segmentAt(timeline, s.participantId, pos)?.id === s.id;
      if (!due) {
        if (!video.paused) video.pause();
        continue;
      }
      const want = pos - s.offset;
      if (Math.abs(video.currentTime - want) > DRIFT_SECONDS) video.currentTime = want;
      if (clockRef.current.playing && video.paused) void video.play().catch(() => undefined);
      if (!clockRef.current.playing && !video.paused) video.pause();
      const path = audio.current?.paths.get(s.id);
      if (path) {
        path.gain.gain.value = mutedRef.current[s.participantId] ? 0 : 1;
        path.analyser.getFloatTimeDomainData(path.samples);
        const level = Math.sqrt(path.samples.reduce((sum, x) => sum + x * x, 0) / path.samples.length);
        if (clockRef.current.playing && level > SPEAKING_LEVEL && (!loudest || level > loudest.level)) loudest = { id: s.participantId, level };
      }
    }
    setSpeaking(loudest?.id);
    setPosition(pos);
  }, [timeline]);

  useEffect(() => {
    const timer = setInterval(sync, TICK_MS);
    return () => clearInterval(timer);
  }, [sync]);

  /** WebAudio may start only from a user gesture: the first press of play builds the graph. */
  const ensureAudio = () => {
    if (!audio.current) {
      const context = new AudioContext();
      const paths = new Map<string, AudioPath>();
      for (const [id, video] of videos.current) {
        const source = context.createMediaElementSource(video);
        const analyser = context.createAnalyser();
        analyser.fftSize = 1024;
        const gain = context.createGain();
        source.connect(analyser).connect(gain).connect(context.destination);
        paths.set(id, { gain, analyser, samples: new Float32Array(analyser.fftSize) });
      }
      audio.current = { context, paths };
    }
    void audio.current.context.resume();
  };

  const setClock = (playingNow: boolean, base: number) => {
    clockRef.current = { playing: playingNow, base: Math.max(0, Math.min(timeline.seconds, base)), wall: performance.now() };
    setPlaying(playingNow);
    sync();
  };
  const toggle = () => {
    if (clockRef.current.playing) return setClock(false, now());
    ensureAudio();
    setClock(true, now() >= timeline.seconds ? 0 : now());
  };
  const seek = (seconds: number) => setClock(clockRef.current.playing, seconds);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    const typing = target.tagName === 'INPUT' && (target as HTMLInputElement).type !== 'range';
    if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'k' || (e.key === ' ' && target.tagName !== 'BUTTON')) {
      e.preventDefault();
      toggle();
    } else if ((e.key === 'j' || e.key === 'l') && target.tagName !== 'INPUT') {
      e.preventDefault();
      seek(now() + (e.key === 'l' ? SKIP_SECONDS : -SKIP_SECONDS));
    }
  };

  /** An expired playback link: ask for a new one; the next tick puts the video back in place. */
  const renew = (segmentId: string) => {
    void streamUrl(segmentId).then((url) => setUrls((u) => ({ ...u, [segmentId]: url })), setError);
  };

  return (
    <div className="synced-player" onKeyDown={onKeyDown} data-testid="playback-player" data-position={position.toFixed(2)} data-playing={playing}>
      <div className="playback-main">
      <ErrorBox error={error} />
      <div className="playback-grid" style={{ gridTemplateColumns: `repeat(${Math.ceil(Math.sqrt(timeline.participants.length))}, minmax(0, 1fr))` }}>
        {timeline.participants.map((p) => {
          const current = segmentAt(timeline, p.id, position);
          return (
            <figure key={p.id} className={`playback-tile${speaking === p.id ? ' speaking' : ''}`} data-testid="playback-tile" data-participant-id={p.id} data-speaking={speaking === p.id}>
              {timeline.segments
                .filter((s) => s.participantId === p.id)
                .map((s) => (
                  <video
                    key={s.id}
                    ref={(el) => {
                      if (el) videos.current.set(s.id, el);
                      else videos.current.delete(s.id);
                    }}
                    src={urls[s.id]}
                    preload="auto"
                    playsInline
                    data-testid="playback-video"
                    data-segment-id={s.id}
                    hidden={current?.id !== s.id}
                    onError={() => renew(s.id)}
                  />
                ))}
              {!current && <p className="playback-gap">{t('playback.notRecordedNow')}</p>}
              <figcaption>
                <span>{p.name}</span>
                {speaking === p.id && <span className="badge">{t('playback.speaking')}</span>}
                <button type="button" aria-pressed={Boolean(muted[p.id])} onClick={() => setMuted((m) => ({ ...m, [p.id]: !m[p.id] }))} data-testid="playback-mute">
                  {muted[p.id] ? t('playback.unmute', { name: p.name }) : t('playback.mute', { name: p.name })}
                </button>
              </figcaption>
            </figure>
          );
        })}
      </div>
      <div className="playback-controls">
        <button type="button" className="primary" onClick={toggle} data-testid="playback-toggle">
          {playing ? t('playback.pause') : t('playback.play')}
        </button>
        <input
          type="range"
          min={0}
          max={timeline.seconds}
          step={1}
          value={position}
          onChange={(e) => seek(Number(e.target.value))}
          aria-label={t('playback.timeline')}
          aria-valuetext={`${clock(position)} / ${clock(timeline.seconds)}`}
          data-testid="playback-timeline"
        />
        <span className="playback-clock" aria-hidden="true">
          {clock(position)} / {clock(timeline.seconds)}
        </span>
      </div>
      <div className="playback-lanes" aria-hidden="true">
        {timeline.participants.map((p) => (
          <div key={p.id} className="playback-lane">
            <span className="playback-lane-name">{p.name}</span>
            <span className="playback-lane-track">
              {timeline.segments
                .filter((s) => s.participantId === p.id)
                .map((s) => (
                  <span key={s.id} className="playback-lane-segment" style={{ left: `${(s.offset / timeline.seconds) * 100}%`, width: `${(s.seconds / timeline.seconds) * 100}%` }} />
                ))}
              <span className="playback-lane-cursor" style={{ left: `${(position / Math.max(timeline.seconds, 0.001)) * 100}%` }} />
            </span>
          </div>
        ))}
      </div>
      <p className="hint">{t('playback.keys')}</p>
      </div>
      {aside && <div className="playback-side">{aside({ seek, position })}</div>}
    </div>
  );
}
