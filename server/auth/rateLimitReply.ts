/**
 * How a rate-limited HTTP request is identified and answered: shared by the login,
 * defendant-access and identity-review routes, which each keep their own limits.
 */
import type { Request } from 'express';
import { AppError } from '../errors.js';
import { describeRetry, describeRetryZh } from './rateLimitStore.js';

/** 429 with Retry-After and a message that says when to try again, in English and Chinese. */
export function rateLimitedError(res: { setHeader(name: string, value: string): unknown }, retryAfterSeconds: number, what: string, whatZh: string) {
  res.setHeader('Retry-After', String(retryAfterSeconds));
  const retryAt = new Date(Date.now() + retryAfterSeconds * 1000);
  // The clock time is the court's (Beijing), as every time the platform shows.
  const clock = retryAt.toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });
  return new AppError('rateLimited', 'RATE_LIMITED', `${what} Please try again in ${describeRetry(retryAfterSeconds)}, after ${clock} (Beijing time).`, {
    retryAfterSeconds,
    retryAt: retryAt.toISOString(),
    messageZh: `${whatZh}请在${describeRetryZh(retryAfterSeconds)}后（北京时间${clock}以后）重试。`,
  });
}

/** express resolves X-Forwarded-For per the app's 'trust proxy' setting (TRUSTED_PROXIES). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
