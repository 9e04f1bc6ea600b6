import type { types } from 'mediasoup';
import type { z } from 'zod';
import type { rtpParametersSchema } from '../../protocol/mediaParameters.js';
import { errors } from '../errors.js';

// The schemas are part of the signalling protocol; re-exported for the media code that checks a producer.
export { dtlsParametersSchema, rtpCapabilitiesSchema, rtpParametersSchema } from '../../protocol/mediaParameters.js';

/**
 * Every media codec of the producer must be one the room's router offers, for the
 * same kind and clock rate (RTX and FEC helpers are matched the same way).
 */
export function assertCodecsSupported(kind: 'audio' | 'video', rtp: z.infer<typeof rtpParametersSchema>, caps: types.RtpCapabilities): void {
  const offered = caps.codecs ?? [];
  for (const codec of rtp.codecs) {
    const [family] = codec.mimeType.split('/');
    if (family !== kind && !/\/(rtx|red|ulpfec|flexfec)$/i.test(codec.mimeType)) {
      throw errors.validation(`A ${kind} stream cannot carry ${codec.mimeType}.`, { mimeType: codec.mimeType }, 'UNSUPPORTED_CODEC');
    }
    const match = offered.some((c) => c.mimeType.toLowerCase() === codec.mimeType.toLowerCase() && c.clockRate === codec.clockRate);
    if (!match) {
      throw errors.validation(
        `The codec ${codec.mimeType} at ${codec.clockRate} Hz is not offered by this room. Offered: ${[...new Set(offered.filter((c) => c.kind === kind).map((c) => c.mimeType))].join(', ')}.`,
        { mimeType: codec.mimeType, clockRate: codec.clockRate },
        'UNSUPPORTED_CODEC',
      );
    }
  }
}
