import { z } from 'zod';
import type { AckCallback } from './ack.js';

/** The root namespace: connection-level requests that need no hearing. */
export const pingSchema = z.object({ sentAt: z.number().finite() }).strict();

export interface PingReply {
  sentAt: number;
  serverTime: string;
}

export interface SystemClientToServer {
  'system:ping': (payload: z.input<typeof pingSchema>, ack: AckCallback<PingReply>) => void;
}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- nothing pushed yet; hearings add their own namespace
export interface SystemServerToClient {}
