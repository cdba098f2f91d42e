// The audit log: who (uid, gid, pid from SO_PEERCRED) did what (method, status) to which sandbox. One
// record per request that addresses a sandbox or changes the daemon's state, and one per refused
// connection; kept in the store beside the lifecycle events, in the same sequence.
import { EventEmitter } from 'node:events';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { RequestRecord } from '../server/observer.js';
import type { Peer } from '../server/peers.js';
import type { AuditRecord, Store, UsageTotals } from '../store/store.js';

/** Read-only questions about the daemon as a whole: answered often, and telling nobody anything new. */
const NOT_AUDITED = new Set([
  'Sandboxes.List', 'Sandboxes.Watch', 'Sandboxes.Events', 'Pools.List', 'Snapshots.List',
  'System.Info', 'System.Version', 'System.Nodes', 'Swarm.List',
]);

export class AuditLog {
  private readonly emitter = new EventEmitter();

  constructor(private readonly store: Store, private readonly log: Logger) {
    this.emitter.setMaxListeners(0);
  }

  /** Records a finished request. Never fails the request: a record that cannot be written is logged. */
  request(r: RequestRecord): void {
    if (NOT_AUDITED.has(r.method)) return;
    // An E2B call comes over TCP with an API key, not from a local process: no uid, gid or pid (-1).
    if (!r.peer && r.apiKey) {
      this.append({ method: r.method, sandboxId: r.sandbox, status: r.status, code: r.code, uid: -1, gid: -1, pid: -1, apiKey: r.apiKey });
      return;
    }
    if (!r.peer) return;
    this.append({ method: r.method, sandboxId: r.sandbox, status: r.status, code: r.code, uid: r.peer.uid, gid: r.peer.gid, pid: r.peer.pid, ...(r.peer.via ? { via: r.peer.via } : {}) });
  }

  /** Records a model call an agent made through the gateway, with what it used. */
  modelCall(r: { api: string; sandboxId: string; agentId: string; model: string; status: string; usage: UsageTotals }): void {
    this.append({ method: `Gateway.${r.api}`, sandboxId: r.sandboxId, status: r.status, uid: -1, gid: -1, pid: -1, agentId: r.agentId, model: r.model, usage: r.usage });
  }

  /** Records a connection refused by the peer gate. */
  refused(peer: Peer): void {
    this.append({ method: 'connect', status: 'PERMISSION_DENIED', code: 'PEER_NOT_ALLOWED', uid: peer.uid, gid: peer.gid, pid: peer.pid });
  }

  onRecord(listener: (r: AuditRecord) => void): () => void {
    this.emitter.on('record', listener);
    return () => this.emitter.off('record', listener);
  }

  private append(r: Parameters<Store['appendAudit']>[0]): void {
    this.store.appendAudit(r).then(
      (rec) => this.emitter.emit('record', rec),
      (err: unknown) => this.log.error({ err: errorMessage(err), method: r.method, uid: r.uid }, 'cannot write an audit record'),
    );
  }
}
