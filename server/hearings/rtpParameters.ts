import type { types } from 'mediasoup';
import { z } from 'zod';
import { errors } from '../errors.js';

/**
 * Bounded schemas for the media parameters a client sends. mediasoup checks them
 * in depth, but only after they have been copied and walked; an unbounded object
 * (3,000 levels deep, or a codec the router does not have) must be refused here
 * with a code the client can act on, never reach mediasoup as an INTERNAL failure.
 * Every nested value is a primitive or one of the known shapes below, so the depth
 * of an accepted payload is fixed (unknown keys are tolerated only as flat values).
 */
const primitive = z.union([z.string().max(256), z.number().finite(), z.boolean()]);
const codecParameters = z.record(z.string().max(64), primitive).refine((r) => Object.keys(r).length <= 32, 'too many codec parameters');
const mimeType = z.string().max(64).regex(/^(audio|video)\/[A-Za-z0-9._-]{1,40}$/, 'must be a media type like audio/opus');
const feedback = z.array(z.object({ type: z.string().max(32), parameter: z.string().max(32).optional() }).strict()).max(20);

const rtpCodec = z
  .object({
    mimeType,
    payloadType: z.number().int().min(0).max(127),
    clockRate: z.number().int().min(1000).max(200_000),
    channels: z.number().int().min(1).max(8).optional(),
    parameters: codecParameters.optional(),
    rtcpFeedback: feedback.optional(),
  })
  .catchall(primitive);

const headerExtension = z
  .object({
    uri: z.string().max(256),
    id: z.number().int().min(1).max(255),
    encrypt: z.boolean().optional(),
    parameters: codecParameters.optional(),
  })
  .catchall(primitive);

const encoding = z
  .object({
    ssrc: z.number().int().min(0).max(0xffffffff).optional(),
    rid: z.string().max(32).optional(),
    codecPayloadType: z.number().int().min(0).max(127).optional(),
    rtx: z.object({ ssrc: z.number().int().min(0).max(0xffffffff) }).strict().optional(),
  })
  // dtx, scalabilityMode, maxBitrate, ... are flat values.
  .catchall(primitive);

export const rtpParametersSchema = z
  .object({
    mid: z.string().max(32).optional(),
    codecs: z.array(rtpCodec).min(1).max(10),
    headerExtensions: z.array(headerExtension).max(20).optional(),
    encodings: z.array(encoding).max(4).optional(),
    rtcp: z.object({ cname: z.string().max(256).optional(), reducedSize: z.boolean().optional(), mux: z.boolean().optional() }).strict().optional(),
    msid: z.string().max(256).optional(),
  })
  .catchall(primitive);

const capabilityCodec = z
  .object({
    kind: z.enum(['audio', 'video']),
    mimeType,
    preferredPayloadType: z.number().int().min(0).max(127).optional(),
    clockRate: z.number().int().min(1000).max(200_000),
    channels: z.number().int().min(1).max(8).optional(),
    parameters: codecParameters.optional(),
    rtcpFeedback: feedback.optional(),
  })
  .catchall(primitive);

export const rtpCapabilitiesSchema = z
  .object({
    codecs: z.array(capabilityCodec).max(64).optional(),
    headerExtensions: z
      .array(
        z
          .object({
            kind: z.enum(['audio', 'video']),
            uri: z.string().max(256),
            preferredId: z.number().int().min(1).max(255),
            preferredEncrypt: z.boolean().optional(),
            direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
          })
          .catchall(primitive),
      )
      .max(40)
      .optional(),
  })
  .catchall(primitive);

export const dtlsParametersSchema = z
  .object({
    role: z.enum(['auto', 'client', 'server']).optional(),
    fingerprints: z.array(z.object({ algorithm: z.string().max(16), value: z.string().max(256) }).strict()).max(10),
  })
  .catchall(primitive);

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
