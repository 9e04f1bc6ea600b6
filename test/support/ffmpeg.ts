import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Opus audio from a test tone, sent as RTP by a real ffmpeg. ffmpeg sends RTCP
 * from a second socket, so the receiver must not use rtcp-mux with comedia
 * (it would latch onto the RTCP source and drop the RTP).
 */
export function sendOpusRtp(opts: { host: string; rtpPort: number; rtcpPort: number; payloadType: number; ssrc: number }): ChildProcess {
  return spawn(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-re',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-c:a', 'libopus', '-ac', '2', '-b:a', '32k',
      '-payload_type', String(opts.payloadType), '-ssrc', String(opts.ssrc),
      '-f', 'rtp', `rtp://${opts.host}:${opts.rtpPort}?rtcpport=${opts.rtcpPort}&pkt_size=1200`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}
