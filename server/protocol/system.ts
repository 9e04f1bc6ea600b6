import type { AckCallback } from './ack.js';

/** The root namespace: connection-level requests that need no hearing. */
export interface SystemClientToServer {
  'system:ping': (payload: { sentAt: number }, ack: AckCallback<{ sentAt: number; serverTime: string }>) => void;
}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- nothing pushed yet; hearings add their own namespace
export interface SystemServerToClient {}
