import { describe, expect, it } from 'vitest';
import { combinedFileArgs, layoutSession } from '../../../../server/recordings/combinedLayout.js';
import type { RecordingDoc } from '../../../../server/recordings/recordingModel.js';

const rec = (id: string, participantId: string, segment: number, startedAt: string, durationSeconds: number, codecs = ['opus', 'vp8']): RecordingDoc => ({
  _id: id, hearingId: 'h', caseId: 'c', participantId, participantName: participantId, segment, file: `h/${participantId}-${segment}.webm`, status: 'finalised', startedAt, durationSeconds, codecs,
});

describe('placing a session\'s segments for the combined file', () => {
  it('places each segment by its start time, one tile per participant in order of appearance', () => {
    const layout = layoutSession([
      rec('b1', 'party', 1, '2026-12-06T01:00:03.500Z', 10),
      rec('a1', 'judge', 1, '2026-12-06T01:00:00.000Z', 5),
      rec('a2', 'judge', 2, '2026-12-06T01:00:08.000Z', 4, ['opus']),
    ])!;
    expect(layout.participants).toEqual(['judge', 'party']);
    expect(layout.segments.map((s) => [s.id, s.offsetSeconds])).toEqual([['a1', 0], ['b1', 3.5], ['a2', 8]]);
    // The session ends with its last segment: the party's, at 3.5 + 10 s.
    expect(layout.timelineSeconds).toBe(13.5);
    expect([layout.columns, layout.rows]).toEqual([2, 1]);
    const graph = combinedFileArgs(layout, '/rec', '/rec/out.webm').join(' ');
    expect(graph).toContain('[1:v]scale=480:270');
    expect(graph).toContain('setpts=PTS-STARTPTS+3.500/TB');
    expect(graph).toContain('overlay=x=480:y=0');
    // The audio-only segment is delayed to its offset and mixed; it has no picture to place.
    expect(graph).toContain('[2:a]aresample=48000:async=1,asetpts=PTS-STARTPTS,adelay=delays=8000:all=1');
    expect(graph).not.toContain('[2:v]');
    expect(graph).toContain('amix=inputs=3');
  });

  it('leaves out what has no media, and has nothing to place without a finished segment', () => {
    expect(layoutSession([{ ...rec('x', 'judge', 1, '2026-12-06T01:00:00.000Z', 5), status: 'recording' }])).toBeUndefined();
    expect(layoutSession([rec('x', 'judge', 1, '2026-12-06T01:00:00.000Z', 5, [])])).toBeUndefined();
    const three = layoutSession(['a', 'b', 'c'].map((p, i) => rec(p, p, 1, `2026-12-06T01:00:0${i}.000Z`, 5)))!;
    expect([three.columns, three.rows]).toEqual([2, 2]);
  });
});
