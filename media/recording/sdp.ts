import type { types } from 'mediasoup';

export interface RecordedStream {
  kind: 'audio' | 'video';
  port: number;
  rtcpPort: number;
  rtpParameters: types.RtpParameters;
}

/**
 * The SDP that tells ffmpeg what arrives on which local port: built from the
 * consumers' rtpParameters (payload type, codec, clock rate), so ffmpeg can
 * copy the packets into the container without transcoding.
 */
export function recordingSdp(streams: RecordedStream[]): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=microcourt recording', 'c=IN IP4 127.0.0.1', 't=0 0'];
  for (const s of streams) {
    const codec = s.rtpParameters.codecs[0];
    if (!codec) throw new Error('consumer has no codec');
    const [, name] = codec.mimeType.split('/');
    lines.push(`m=${s.kind} ${s.port} RTP/AVP ${codec.payloadType}`);
    lines.push(`a=rtcp:${s.rtcpPort}`);
    lines.push(`a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`);
    const fmtp = Object.entries(codec.parameters ?? {}).map(([k, v]) => `${k}=${String(v)}`);
    if (fmtp.length > 0) lines.push(`a=fmtp:${codec.payloadType} ${fmtp.join(';')}`);
    lines.push('a=recvonly');
  }
  return `${lines.join('\r\n')}\r\n`;
}
