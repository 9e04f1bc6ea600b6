import { z } from 'zod';
import type { AckCallback } from './ack.js';
import type { ConsumerInfo, Empty, ProducerAnnouncement, TransportInfo } from './hearing.js';
import { dtlsParametersSchema, rtpCapabilitiesSchema } from './mediaParameters.js';

/**
 * Socket.io namespace /gallery: watching a hearing (the public gallery of 公开审理) from a node
 * other than the one holding it. The hearing's media reaches that node once, through a pipe
 * between the two nodes' routers; viewers only receive. Handshake: `auth: { token }` with the
 * hearing's join token; the join-token response names the node (`galleryUrl`).
 */
const empty = z.object({}).strict().optional();
const id = z.string().min(1).max(100);

const requestSchemas = {
  /** Start watching: the router's capabilities and what can be received now. */
  'gallery:join': empty,
  /** The one receive transport of this viewer. */
  'gallery:createTransport': empty,
  'gallery:connectTransport': z.object({ transportId: id, dtlsParameters: dtlsParametersSchema }).strict(),
  /** Created paused; resumed with gallery:resumeConsumer once the viewer is ready. */
  'gallery:consume': z.object({ transportId: id, producerId: id, rtpCapabilities: rtpCapabilitiesSchema }).strict(),
  'gallery:resumeConsumer': z.object({ consumerId: id }).strict(),
} as const satisfies Record<string, z.ZodType>;

export interface GalleryReplies {
  'gallery:join': { rtpCapabilities: unknown; producers: ProducerAnnouncement[] };
  'gallery:createTransport': TransportInfo;
  'gallery:connectTransport': Empty;
  'gallery:consume': ConsumerInfo;
  'gallery:resumeConsumer': Empty;
}

export type GalleryRequest = keyof typeof requestSchemas;
export const GALLERY_REQUESTS: { readonly [E in GalleryRequest]: z.ZodType<z.output<(typeof requestSchemas)[E]>, z.input<(typeof requestSchemas)[E]>> } = requestSchemas;

export type GalleryClientToServer = {
  [E in GalleryRequest]: (payload: z.input<(typeof requestSchemas)[E]>, ack: AckCallback<GalleryReplies[E]>) => void;
};

export interface GalleryServerToClient {
  /** What can be received changed (someone started or stopped a camera or microphone). */
  'gallery:producers': (p: { producers: ProducerAnnouncement[] }) => void;
}

/** Codes of a refused gallery request. */
export const GALLERY_ERROR_CODES = {
  /** Nobody has opened the hearing's room yet: try again once it has started. */
  notLive: 'HEARING_NOT_LIVE',
  /** The node holding the hearing could not be reached. */
  originUnreachable: 'GALLERY_ORIGIN_UNREACHABLE',
} as const;
