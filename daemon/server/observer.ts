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
  /** The handlers still running: a stopping daemon waits for them before it closes what they use. */
  readonly inFlight: InFlight;
}

/**
 * Work under way, by its promise. A handler goes on after gRPC has cancelled its call (a fork boots and
 * records its sandboxes whether or not anyone still waits for the answer), so the daemon's shutdown
 * must not close the store and the managers under it.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const done = (): void => { this.running.delete(work); };
    work.then(done, done);
    return work;
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves once all work tracked now has settled or `timeoutMs` has passed: with how many are still running. */
  async settled(timeoutMs: number): Promise<number> {
    if (!this.running.size) return 0;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); });
    await Promise.race([Promise.allSettled([...this.running]), timeout]);
    clearTimeout(timer);
    return this.running.size;
  }
}

export function observer(
  log: Logger,
  onRequest: (r: RequestRecord) => void = () => undefined,
  peerOf: (call: CallWithConnection) => Peer | undefined = () => undefined,
): Observer {
  return {
    log,
    peerOf,
    inFlight: new InFlight(),
    request(r) {
      const who = r.peer ? { uid: r.peer.uid, pid: r.peer.pid, ...(r.peer.via ? { via: r.peer.via } : {}) } : {};
      log.info({ method: r.method, sandbox: r.sandbox, ms: r.ms, status: r.status, ...(r.code ? { code: r.code } : {}), ...who }, 'request');
      onRequest(r);
    },
  };
}
