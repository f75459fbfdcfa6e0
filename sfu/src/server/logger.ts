import { pino, type Logger } from 'pino';

/** The SFU's pino logger: JSON, and tokens or authorization headers are never written. */
export function createSfuLogger(level: string = 'info', name = 'ablak-sfu'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['token', '*.token', 'grant', '*.grant', 'auth', '*.auth', 'req.headers.authorization', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
