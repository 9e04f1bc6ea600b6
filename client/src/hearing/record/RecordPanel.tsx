import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import type { ParticipantView } from '../../../../protocol/hearing.js';
import type { HearingRecordView, RecordParagraphView } from '../../../../protocol/recordViews.js';
import { ApiError, get, put } from '../../api/http.js';
import { ErrorBox } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';
import type { HearingClient, HearingSnapshot } from '../hearingClient.js';
import { applyPushed, fromServer, loadDrafts, merge, saveDrafts, type WorkingParagraph } from './recordDrafts.js';

/** Unsaved text reaches the server within this (the issue asks for at least every 5 s). */
const AUTOSAVE_MS = 2000;
/** Pushes missed while the socket reconnected are caught up by reading the record again now and then. */
const REFRESH_MS = 15_000;

type SaveState = 'saved' | 'saving' | 'offline' | 'locked';

/** Hearing time as the record prints it: Beijing time to the second. */
function clock(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));
}

function offsetText(seconds: number): string {
  const s = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

function newId(): string {
  return crypto.randomUUID();
}

/** The court staff of the hearing write its record; parties read it after the hearing (pages/record). */
export function isRecordWriter(role: string): boolean {
  return role === 'clerk' || role === 'judge' || role === 'mediator';
}

/** Whom a new paragraph is said by: who speaks now, else whoever spoke last, else the writer. */
function suggestedSpeaker(snap: HearingSnapshot, list: readonly WorkingParagraph[]): string {
  const present = (id: string | null | undefined) => !!id && snap.participants.some((p) => p.userId === id);
  if (present(snap.activeSpeaker)) return snap.activeSpeaker ?? '';
  const last = list.at(-1)?.speakerId;
  if (present(last)) return last ?? '';
  return snap.me?.userId ?? '';
}

/**
 * The record (笔录) panel of the hearing room, for the clerk, the judge and the mediator. Each
 * paragraph is saved by itself, at most two seconds after typing; unsaved text also sits in
 * localStorage, so a closed browser continues where it stopped. A save refused as stale shows
 * the other writer's text beside one's own.
 */
export function RecordPanel({ client, snap, hearingId }: { client: HearingClient; snap: HearingSnapshot; hearingId: string }) {
  const { t } = useI18n();
  const [list, setList] = useState<WorkingParagraph[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const listRef = useRef(list);
  listRef.current = list;
  const inFlight = useRef(new Set<string>());
  const locked = saveState === 'locked';

  const update = useCallback(
    (change: (l: WorkingParagraph[]) => WorkingParagraph[]) =>
      setList((prev) => {
        const next = change(prev);
        saveDrafts(hearingId, next);
        return next;
      }),
    [hearingId],
  );

  const refresh = useCallback(() => {
    get<HearingRecordView>(`/api/hearings/${hearingId}/record`).then(
      (view) => {
        // What is being typed stays; everything else is the server's.
        update((prev) => merge(view.paragraphs, [...loadDrafts(hearingId), ...prev.filter((p) => p.dirty)]));
        if (view.status !== 'writing') setSaveState('locked');
        setLoaded(true);
        setError(undefined);
      },
      (err: unknown) => setError(err),
    );
  }, [hearingId, update]);

  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  useEffect(() => client.onRecordParagraph((p) => update((l) => applyPushed(l, p))), [client, update]);

  const saveOne = useCallback(
    (p: WorkingParagraph) => {
      inFlight.current.add(p.id);
      setSaveState('saving');
      return put<{ paragraph: RecordParagraphView }>(`/api/hearings/${hearingId}/record/paragraphs/${p.id}`, { baseVersion: p.baseVersion, text: p.text, speakerId: p.speakerId })
        .then(
          ({ paragraph }) =>
            update((l) =>
              l.map((x) => {
                if (x.id !== p.id) return x;
                // Typed on while the save was in flight: keep the newer text, based on the new version.
                const unchanged = x.text === p.text && x.speakerId === p.speakerId;
                return unchanged ? fromServer(paragraph) : { ...x, baseVersion: paragraph.version, at: paragraph.at };
              }),
            ),
          (err: unknown) => {
            if (err instanceof ApiError && err.code === 'RECORD_PARAGRAPH_CONFLICT') {
              const theirs = (err.details as { theirs?: RecordParagraphView } | undefined)?.theirs;
              if (theirs) update((l) => l.map((x) => (x.id === p.id ? { ...x, conflict: theirs } : x)));
            } else if (err instanceof ApiError && err.code === 'RECORD_LOCKED') {
              setSaveState('locked');
            } else {
              setSaveState('offline');
            }
            throw err;
          },
        )
        .finally(() => inFlight.current.delete(p.id));
    },
    [hearingId, update],
  );

  const flush = useCallback(async () => {
    const pending = listRef.current.filter((p) => p.dirty && !p.conflict && !inFlight.current.has(p.id));
    if (pending.length === 0) return;
    const results = await Promise.allSettled(pending.map(saveOne));
    if (results.every((r) => r.status === 'fulfilled')) setSaveState((s) => (s === 'locked' ? s : 'saved'));
  }, [saveOne]);

  useEffect(() => {
    const timer = setInterval(() => void flush(), AUTOSAVE_MS);
    return () => clearInterval(timer);
  }, [flush]);

  const edit = (id: string, patch: Partial<Pick<WorkingParagraph, 'text' | 'speakerId'>>) => update((l) => l.map((p) => (p.id === id ? { ...p, ...patch, dirty: true } : p)));

  const add = () => {
    const id = newId();
    // Drawn at once and focused before the next key is handled: a clerk types on straight after
    // Ctrl+Enter, and a focus moved a frame later sent the first characters to the old paragraph.
    flushSync(() => update((l) => [...l, { id, baseVersion: 0, text: '', speakerId: suggestedSpeaker(snap, l), at: new Date().toISOString(), dirty: true }]));
    document.getElementById(`record-text-${id}`)?.focus();
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Ctrl+Enter (⌘+Enter): the next paragraph, without leaving the keyboard.
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      add();
    }
  };

  const people: ParticipantView[] = snap.participants;
  const unsaved = list.some((p) => p.dirty);
  return (
    <section className="record-panel" aria-labelledby="record-title" data-testid="record-panel">
      <h2 id="record-title">{snap.hearing?.kind === 'mediation' ? t('record.titleMediation') : t('record.title')}</h2>
      <p className={`record-save ${saveState}`} role="status" data-testid="record-save-state">
        {locked ? t('record.locked') : saveState === 'offline' ? t('record.offline') : unsaved || saveState === 'saving' ? t('record.saving') : t('record.saved')}
      </p>
      <ErrorBox error={error} />
      {!loaded && !error && <p role="status">{t('common.loading')}</p>}
      <ol className="record-paragraphs">
        {list.map((p, i) => (
          <li key={p.id} className={`record-paragraph${p.conflict ? ' conflict' : ''}`} data-testid="record-paragraph" data-paragraph-id={p.id}>
            <div className="record-meta">
              <span className="record-time" title={snap.hearing?.kind === 'mediation' ? t('record.hearingTimeMediation') : t('record.hearingTime')}>
                {clock(p.at)}
              </span>
              {p.recording && (
                <span className="record-offset" data-offset={p.recording.offsetSeconds}>
                  {t('record.recordingAt', { at: offsetText(p.recording.offsetSeconds) })}
                </span>
              )}
              <label className="record-speaker">
                <span className="visually-hidden">{t('record.speakerOf', { n: i + 1 })}</span>
                <select value={p.speakerId} disabled={locked} onChange={(e) => edit(p.id, { speakerId: e.target.value })} data-testid="record-speaker">
                  {people.map((person) => (
                    <option key={person.userId} value={person.userId}>
                      {t(`role.${person.role}`)} {person.name}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            {p.conflict && (
              <div className="notice warn" role="alert" data-testid="record-conflict">
                <p>{t('record.conflict', { name: p.conflict.updatedBy.name })}</p>
                <blockquote data-testid="record-conflict-theirs">{p.conflict.text}</blockquote>
                <button type="button" onClick={() => update((l) => l.map((x) => (x.id === p.id && x.conflict ? { ...x, baseVersion: x.conflict.version, conflict: undefined } : x)))}>
                  {t('record.keepMine')}
                </button>
                <button type="button" onClick={() => update((l) => l.map((x) => (x.id === p.id && x.conflict ? fromServer(x.conflict) : x)))}>
                  {t('record.takeTheirs')}
                </button>
              </div>
            )}
            <label className="visually-hidden" htmlFor={`record-text-${p.id}`}>
              {t('record.textOf', { n: i + 1 })}
            </label>
            <textarea
              id={`record-text-${p.id}`}
              value={p.text}
              rows={3}
              readOnly={locked}
              onChange={(e) => edit(p.id, { text: e.target.value })}
              onBlur={() => void flush()}
              onKeyDown={onKey}
              data-testid="record-text"
            />
          </li>
        ))}
      </ol>
      {!locked && (
        <button type="button" onClick={add} data-testid="record-add" aria-keyshortcuts="Control+Enter">
          {t('record.add')}
        </button>
      )}
      <p className="hint">{t('record.hint')}</p>
    </section>
  );
}
