// One pino logger for the daemon: JSON lines on stdout, which journald captures under systemd.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.GODEL_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'godeld' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Environment values and tokens never reach the log, whatever field they end up in.
      redact: { paths: ['env', '*.env', 'req.env', 'token', '*.token'], censor: '[redacted]' },
    },
    // Written from libuv's thread pool, not on the event loop: a line per request, written synchronously,
    // put a write() in front of every response, and a write to a file on a disk whose journal is busy
    // with the store's fsyncs (or to a journald that is behind) waits for it. pino flushes what is left
    // when the process exits; a SIGKILL can lose the last lines, never a record the store holds.
    pino.destination({ dest: 1, sync: false }),
  );
}
