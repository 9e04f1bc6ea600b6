import { z } from 'zod';
import { MEDIA_KINDS, type MediaKind } from '../state-machines/hearing/hearingTypes.js';

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
    kind: z.enum(MEDIA_KINDS),
    mimeType,
    preferredPayloadType: z.number().int().min(0).max(127).optional(),
    clockRate: z.number().int().min(1000).max(200_000),
    channels: z.number().int().min(1).max(8).optional(),
    parameters: codecParameters.optional(),
    rtcpFeedback: feedback.optional(),
  })
  .catchall(primitive);

/**
 * What the protocol promises of the capabilities and DTLS parameters a client sends:
 * the fields the server relies on. The schemas below accept more (mediasoup's own
 * shapes, with flat extra values); declaring the types here keeps the client free to
 * pass mediasoup-client's objects as they are.
 */
export interface RtpCapabilitiesPayload {
  codecs?: { kind: MediaKind; mimeType: string; clockRate: number; preferredPayloadType?: number; channels?: number }[];
  headerExtensions?: { kind: MediaKind; uri: string; preferredId: number }[];
}

export interface DtlsParametersPayload {
  role?: 'auto' | 'client' | 'server';
  fingerprints: { algorithm: string; value: string }[];
}

export const rtpCapabilitiesSchema: z.ZodType<RtpCapabilitiesPayload, RtpCapabilitiesPayload> = z
  .object({
    codecs: z.array(capabilityCodec).max(64).optional(),
    headerExtensions: z
      .array(
        z
          .object({
            kind: z.enum(MEDIA_KINDS),
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

export const dtlsParametersSchema: z.ZodType<DtlsParametersPayload, DtlsParametersPayload> = z
  .object({
    role: z.enum(['auto', 'client', 'server']).optional(),
    fingerprints: z.array(z.object({ algorithm: z.string().max(16), value: z.string().max(256) }).strict()).max(10),
  })
  .catchall(primitive);
