/**
 * The combined file of a hearing's recordings (one grid video with mixed audio, built by ffmpeg
 * in the background on request) as the REST API renders it (server/recordings/combinedRoutes.ts).
 */
export type CombinedFileStatus = 'queued' | 'running' | 'done' | 'failed';

export interface CombinedFileJobView {
  id: string;
  hearingId: string;
  caseId: string;
  status: CombinedFileStatus;
  /** 0..1: how much of the session's timeline ffmpeg has written. */
  progress: number;
  /** The per-participant segments it combines (GET /api/cases/:id/recordings ids). */
  sourceIds: string[];
  /** Length of the session timeline: from the first segment's start to the last one's end. */
  timelineSeconds: number;
  requestedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Set when done: the file, verifiable with GET .../verify like every recording. */
  file?: { sha256: string; size: number; durationSeconds?: number; codecs: string[] };
  /** CPU seconds ffmpeg used (user + system), when done. */
  cpuSeconds?: number;
  /** When failed: what went wrong, for the person who asked. */
  error?: string;
}
