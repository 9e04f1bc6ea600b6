/**
 * The record panel's working copy. The server is the source of truth; what the clerk typed and
 * the server has not confirmed yet is also kept in localStorage, so a closed or crashed browser
 * loses nothing: the reopened panel merges it back over what the server holds.
 */
import type { RecordParagraphView } from '../../../../protocol/recordViews.js';

export interface WorkingParagraph {
  id: string;
  /** The server's version this text was based on (0: not on the server yet). */
  baseVersion: number;
  text: string;
  speakerId: string;
  /** When first stamped; the server's `at` once saved. */
  at: string;
  /** Typed but not confirmed by the server. */
  dirty: boolean;
  /** The server's paragraph when a save was refused as stale: both texts are shown. */
  conflict?: RecordParagraphView;
  recording?: RecordParagraphView['recording'];
}

const key = (hearingId: string) => `microcourt.record.${hearingId}`;

export function loadDrafts(hearingId: string): WorkingParagraph[] {
  try {
    const raw = localStorage.getItem(key(hearingId));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed as WorkingParagraph[]).filter((p) => typeof p.id === 'string' && typeof p.text === 'string') : [];
  } catch {
    return [];
  }
}

/** Only what the server has not confirmed is kept locally. */
export function saveDrafts(hearingId: string, paragraphs: readonly WorkingParagraph[]): void {
  const dirty = paragraphs.filter((p) => p.dirty).map((p) => ({ id: p.id, baseVersion: p.baseVersion, text: p.text, speakerId: p.speakerId, at: p.at, dirty: true }));
  try {
    if (dirty.length === 0) localStorage.removeItem(key(hearingId));
    else localStorage.setItem(key(hearingId), JSON.stringify(dirty));
  } catch {
    // A full or disabled storage leaves the server as the only copy; autosave still runs.
  }
}

export function fromServer(p: RecordParagraphView): WorkingParagraph {
  return { id: p.id, baseVersion: p.version, text: p.text, speakerId: p.speaker.userId, at: p.at, dirty: false, ...(p.recording ? { recording: p.recording } : {}) };
}

/** The server's paragraphs with the local unsaved edits laid over them. */
export function merge(server: readonly RecordParagraphView[], drafts: readonly WorkingParagraph[]): WorkingParagraph[] {
  const byId = new Map(server.map((p) => [p.id, fromServer(p)]));
  const serverById = new Map(server.map((p) => [p.id, p]));
  for (const d of drafts) {
    const s = serverById.get(d.id);
    if (!s) {
      byId.set(d.id, { ...d, dirty: true });
    } else if (s.text === d.text && s.speaker.userId === d.speakerId) {
      continue;
    } else if (s.version === d.baseVersion) {
      byId.set(d.id, { ...fromServer(s), text: d.text, speakerId: d.speakerId, dirty: true });
    } else {
      // Someone saved the paragraph after this draft was based on it: show both.
      byId.set(d.id, { ...d, dirty: true, conflict: s });
    }
  }
  return inOrder([...byId.values()]);
}

function inOrder(list: WorkingParagraph[]): WorkingParagraph[] {
  return list.sort((a, b) => (a.at === b.at ? a.id.localeCompare(b.id) : a.at < b.at ? -1 : 1));
}

/** A paragraph pushed by the server replaces ours unless we have unsaved text in it. */
export function applyPushed(list: readonly WorkingParagraph[], pushed: RecordParagraphView): WorkingParagraph[] {
  const i = list.findIndex((p) => p.id === pushed.id);
  if (i < 0) return inOrder([...list, fromServer(pushed)]);
  const mine = list[i];
  if (!mine || mine.baseVersion >= pushed.version) return [...list];
  const next = [...list];
  next[i] = mine.dirty ? mine : fromServer(pushed);
  return next;
}
