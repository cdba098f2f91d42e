// The nodes a call can reach from here: this one, in-process, and the peers of its federation, through
// relays. Views of the whole federation and swarms are written against this, so they treat this node as
// one node among the others and work the same with no federation at all.
import * as grpc from '@grpc/grpc-js';
import { ErrorCodes, ERROR_CODE_METADATA_KEY, type ErrorCode } from '../../ipc/errors.js';
import type { RelayCaller } from '../../ipc/generated/godel/v1/RelayCaller.js';
import { GodelError } from '../errors.js';
import type { Peer } from '../server/peers.js';
import type { Federation } from './federation.js';
import { callerFrom, type LocalCalls } from './local-calls.js';
import type { CallStatus } from './relay.js';

export interface Targets {
  /** Nodes to ask, this one first when it is one of them. */
  nodes: string[];
  /** Known members left out because they do not answer. */
  unreachable: string[];
}

/** A failed call's status as the daemon's typed error, so that a handler passes it on unchanged. */
export function errorOfStatus(s: CallStatus | grpc.ServiceError): GodelError {
  const code = s.metadata?.get(ERROR_CODE_METADATA_KEY)[0];
  if (typeof code === 'string' && code in ErrorCodes) return new GodelError(code as ErrorCode, s.details);
  // With no code of ours, the hop itself failed (refused, cut, timed out, cancelled by a peer shutting down).
  return new GodelError('NODE_UNAVAILABLE', s.details || `the node did not answer (${grpc.status[s.code] ?? s.code})`);
}

export class Cluster {
  constructor(
    readonly self: string,
    readonly local: LocalCalls,
    readonly federation: Federation | undefined,
    private readonly peerOf: (call: { getPeer(): string }) => Peer | undefined,
  ) {}

  /** The nodes a view covers: all of them for an empty filter, else the one named. */
  targets(filter: string): Targets {
    if (filter === this.self) return { nodes: [this.self], unreachable: [] };
    const m = this.federation?.membership;
    if (!filter) return { nodes: [this.self, ...(m?.reachable().map((x) => x.name!) ?? [])], unreachable: m?.unreachableNames() ?? [] };
    const member = m?.byName(filter);
    if (!member) throw new GodelError('NODE_UNAVAILABLE', `no node named "${filter}" is known to ${this.self}`);
    return m!.usable(member) ? { nodes: [filter], unreachable: [] } : { nodes: [], unreachable: [filter] };
  }

  callerOf(call?: { getPeer(): string }): RelayCaller {
    return callerFrom(call ? this.peerOf(call) : undefined);
  }

  async unary<Res>(node: string, path: string, request: unknown, caller: RelayCaller, timeoutMs?: number): Promise<Res> {
    if (node !== this.self) {
      if (!this.federation) throw new GodelError('NODE_UNAVAILABLE', `no node named "${node}" is known to ${this.self}`);
      return this.federation.callUnary<Res>(node, path, request, caller, timeoutMs).catch((err: grpc.ServiceError) => { throw errorOfStatus(err); });
    }
    let res: Res | undefined;
    const s = await this.local.call<Res>(path, request, caller, (msg) => { res = msg; });
    if (s.code !== grpc.status.OK) throw errorOfStatus(s);
    return res as Res;
  }

  /** A server-streaming call on `node`; each message is passed on before the next is sent. */
  stream<Res>(node: string, path: string, request: unknown, caller: RelayCaller, onMessage: (msg: Res) => unknown, signal?: AbortSignal): Promise<CallStatus> {
    if (node === this.self) return this.local.call(path, request, caller, onMessage, signal);
    if (!this.federation) return Promise.resolve({ code: grpc.status.UNAVAILABLE, details: `no node named "${node}"`, metadata: new grpc.Metadata() });
    return this.federation.callStream(node, path, request, caller, onMessage, signal);
  }
}
