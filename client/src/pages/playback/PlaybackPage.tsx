import type { HearingRecordView, RecordParagraphView } from '../../../../protocol/recordViews.js';
import { get } from '../../api/http.js';
import type { Recording } from '../../api/types.js';
import { ErrorBox, Loading, useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { CombinedFilePanel } from './CombinedFilePanel.js';
import { clock, sessionTimeline, type SessionTimeline } from './playbackTimeline.js';
import { SyncedPlayer, type PlayerControls } from './SyncedPlayer.js';

/** Where a paragraph sits on the session timeline: as the record stamped it, else by its hearing time. */
function offsetOf(p: RecordParagraphView, timeline: SessionTimeline): number {
  return p.recording?.offsetSeconds ?? (Date.parse(p.at) - Date.parse(timeline.startedAt)) / 1000;
}

function Paragraphs({ paragraphs, timeline, controls }: { paragraphs: RecordParagraphView[]; timeline: SessionTimeline; controls: PlayerControls }) {
  const { t } = useI18n();
  const placed = paragraphs.map((p) => ({ p, offset: offsetOf(p, timeline) }));
  // The paragraph being spoken: the last one that started at or before the clock.
  const current = [...placed].reverse().find((x) => x.offset <= controls.position + 0.25)?.p.id;
  return (
    <section aria-labelledby="playback-record-title" className="playback-record">
      <h2 id="playback-record-title">{t('playback.recordTitle')}</h2>
      <p className="hint">{t('playback.recordHint')}</p>
      <ol data-testid="playback-paragraphs">
        {placed.map(({ p, offset }) => {
          const inside = offset >= 0 && offset <= timeline.seconds;
          return (
            <li key={p.id}>
              <button
                type="button"
                className="link-button"
                aria-current={current === p.id ? 'true' : undefined}
                disabled={!inside}
                onClick={() => controls.seek(offset)}
                data-testid="playback-paragraph"
                data-offset={offset.toFixed(2)}
              >
                <span className="record-time">{inside ? clock(offset) : t('playback.outsideRecording')}</span> <strong>{`${t(`role.${p.speaker.role}`)} ${p.speaker.name}`}</strong>：{p.text}
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/**
 * One synchronized playback of a hearing (issue 18): every participant's recordings side by
 * side on one timeline, the record's paragraphs beside them, and the combined file on request.
 */
export function PlaybackPage({ hearingId }: { hearingId: string }) {
  const { t } = useI18n();
  const { data, error } = useLoad(async () => {
    const hearing = await get<{ caseId: string; kind: 'hearing' | 'mediation' }>(`/api/hearings/${hearingId}`);
    const [recordings, record] = await Promise.all([
      get<{ recordings: Recording[] }>(`/api/cases/${hearing.caseId}/recordings`),
      // Parties read the record once the hearing has ended; before that the player plays without it.
      get<HearingRecordView>(`/api/hearings/${hearingId}/record`).catch(() => undefined),
    ]);
    return { hearing, timeline: sessionTimeline(recordings.recordings.filter((r) => r.hearingId === hearingId)), record };
  }, [hearingId]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const { hearing, timeline, record } = data;
  return (
    <article className="playback-page">
      <header className="page-head">
        <h1 tabIndex={-1}>{hearing.kind === 'mediation' ? t('playback.titleMediation') : t('playback.title')}</h1>
      </header>
      <p className="muted">
        <Link href={`/cases/${hearing.caseId}`}>{t('room.backToCase')}</Link>
      </p>
      {!timeline && <p className="muted">{t('playback.none')}</p>}
      {timeline && (
        <SyncedPlayer
          timeline={timeline}
          aside={(controls) =>
            record && record.paragraphs.length > 0 ? <Paragraphs paragraphs={record.paragraphs} timeline={timeline} controls={controls} /> : <p className="muted">{t('playback.noRecord')}</p>
          }
        />
      )}
      {timeline && <CombinedFilePanel hearingId={hearingId} />}
    </article>
  );
}
