import { io, type Socket } from 'socket.io-client';
import type { Ack, AckCallback } from '../../../protocol/ack.js';
import type { HearingClientToServer, HearingServerToClient } from '../../../protocol/hearing.js';
import { post } from '../api/http.js';

export type HearingSocket = Socket<HearingServerToClient, HearingClientToServer>;
type ClientEvent = keyof HearingClientToServer;
export type PayloadOf<E extends ClientEvent> = Parameters<HearingClientToServer[E]>[0];
export type DataOf<E extends ClientEvent> = Parameters<HearingClientToServer[E]>[1] extends AckCallback<infer R> ? R : never;
export type Requester = <E extends ClientEvent>(event: E, payload: PayloadOf<E>) => Promise<DataOf<E>>;

/** A refused request: `code` is the server's stable code, translated by the UI. */
export class HearingRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HearingRequestError';
  }
}

const REQUEST_TIMEOUT_MS = 10_000;

/** Sends one request and resolves with its data; `{ ok: false }`, a timeout or a lost socket reject. */
export function requester(socket: HearingSocket): Requester {
  return async (event, payload) => {
    // socket.io would queue the request until a reconnection; a stale request must not fire later.
    if (!socket.connected) throw new HearingRequestError('DISCONNECTED', `${event}: not connected`);
    let ack: Ack<unknown>;
    try {
      const emitter = socket.timeout(REQUEST_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<unknown>> };
      ack = await emitter.emitWithAck(event, payload);
    } catch {
      throw new HearingRequestError('TIMEOUT', `${event}: no answer`);
    }
    if (!ack.ok) throw new HearingRequestError(ack.error.code, ack.error.message);
    return ack.data as DataOf<typeof event>;
  };
}

/**
 * The /hearing socket. Join tokens live ten minutes, so every (re)connection
 * asks the API for a fresh one: a participant who lost the network for a
 * while comes back without reloading the page.
 */
export function connectHearing(hearingId: string, onTokenError: (err: unknown) => void): HearingSocket {
  const ask = () => post<{ token: string; signallingUrl?: string }>(`/api/hearings/${hearingId}/join-token`);
  const socket: HearingSocket = io('/hearing', {
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 4000,
    auth: (cb) => {
      ask().then(
        ({ token, signallingUrl }) => {
          follow(signallingUrl);
          cb({ token });
        },
        (err: unknown) => {
          onTokenError(err);
          cb({ token: '' });
        },
      );
    },
  });
  // Several nodes: the join token names the node that holds the hearing. The next connection
  // (socket.io's retry, or the one after HEARING_ON_OTHER_NODE) opens there.
  const follow = (signallingUrl: string | undefined) => {
    if (signallingUrl) (socket.io as unknown as { uri: string }).uri = `${signallingUrl}/hearing`;
  };
  // A node that died answers nothing: between retries, ask any node where the hearing is now.
  socket.io.on('reconnect_error', () => void ask().then(({ signallingUrl }) => follow(signallingUrl), () => undefined));
  return socket;
}
