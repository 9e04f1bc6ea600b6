import type { Recording } from '../../api/types.js';

/** One recorded segment placed on the session timeline. */
export interface TimelineSegment {
  id: string;
  participantId: string;
  participantName: string;
  /** Seconds from the session start (the hearing's earliest segment start). */
  offset: number;
  seconds: number;
}

export interface SessionTimeline {
  /** ISO instant of second 0: the same origin as a record paragraph's `recording.offsetSeconds`. */
  startedAt: string;
  seconds: number;
  /** Participants in order of their first segment; each gets one tile. */
  participants: { id: string; name: string }[];
  segments: TimelineSegment[];
}

/** Places a hearing's finished segments on one timeline by their start times. */
export function sessionTimeline(recordings: Recording[]): SessionTimeline | undefined {
  const finished = recordings.filter((r) => r.status === 'finalised').sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.segment - b.segment);
  const first = finished[0];
  if (!first) return undefined;
  const t0 = Date.parse(first.startedAt);
  const segments = finished
    .map((r) => ({
      id: r.id,
      participantId: r.participantId,
      participantName: r.participantName,
      offset: (Date.parse(r.startedAt) - t0) / 1000,
      seconds: r.durationSeconds ?? (r.endedAt ? (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000 : 0),
    }))
    .filter((s) => s.seconds > 0);
  const participants: { id: string; name: string }[] = [];
  for (const s of segments) if (!participants.some((p) => p.id === s.participantId)) participants.push({ id: s.participantId, name: s.participantName });
  return { startedAt: first.startedAt, seconds: Math.max(0, ...segments.map((s) => s.offset + s.seconds)), participants, segments };
}

/** The participant's segment playing at `position`, if any. */
export function segmentAt(timeline: SessionTimeline, participantId: string, position: number): TimelineSegment | undefined {
  return timeline.segments.find((s) => s.participantId === participantId && position >= s.offset && position < s.offset + s.seconds);
}

/** 75.4 → "01:15"; an hour or more → "1:01:15". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}
