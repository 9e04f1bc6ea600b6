import { useEffect, useId, useRef, useState } from 'react';
import { useI18n, type MessageKey } from '../i18n/i18n.js';
import { roomWords } from './roomWords.js';

export interface ChosenMedia {
  stream: MediaStream;
  audio?: MediaStreamTrack;
  video?: MediaStreamTrack;
}

type DeviceProblem = 'blocked' | 'notFound' | 'inUse' | 'insecure' | 'other';

/** getUserMedia's error names, as a person can act on them. */
function problemOf(err: unknown): DeviceProblem {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'blocked';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'notFound';
  if (name === 'NotReadableError' || name === 'AbortError') return 'inUse';
  return 'other';
}

// 540p at 24 fps: documents held up to the camera stay legible, and the three simulcast layers stay affordable.
const CAMERA = { width: { ideal: 960 }, height: { ideal: 540 }, frameRate: { ideal: 24 } };

async function open(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack> {
  const constraints = kind === 'audio'
    ? { audio: deviceId ? { deviceId: { exact: deviceId } } : { echoCancellation: true, noiseSuppression: true } }
    : { video: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), ...CAMERA } };
  const stream = await navigator.mediaDevices.getUserMedia(constraints);
  const track = stream.getTracks()[0];
  if (!track) throw new DOMException('no track', 'NotFoundError');
  return track;
}

/** Mic level 0..1 from an analyser, sampled ten times a second (enough for a meter, cheap to render). */
function useLevel(track: MediaStreamTrack | undefined): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track) return;
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const buf = new Uint8Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getByteTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += ((v - 128) / 128) ** 2;
      setLevel(Math.min(1, Math.sqrt(sum / buf.length) * 4));
    }, 100);
    return () => {
      clearInterval(timer);
      source.disconnect();
      void ctx.close();
    };
  }, [track]);
  return level;
}

const PROBLEM_KEYS: Record<DeviceProblem, MessageKey> = {
  blocked: 'device.blocked',
  notFound: 'device.notFound',
  inUse: 'device.inUse',
  insecure: 'device.insecure',
  other: 'device.other',
};

/** Before joining: see yourself, hear that the microphone works, pick devices. */
export function DeviceCheck({ onJoin, mediation = false }: { onJoin: (media: ChosenMedia) => void; mediation?: boolean }) {
  const { t } = useI18n();
  const ids = { cam: useId(), mic: useId(), meter: useId() };
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [camId, setCamId] = useState('');
  const [micId, setMicId] = useState('');
  const [video, setVideo] = useState<MediaStreamTrack>();
  const [audio, setAudio] = useState<MediaStreamTrack>();
  const [problems, setProblems] = useState<{ audio?: DeviceProblem; video?: DeviceProblem }>({});
  const [attempt, setAttempt] = useState(0);
  // Joining before the devices answered would join without them.
  const [probing, setProbing] = useState(true);
  const videoRef = useRef<HTMLVideoElement>(null);
  const handedOver = useRef(false);
  const level = useLevel(audio);

  useEffect(() => {
    if (!navigator.mediaDevices) {
      setProblems({ audio: 'insecure', video: 'insecure' });
      setProbing(false);
      return;
    }
    let live = true;
    setProbing(true);
    const got: { audio?: MediaStreamTrack; video?: MediaStreamTrack } = {};
    void (async () => {
      const next: typeof problems = {};
      for (const kind of ['audio', 'video'] as const) {
        try {
          got[kind] = await open(kind, kind === 'audio' ? micId : camId);
        } catch (err) {
          next[kind] = problemOf(err);
        }
      }
      if (!live) {
        got.audio?.stop();
        got.video?.stop();
        return;
      }
      setAudio(got.audio);
      setVideo(got.video);
      setProblems(next);
      setProbing(false);
      // Labels are only readable once access was granted.
      setDevices(await navigator.mediaDevices.enumerateDevices());
    })();
    return () => {
      live = false;
      // Tracks handed to the hearing stay alive; anything else is released.
      if (!handedOver.current) {
        got.audio?.stop();
        got.video?.stop();
      }
    };
  }, [camId, micId, attempt]);

  useEffect(() => {
    if (videoRef.current) videoRef.current.srcObject = video ? new MediaStream([video]) : null;
  }, [video]);

  const join = () => {
    handedOver.current = true;
    const tracks = [audio, video].filter((x): x is MediaStreamTrack => !!x);
    onJoin({ stream: new MediaStream(tracks), ...(audio ? { audio } : {}), ...(video ? { video } : {}) });
  };

  const cams = devices.filter((d) => d.kind === 'videoinput');
  const mics = devices.filter((d) => d.kind === 'audioinput');
  return (
    <section className="device-check card" aria-labelledby="device-title">
      <h2 id="device-title">{roomWords(t, mediation)('device.title')}</h2>
      <div className="device-grid">
        <div className="preview">
          <video ref={videoRef} autoPlay playsInline muted aria-label={t('device.preview')} data-testid="preview" />
          {!video && <p className="tile-placeholder">{t('device.noCamera')}</p>}
        </div>
        <div>
          <div className="field">
            <label htmlFor={ids.cam}>{t('device.camera')}</label>
            <select id={ids.cam} value={camId} onChange={(e) => setCamId(e.target.value)}>
              <option value="">{t('device.default')}</option>
              {cams.map((d, i) => (
                <option key={d.deviceId || i} value={d.deviceId}>
                  {d.label || t('device.cameraN', { n: i + 1 })}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.mic}>{t('device.microphone')}</label>
            <select id={ids.mic} value={micId} onChange={(e) => setMicId(e.target.value)}>
              <option value="">{t('device.default')}</option>
              {mics.map((d, i) => (
                <option key={d.deviceId || i} value={d.deviceId}>
                  {d.label || t('device.micN', { n: i + 1 })}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.meter}>{t('device.level')}</label>
            <meter id={ids.meter} min={0} max={1} low={0.05} high={0.9} optimum={0.5} value={level} data-testid="mic-meter" />
          </div>
        </div>
      </div>
      {(problems.audio || problems.video) && (
        <div className="error-box" role="alert">
          {problems.video && <p>{t('device.cameraProblem', { why: t(PROBLEM_KEYS[problems.video]) })}</p>}
          {problems.audio && <p>{t('device.micProblem', { why: t(PROBLEM_KEYS[problems.audio]) })}</p>}
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            {t('device.retry')}
          </button>
        </div>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={join} disabled={probing} data-testid="join-now">
          {probing ? t('device.probing') : audio || video ? t('device.join') : t('device.joinWithout')}
        </button>
      </div>
    </section>
  );
}
