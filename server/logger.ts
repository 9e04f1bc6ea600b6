import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Personal data never reaches a log line in clear: the
 * paths below are redacted wherever they appear.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'microcourt' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'password',
          '*.password',
          'idNumber',
          '*.idNumber',
          'phone',
          '*.phone',
          'token',
          '*.token',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
