/**
 * The reading review on the case page: live progress while the papers are read (pushed on the
 * /user channel), then what was found. The clerk's screen shows each page's image beside the
 * text read from it, with the passages behind each finding marked; the filer edits the drafted
 * evidence list; court staff may reverse an automatic docketing.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { EvidenceItem, FindingLocation, ReadingFinding, ReviewDocumentView, ReviewView } from '../../../../protocol/review.js';
import { fetchBlob, get, post, put } from '../../api/http.js';
import type { CaseView } from '../../api/types.js';
import { ErrorBox, ProgressBar, useAction } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';
import { useNotifications } from '../../notifications/notificationCentre.js';

/** The quote as a pattern: a masked ID number (110105********002X) matches the digits it hides. */
function quotePattern(quote: string): RegExp | null {
  if (quote.trim() === '') return null;
  const escaped = quote.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '*' ? '\\S' : `\\${c}`));
  return new RegExp(escaped);
}

/** The text with every quoted passage in <mark>. */
export function Highlighted({ text, quotes }: { text: string; quotes: string[] }) {
  const parts: ReactNode[] = [];
  let rest = text;
  let key = 0;
  for (;;) {
    let best: { index: number; length: number } | undefined;
    for (const q of quotes) {
      const m = quotePattern(q)?.exec(rest);
      if (m && (best === undefined || m.index < best.index)) best = { index: m.index, length: m[0].length };
    }
    if (!best || best.length === 0) break;
    parts.push(rest.slice(0, best.index), <mark key={key++}>{rest.slice(best.index, best.index + best.length)}</mark>);
    rest = rest.slice(best.index + best.length);
  }
  parts.push(rest);
  return <p className="pre reading-text">{parts}</p>;
}

function PageImage({ caseId, documentId, page, label }: { caseId: string; documentId: string; page: number; label: string }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let gone = false;
    let made: string | undefined;
    fetchBlob(`/api/cases/${caseId}/review/pages/${documentId}/${page}`).then(
      (blob) => {
        if (gone) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      },
      () => undefined,
    );
    return () => {
      gone = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [caseId, documentId, page]);
  return url ? <img className="reading-page" src={url} alt={label} /> : null;
}

function Document({ caseId, d, locations }: { caseId: string; d: ReviewDocumentView; locations: FindingLocation[] }) {
  const { t } = useI18n();
  return (
    <>
      {d.pages.map((p) => {
        const here = locations.filter((l) => l.documentId === d.documentId && l.page === p.page);
        const label = t('reading.page', { file: d.filename, page: String(p.page) });
        return (
          <section key={p.page} className={`reading-pair${here.length > 0 ? ' has-finding' : ''}`} aria-label={label} data-testid="reading-page">
            <h4>{label}</h4>
            <div className="reading-columns">
              <PageImage caseId={caseId} documentId={d.documentId} page={p.page} label={t('reading.pageImage', { file: d.filename, page: String(p.page) })} />
              {p.text ? <Highlighted text={p.text} quotes={here.map((l) => l.quote)} /> : <p className="muted">{t('reading.noText')}</p>}
            </div>
          </section>
        );
      })}
    </>
  );
}

function FindingList({ items, title }: { items: ReadingFinding[]; title: string }) {
  const { pick } = useI18n();
  if (items.length === 0) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul className="findings">
        {items.map((f, i) => (
          <li key={`${f.code}-${i}`} data-code={f.code}>
            {pick(f.messageZh, f.message)}
          </li>
        ))}
      </ul>
    </>
  );
}

