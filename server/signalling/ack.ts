import type { z } from 'zod';
import { errors, toAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { ACK_ERROR_CODES, type Ack } from '../../protocol/ack.js';

/**
 * The one place where socket requests are validated and errors become acks.
 * A malformed or failing request gets `{ ok: false, error }` and never throws
 * into socket.io, so it cannot crash the server or disturb other participants.
 */
export function request<P, R>(
  logger: Logger,
  schema: z.ZodType<P>,
  handler: (payload: P) => Promise<R> | R,
): (...args: unknown[]) => void {
  return (...args: unknown[]) => {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') return; // nobody to answer; nothing to do
    const reply = ack as (a: Ack<R>) => void;
    const parsed = schema.safeParse(args.length > 1 ? args[0] : undefined);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
      reply({ ok: false, error: errors.validation(`Invalid request${where}: ${issue?.message ?? 'malformed'}`, undefined, ACK_ERROR_CODES.validation).toBody() });
      return;
    }
    Promise.resolve()
      .then(() => handler(parsed.data))
      .then(
        (data) => reply({ ok: true, data }),
        (err: unknown) => {
          const appError = toAppError(err);
          if (appError.kind === 'internal') logger.error({ err }, 'socket request failed');
          reply({ ok: false, error: { code: appError.code, message: appError.message } });
        },
      );
  };
}
