import path from 'node:path';
import type { RecordingDoc } from './recordingModel.js';

/** One tile per participant; small enough that one core encodes faster than real time. */
export const TILE = { width: 480, height: 270 };
const FPS = 15;

export interface PlacedSegment {
  id: string;
  participantId: string;
  file: string;
  /** Seconds from the session start (the earliest segment's start). */
  offsetSeconds: number;
  seconds: number;
  hasVideo: boolean;
  hasAudio: boolean;
}

export interface SessionLayout {
  startedAt: string;
  timelineSeconds: number;
  /** Participants in order of their first appearance; each has one tile. */
  participants: string[];
  segments: PlacedSegment[];
  columns: number;
  rows: number;
}

const lengthOf = (r: RecordingDoc): number =>
  r.durationSeconds ?? (r.endedAt ? Math.max(0, (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000) : 0);

/**
 * Places every finalised segment of a session on one timeline by its start time.
 * Segments without media (an empty file) are left out: there is nothing to place.
 */
export function layoutSession(recordings: RecordingDoc[]): SessionLayout | undefined {
  const usable = recordings
    .filter((r) => r.status === 'finalised' && (r.codecs?.length ?? 0) > 0 && lengthOf(r) > 0)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.segment - b.segment);
  const first = usable[0];
  if (!first) return undefined;
  const t0 = Date.parse(first.startedAt);
  const segments = usable.map((r) => ({
    id: r._id,
    participantId: r.participantId,
    file: r.file,
    offsetSeconds: Math.max(0, (Date.parse(r.startedAt) - t0) / 1000),
    seconds: lengthOf(r),
    hasVideo: (r.codecs ?? []).some((c) => c === 'vp8' || c === 'vp9' || c === 'h264'),
    hasAudio: (r.codecs ?? []).includes('opus'),
  }));
  const participants = [...new Set(segments.map((s) => s.participantId))];
  const columns = Math.ceil(Math.sqrt(participants.length));
  return {
    startedAt: first.startedAt,
    timelineSeconds: Math.round(Math.max(...segments.map((s) => s.offsetSeconds + s.seconds)) * 1000) / 1000,
    participants,
    segments,
    columns,
    rows: Math.ceil(participants.length / columns),
  };
}

/**
 * The ffmpeg arguments for the combined file: a black canvas as long as the session, each
 * segment's video scaled into its participant's tile from its offset on, each segment's audio
 * delayed to its offset and all of it mixed. One thread everywhere (the job may take one core
 * at most); VP8 realtime and Opus, WebM like the originals. `-progress pipe:1` reports the
 * time written; `-benchmark` prints the CPU time used at the end.
 */
export function combinedFileArgs(layout: SessionLayout, dir: string, output: string): string[] {
  const width = layout.columns * TILE.width;
  const height = layout.rows * TILE.height;
  const total = layout.timelineSeconds.toFixed(3);
  const inputs: string[] = [];
  const filters: string[] = [`color=c=black:s=${width}x${height}:r=${FPS}:d=${total}[canvas0]`];
  const audio: string[] = [];
  let canvas = 0;
  layout.segments.forEach((s, i) => {
    inputs.push('-i', path.join(dir, s.file));
    const tile = layout.participants.indexOf(s.participantId);
    const x = (tile % layout.columns) * TILE.width;
    const y = Math.floor(tile / layout.columns) * TILE.height;
    const offset = s.offsetSeconds.toFixed(3);
    if (s.hasVideo) {
      filters.push(
        `[${i}:v]scale=${TILE.width}:${TILE.height}:force_original_aspect_ratio=decrease,pad=${TILE.width}:${TILE.height}:(ow-iw)/2:(oh-ih)/2,setsar=1,setpts=PTS-STARTPTS+${offset}/TB[v${i}]`,
        // Before its first frame and after its last the tile shows the canvas (eof_action=pass).
        `[canvas${canvas}][v${i}]overlay=x=${x}:y=${y}:eof_action=pass[canvas${canvas + 1}]`,
      );
      canvas++;
    }
    if (s.hasAudio) {
      filters.push(`[${i}:a]aresample=48000:async=1,asetpts=PTS-STARTPTS,adelay=delays=${Math.round(s.offsetSeconds * 1000)}:all=1[a${i}]`);
      audio.push(`[a${i}]`);
    }
  });
  // Plain 4:2:0 for the encoder: the canvas may carry an alpha plane VP8 cannot encode.
  filters.push(`[canvas${canvas}]format=yuv420p[grid]`);
  if (audio.length === 0) filters.push(`anullsrc=r=48000:cl=stereo,atrim=duration=${total}[mix]`);
  // normalize=0: each voice keeps its level however many people the session had.
  else filters.push(`${audio.join('')}amix=inputs=${audio.length}:duration=longest:dropout_transition=0:normalize=0,apad[mix]`);
  return [
    '-hide_banner', '-nostdin', '-nostats', '-benchmark', '-loglevel', 'info',
    '-threads', '1', '-filter_complex_threads', '1',
    ...inputs,
    '-filter_complex', filters.join(';'),
    '-map', '[grid]', '-map', '[mix]',
    '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '800k', '-threads', '1',
    '-c:a', 'libopus', '-b:a', '64k',
    '-t', total,
    '-progress', 'pipe:1',
    '-f', 'webm', '-y', output,
  ];
}
