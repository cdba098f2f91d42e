// One pino logger for the daemon: JSON lines on stdout, which journald captures under systemd.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.GODEL_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'godeld' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Environment values and tokens never reach the log, whatever field they end up in.
    redact: { paths: ['env', '*.env', 'req.env', 'token', '*.token'], censor: '[redacted]' },
  });
}
