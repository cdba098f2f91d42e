// What every handler reports about the requests it serves: one log line each, the metrics, and the
// audit log (who called, from the peer credentials read when the client connected).
import type { Logger } from '../log.js';
import type { Peer } from './peers.js';

export interface RequestRecord {
  method: string;
  /** gRPC status name: "OK", "NOT_FOUND", "CANCELLED"... */
  status: string;
  ms: number;
  /** The godel-error-code of a failure. */
  code?: string;
  sandbox?: string;
  /** The client, when the daemon knows it (always, on its own socket). */
  peer?: Peer;
  /** For a call to the E2B endpoint: the fingerprint of the API key it was made with (see daemon/e2b/auth.ts). */
  apiKey?: string;
}

/** What a handler can ask of any gRPC call: the peer that made it (see PeerGate). */
export interface CallWithConnection {
  getPeer(): string;
}

export interface Observer {
  readonly log: Logger;
  request(r: RequestRecord): void;
  peerOf(call: CallWithConnection): Peer | undefined;
}

export function observer(
  log: Logger,
  onRequest: (r: RequestRecord) => void = () => undefined,
  peerOf: (call: CallWithConnection) => Peer | undefined = () => undefined,
): Observer {
  return {
    log,
    peerOf,
    request(r) {
      const who = r.peer ? { uid: r.peer.uid, pid: r.peer.pid, ...(r.peer.via ? { via: r.peer.via } : {}) } : {};
      log.info({ method: r.method, sandbox: r.sandbox, ms: r.ms, status: r.status, ...(r.code ? { code: r.code } : {}), ...who }, 'request');
      onRequest(r);
    },
  };
}