function EvidenceList({ caseId, review, editable, onSaved }: { caseId: string; review: ReviewView; editable: boolean; onSaved: (r: ReviewView) => void }) {
  const { t } = useI18n();
  const [items, setItems] = useState<EvidenceItem[]>(review.evidenceList);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  useEffect(() => setItems(review.evidenceList), [review.evidenceList]);
  if (items.length === 0) return null;
  const edit = (i: number, title: string) => setItems(items.map((it, j) => (j === i ? { ...it, title } : it)));
  return (
    <section aria-labelledby="evidence-list-title">
      <h3 id="evidence-list-title">{t('reading.evidenceList')}</h3>
      <table className="evidence-list">
        <thead>
          <tr>
            <th scope="col">{t('reading.evidenceTitle')}</th>
            <th scope="col">{t('reading.evidencePages')}</th>
            <th scope="col">{t('reading.evidenceExcerpt')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((it, i) => (
            <tr key={it.documentId}>
              <td>{editable ? <input aria-label={t('reading.evidenceTitle')} value={it.title} maxLength={200} onChange={(e) => edit(i, e.target.value)} /> : it.title}</td>
              <td>{it.pageCount}</td>
              <td>{it.excerpt}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {editable && (
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              onSaved(await put<ReviewView>(`/api/cases/${caseId}/review/evidence-list`, { items }));
              setSaved(true);
            })
          }
        >
          {t('reading.saveEvidenceList')}
        </button>
      )}
      {saved && <p role="status">{t('reading.saved')}</p>}
      <ErrorBox error={error} />
    </section>
  );
}

function ReverseDocketing({ c, onChanged }: { c: CaseView; onChanged: (c: CaseView) => void }) {
  const { t } = useI18n();
  const [reasons, setReasons] = useState('');
  const { busy, error, run } = useAction();
  const list = reasons.split('\n').map((r) => r.trim()).filter((r) => r !== '');
  return (
    <section aria-labelledby="reverse-title">
      <h3 id="reverse-title">{t('reading.reverseTitle')}</h3>
      <label>
        {t('reading.reverseReasons')}
        <textarea value={reasons} onChange={(e) => setReasons(e.target.value)} rows={3} />
      </label>
      <button type="button" disabled={busy || list.length === 0} onClick={() => void run(async () => onChanged(await post<CaseView>(`/api/cases/${c.id}/review/reverse`, { reasons: list })))}>
        {t('reading.reverse')}
      </button>
      <ErrorBox error={error} />
    </section>
  );
}

export function ReadingReviewPanel({ c, staff, onChanged }: { c: CaseView; staff: boolean; onChanged: (c: CaseView) => void }) {
  const { t, pick } = useI18n();
  const { reviewProgress } = useNotifications();
  const [review, setReview] = useState<ReviewView>();
  const live = reviewProgress?.caseId === c.id ? reviewProgress : undefined;
  useEffect(() => {
    get<ReviewView>(`/api/cases/${c.id}/review`).then(setReview, () => undefined);
  }, [c.id, c.version, live?.status]);
  const status = live?.status ?? review?.status;
  if (!status) return null;
  const read = live?.pagesRead ?? review?.pagesRead ?? 0;
  const total = Math.max(read, live?.pagesTotal ?? review?.pagesTotal ?? 0);
  const locations = (review?.findings ?? []).flatMap((f) => (f.location ? [f.location] : []));
  return (
    <section aria-labelledby="reading-title" className="reading-review" data-testid="reading-review" data-status={status}>
      <h2 id="reading-title">{t('reading.title')}</h2>
      <div role="status" aria-live="polite">
        {status === 'running' ? <p>{t('reading.running', { read: String(read), total: String(total) })}</p> : <p>{t(`reading.${status}`)}</p>}
        {status === 'running' && live?.current && <p className="muted">{t('reading.current', { file: live.current })}</p>}
      </div>
      {(status === 'running' || status === 'queued') && <ProgressBar label={t('reading.progressLabel')} value={read} max={Math.max(1, total)} />}
      {review?.outcome && <p data-testid="reading-outcome">{pick(review.outcome.reasonZh, review.outcome.reasonEn)}</p>}
      {review && review.status === 'done' && (
        <>
          <FindingList items={review.findings} title={t('reading.findings')} />
          {staff && <FindingList items={review.notes} title={t('reading.notes')} />}
          <EvidenceList caseId={c.id} review={review} editable={c.you === 'filer' && !['rejected', 'withdrawn', 'closed'].includes(c.status)} onSaved={setReview} />
          {staff && (
            <details open={locations.length > 0}>
              <summary>{t('reading.documents')}</summary>
              {review.documents.map((d) => (
                <Document key={d.documentId} caseId={c.id} d={d} locations={locations} />
              ))}
            </details>
          )}
        </>
      )}
      {staff && c.status === 'docketed' && review?.outcome?.decision === 'autoDocketed' && c.allowedActions.includes('DOCKETING_REVERSED') && <ReverseDocketing c={c} onChanged={onChanged} />}
    </section>
  );
}
