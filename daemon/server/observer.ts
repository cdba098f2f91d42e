// What every handler reports about the requests it serves: one log line each, and the metrics.
import type { Logger } from '../log.js';

export interface RequestRecord {
  method: string;
  /** gRPC status name: "OK", "NOT_FOUND", "CANCELLED"... */
  status: string;
  ms: number;
  /** The godel-error-code of a failure. */
  code?: string;
  sandbox?: string;
}

export interface Observer {
  readonly log: Logger;
  request(r: RequestRecord): void;
}

export function observer(log: Logger, onRequest: (r: RequestRecord) => void = () => undefined): Observer {
  return {
    log,
    request(r) {
      log.info({ method: r.method, sandbox: r.sandbox, ms: r.ms, status: r.status, ...(r.code ? { code: r.code } : {}) }, 'request');
      onRequest(r);
    },
  };
}
