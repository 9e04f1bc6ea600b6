/** Every socket request is acknowledged with exactly one of these. Shared with the client. */
export interface AckError {
  code: string;
  message: string;
}
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
export type AckCallback<T> = (ack: Ack<T>) => void;
