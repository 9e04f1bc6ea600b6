import { useEffect, useState } from 'react';
import { get, post } from '../../api/http.js';
import type { Recording } from '../../api/types.js';
import { ErrorBox, formatBytes, useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';

/**
 * A <video src> cannot carry the Authorization header, and a long recording
 * must stream (seek with HTTP Range) rather than download first: the server
 * hands out a playback URL good for this recording only and for minutes.
 */
function Player({ rec, onClose }: { rec: Recording; onClose: () => void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    post<{ url: string }>(`/api/recordings/${rec.id}/stream-url`).then(
      (issued) => live && setUrl(issued.url),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [rec.id]);
  return (
    <div className="player">
      <ErrorBox error={error} />
      {!url && !error && <p role="status">{t('recordings.loading')}</p>}
      {url && (
        <video src={url} controls autoPlay playsInline data-testid="recording-player" aria-label={t('recordings.playerLabel', { name: rec.participantName, n: rec.segment })} />
      )}
      <button type="button" className="link-button" onClick={onClose}>
        {t('recordings.close')}
      </button>
    </div>
  );
}

export function Recordings({ caseId, version }: { caseId: string; version: number }) {
  const { t, dateTime } = useI18n();
  const { data, error } = useLoad(() => get<{ recordings: Recording[] }>(`/api/cases/${caseId}/recordings`), [caseId, version]);
  const [playing, setPlaying] = useState<string>();
  if (!data || data.recordings.length === 0) return error ? <ErrorBox error={error} /> : null;
  return (
    <section aria-labelledby="recordings-title" data-testid="recordings">
      <h2 id="recordings-title">{t('recordings.title')}</h2>
      {[...new Set(data.recordings.map((r) => r.hearingId))].map((hearingId) => (
        <p key={hearingId} className="playback-link">
          <Link href={`/hearings/${hearingId}/playback`} data-testid="playback-link">
            {t('recordings.playTogether', { at: dateTime(data.recordings.find((r) => r.hearingId === hearingId)?.startedAt ?? '') })}
          </Link>
        </p>
      ))}
      <ul className="recording-list">
        {data.recordings.map((r) => (
          <li key={r.id} className="card">
            <p>
              <strong>{r.participantName}</strong> · {t('recordings.segment', { n: r.segment })} · {dateTime(r.startedAt)}
              {r.durationSeconds !== undefined && <> · {t('recordings.seconds', { n: Math.round(r.durationSeconds) })}</>}
              {r.size !== undefined && <> · {formatBytes(r.size)}</>}
            </p>
            {r.status === 'finalised' ? (
              playing === r.id ? (
                <Player rec={r} onClose={() => setPlaying(undefined)} />
              ) : (
                <button type="button" onClick={() => setPlaying(r.id)} data-testid="play-recording">
                  {t('recordings.play')}
                </button>
              )
            ) : (
              <p className="muted">{t('recordings.inProgress')}</p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
