import { useEffect, useState } from 'react';
import type { CombinedFileJobView } from '../../../../protocol/playbackViews.js';
import { get, post } from '../../api/http.js';
import { ErrorBox, formatBytes, useAction } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';

const POLL_MS = 1500;

/**
 * The combined file of the session (one grid video with mixed audio), built by the server in
 * the background on request. Progress is polled from the job while it is queued or running.
 */
export function CombinedFilePanel({ hearingId }: { hearingId: string }) {
  const { t } = useI18n();
  const base = `/api/hearings/${hearingId}/recordings/combined`;
  const [job, setJob] = useState<CombinedFileJobView>();
  const [loadError, setLoadError] = useState<unknown>();
  const ask = useAction();
  const download = useAction();

  useEffect(() => {
    let live = true;
    get<{ jobs: CombinedFileJobView[] }>(base).then(
      (r) => live && setJob(r.jobs[0]),
      (err: unknown) => live && setLoadError(err),
    );
    return () => {
      live = false;
    };
  }, [base]);

  const pending = job?.status === 'queued' || job?.status === 'running';
  useEffect(() => {
    if (!pending || !job) return;
    const timer = setInterval(() => {
      void get<CombinedFileJobView>(`${base}/${job.id}`).then(setJob, () => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [pending, job, base]);

  return (
    <section className="card" aria-labelledby="combined-title" data-testid="combined-file">
      <h2 id="combined-title">{t('playback.combinedTitle')}</h2>
      <p className="muted">{t('playback.combinedLead')}</p>
      <ErrorBox error={loadError ?? ask.error ?? download.error} />
      {job && (
        <p role="status" data-testid="combined-status" data-status={job.status}>
          {job.status === 'queued' && t('playback.combinedQueued')}
          {job.status === 'running' && t('playback.combinedRunning', { n: Math.round(job.progress * 100) })}
          {job.status === 'done' && t('playback.combinedDone')}
          {job.status === 'failed' && t('playback.combinedFailed', { why: job.error ?? '' })}
        </p>
      )}
      {pending && <progress max={1} value={job.progress} aria-label={t('playback.combinedProgress')} />}
      {job?.status === 'done' && job.file && (
        <p className="hint">
          SHA-256: <code data-testid="combined-sha256">{job.file.sha256}</code> · {formatBytes(job.file.size)}
        </p>
      )}
      <div className="actions">
        {job?.status === 'done' && (
          <button
            type="button"
            disabled={download.busy}
            onClick={() =>
              void download.run(async () => {
                const { url } = await post<{ url: string }>(`${base}/${job.id}/stream-url`);
                window.open(url, '_blank', 'noopener');
              })
            }
          >
            {t('playback.combinedOpen')}
          </button>
        )}
        {!pending && (
          <button type="button" disabled={ask.busy} onClick={() => void ask.run(async () => setJob(await post<CombinedFileJobView>(base)))} data-testid="combined-request">
            {t('playback.combinedRequest')}
          </button>
        )}
      </div>
    </section>
  );
}
