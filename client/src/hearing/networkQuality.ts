/**
 * Connection quality from WebRTC statistics: packet loss over the last
 * interval and the round-trip time of the active ICE candidate pair.
 */
export type Quality = 'unknown' | 'good' | 'fair' | 'poor' | 'offline';

export interface QualitySample {
  received: number;
  lost: number;
}

interface StatLike {
  type: string;
  state?: string;
  nominated?: boolean;
  currentRoundTripTime?: number;
  packetsReceived?: number;
  packetsLost?: number;
  fractionLost?: number;
  roundTripTime?: number;
  kind?: string;
}

export function rateQuality(reports: RTCStatsReport[], previous: QualitySample | undefined): { quality: Quality; sample: QualitySample } {
  let received = 0;
  let lost = 0;
  let rtt = 0;
  let sendLoss = 0;
  for (const report of reports) {
    report.forEach((raw: unknown) => {
      const s = raw as StatLike;
      if (s.type === 'inbound-rtp') {
        received += s.packetsReceived ?? 0;
        lost += Math.max(0, s.packetsLost ?? 0);
      } else if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) {
        rtt = Math.max(rtt, s.currentRoundTripTime ?? 0);
      } else if (s.type === 'remote-inbound-rtp') {
        // What the SFU reports about what we send.
        sendLoss = Math.max(sendLoss, s.fractionLost ?? 0);
        rtt = Math.max(rtt, s.roundTripTime ?? 0);
      }
    });
  }
  const sample = { received, lost };
  const dReceived = previous ? received - previous.received : 0;
  const dLost = previous ? lost - previous.lost : 0;
  const recvLoss = dReceived + dLost > 0 ? dLost / (dReceived + dLost) : 0;
  const loss = Math.max(recvLoss, sendLoss);
  if (!previous && rtt === 0) return { quality: 'unknown', sample };
  const quality: Quality = loss > 0.08 || rtt > 0.8 ? 'poor' : loss > 0.02 || rtt > 0.3 ? 'fair' : 'good';
  return { quality, sample };
}
