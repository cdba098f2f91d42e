// Federation: this daemon as one member of a set of peers. It owns the peer port (a gRPC server on TCP
// with mutual TLS, serving only the Federation service to peers), the membership, and the forwarding of
// public calls: every call that names a sandbox, session or snapshot whose id carries another node's name
// is relayed to that node (relay.ts), and the calls that list things answer for the whole federation.
// Clients never see the peer port; they call their own node's Unix socket as before.
import * as grpc from '@grpc/grpc-js';
import type { FederationHandlers } from '../../ipc/generated/godel/v1/Federation.js';
import type { NodeInfo, NodeInfo__Output } from '../../ipc/generated/godel/v1/NodeInfo.js';
import type { RelayFrame, RelayFrame__Output } from '../../ipc/generated/godel/v1/RelayFrame.js';
import type { RelayCaller } from '../../ipc/generated/godel/v1/RelayCaller.js';
import { loadApi } from '../../ipc/proto.js';
import type { FederationConfig } from '../config/config.js';
import { GodelError, errorMessage } from '../errors.js';
import { nodeOfId } from '../ids.js';
import type { Logger } from '../log.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import type { Peer } from '../server/peers.js';
import { VERSION } from '../version.js';
import { Membership, type Member, type SharedBudgets } from './membership.js';
import { RelayedCall, kindOf, metadataToEntries, pipeToRelay, serviceError, statusWithCode, type AnyMethod, type CallStatus, type MethodKind } from './relay.js';
import { callerFrom, type AnyHandler, type LocalCalls, type LocalMethod } from './local-calls.js';
import { PeerTls, nameOfCertificate } from './tls.js';
import { nodeInfo } from './node-info.js';
import { PEER_PING_TIMEOUT_MS } from './peer-link.js';

/** Fields of a request (or of its first message's parts) that name what a call is about. */
const ROUTING_FIELDS = ['sandboxId', 'sessionId', 'snapshotId', 'agentId', 'id'];
/** How long a call made by this node itself (a part of a federated list, a swarm's step) may take. */
export const INTERNAL_CALL_MS = 10_000;
const FILES_OPEN = '/godel.v1.Files/Open';

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> & grpc.ServerDuplexStream<unknown, unknown>;
type Callback = (err: grpc.ServiceError | null, value?: unknown) => void;

export interface FederationDeps {
  config: FederationConfig;
  node: string;
  sandboxes: SandboxManager;
  local: LocalCalls;
  log: Logger;
  /** The caller of a call on this node's socket (SO_PEERCRED), or of a relayed call. */
  peerOf: (call: { getPeer(): string }) => Peer | undefined;
  onPeerChange?: (reachable: number, unreachable: number, change: 'reachable' | 'unreachable') => void;
  onForward?: (method: string) => void;
  /** The agents' label and swarm budgets, held by every node alike. */
  budgets?: SharedBudgets;
}

/** The node a request names by one of its ids, when that is another node (the first match, two levels deep). */
export function ownerNamedBy(msg: unknown, self: string): string | undefined {
  const visit = (o: unknown, depth: number): string | undefined => {
    if (!o || typeof o !== 'object' || Buffer.isBuffer(o)) return undefined;
    for (const f of ROUTING_FIELDS) {
      const v = (o as Record<string, unknown>)[f];
      if (typeof v === 'string' && v) {
        const node = nodeOfId(v);
        if (node) return node === self ? undefined : node;
      }
    }
    if (depth === 0) return undefined;
    for (const v of Object.values(o as Record<string, unknown>)) {
      const found = visit(v, depth - 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return visit(msg, 1);
}

export class Federation {
  readonly membership: Membership;
  private server: grpc.Server | undefined;
  private generation = 0;
  /** The last sandboxes each peer was seen to have, for listing them UNKNOWN while it is unreachable. */
  readonly lastKnown = new Map<string, unknown[]>();
  private readonly unsubscribe: () => void;

  private constructor(private readonly deps: FederationDeps, readonly tls: PeerTls) {
    this.membership = new Membership({
      self: deps.node, advertise: deps.config.advertise, seeds: deps.config.peers, dns: deps.config.dns, dnsPort: deps.config.dnsPort,
      tls, selfInfo: () => this.selfInfo(), generation: () => this.generation, ...(deps.budgets ? { budgets: deps.budgets } : {}), log: deps.log,
    });
    this.unsubscribe = deps.sandboxes.onEvent(({ event }) => {
      if (event.claimed) this.generation++;
    });
    const report = (change: 'reachable' | 'unreachable') => (): void => {
      deps.onPeerChange?.(this.membership.reachable().length, this.membership.unreachableNames().length, change);
    };
    this.membership.on('reachable', report('reachable'));
    this.membership.on('unreachable', report('unreachable'));
  }

  /** Reads the certificates (the node name must be the certificate's) and makes the membership. */
  static async create(deps: FederationDeps): Promise<Federation> {
    const tls = await PeerTls.load(deps.config.tls, deps.log);
    if (tls.node !== deps.node) {
      tls.close();
      throw new GodelError('INVALID_ARGUMENT', `this node is named "${deps.node}" but its federation certificate ${deps.config.tls.cert} names "${tls.node}": a node's name is the one in its certificate (set node to "${tls.node}")`);
    }
    return new Federation(deps, tls);
  }

  get self(): string {
    return this.deps.node;
  }

  get log(): Logger {
    return this.deps.log;
  }

  /** Binds the peer port and starts trading state with the peers. */
  async start(): Promise<void> {
    const api = loadApi().godel.v1;
    const server = new grpc.Server({
      'grpc.keepalive_time_ms': 2000, 'grpc.keepalive_timeout_ms': PEER_PING_TIMEOUT_MS, 'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 1000, 'grpc.max_receive_message_length': 5 * 1024 * 1024,
    });
    server.addService(api.Federation.service, this.peerHandlers());
    await new Promise<void>((resolve, reject) => {
      server.bindAsync(this.deps.config.listen, this.tls.serverCredentials(), (err) => {
        if (err) reject(new GodelError('INVALID_ARGUMENT', `cannot listen for peers on federation.listen ${this.deps.config.listen}: ${err.message}`));
        else resolve();
      });
    });
    this.server = server;
    this.membership.start();
    this.membership.on('changed', (m: Member) => void this.refreshLastKnown(m));
    this.deps.log.info({ listen: this.deps.config.listen, node: this.deps.node, seeds: this.deps.config.peers }, 'federation: peer port serving');
  }

  /** Stops trading state, and gives relayed calls `graceMs` to finish before they are cancelled. */
  async stop(graceMs: number): Promise<void> {
    this.unsubscribe();
    await this.membership.stop();
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { server.forceShutdown(); resolve(); }, graceMs);
        server.tryShutdown(() => { clearTimeout(timer); resolve(); });
      });
    }
    this.tls.close();
  }

  /**
   * Registers a service's local handlers (relayed calls are served by them) and returns the handlers for
   * this node's socket: calls naming another node's ids are forwarded; `views` replace a method outright.
   */
  wrapService<H extends object>(service: grpc.ServiceDefinition, local: H, views: Partial<Record<keyof H, AnyHandler>> = {}): H {
    const out: Record<string, AnyHandler> = {};
    this.deps.local.register(service, local);
    for (const [name, def] of Object.entries(service)) {
      const handler = (local as Record<string, AnyHandler>)[name]!;
      out[name] = (views as Record<string, AnyHandler>)[name] ?? this.forwarding(def, handler);
    }
    return out as H;
  }

  /** The definition of a public method, by path. */
  methodDef(path: string): AnyMethod {
    const entry = this.deps.local.get(path);
    if (!entry) throw new GodelError('INTERNAL', `no method ${path}`);
    return entry.def;
  }

  /** The member of that name if it can be called now, or NODE_UNAVAILABLE naming it. */
  usableMember(node: string): Member {
    const m = this.membership.byName(node);
    if (!m) throw new GodelError('NODE_UNAVAILABLE', `node "${node}" is not a member of this federation that ${this.deps.node} knows`);
    if (!this.membership.usable(m)) throw new GodelError('NODE_UNAVAILABLE', `node "${node}" is unreachable: ${m.error || 'it does not answer'}`);
    return m;
  }

  /** The caller to name in a relay: the client of `call`, or this daemon itself. */
  callerOf(call?: { getPeer(): string }): RelayCaller {
    return callerFrom(call ? this.deps.peerOf(call) : undefined);
  }

  /** A unary call of a public method on another node, made by this node for its client (or itself). */
  callUnary<Res>(node: string, path: string, request: unknown, caller: RelayCaller, timeoutMs = INTERNAL_CALL_MS): Promise<Res> {
    const def = this.deps.local.get(path)!.def;
    const m = this.usableMember(node);
    const rc = m.link.open(def, node, { caller, deadline: Date.now() + timeoutMs });
    return new Promise<Res>((resolve, reject) => {
      let res: Res | undefined;
      rc.on('message', (msg: Res, size: number) => { res = msg; rc.ack(size); });
      rc.on('status', (s: CallStatus) => (s.code === grpc.status.OK ? resolve(res as Res) : reject(serviceError(s))));
      rc.send(request);
      rc.halfClose();
    });
  }

  /**
   * A server-streaming call of a public method on another node: `onMessage` gets each response and
   * resolves when it has passed it on (that is the flow control); resolves with the final status.
   */
  callStream<Res>(node: string, path: string, request: unknown, caller: RelayCaller, onMessage: (msg: Res) => Promise<unknown> | unknown, signal?: AbortSignal): Promise<CallStatus> {
    const def = this.deps.local.get(path)!.def;
    let m: Member;
    try {
      m = this.usableMember(node);
    } catch (err) {
      return Promise.resolve(statusWithCode(grpc.status.UNAVAILABLE, 'NODE_UNAVAILABLE', errorMessage(err)));
    }
    const rc = m.link.open(def, node, { caller });
    const abort = (): void => rc.cancel();
    signal?.addEventListener('abort', abort);
    return new Promise<CallStatus>((resolve) => {
      let chain = Promise.resolve();
      rc.on('message', (msg: Res, size: number) => {
        chain = chain.then(async () => { await onMessage(msg); rc.ack(size); }).catch(() => rc.cancel());
      });
      rc.on('status', (s: CallStatus) => {
        signal?.removeEventListener('abort', abort);
        void chain.then(() => resolve(s));
      });
      rc.send(request);
      rc.halfClose();
    });
  }

  /** What this node tells its peers about itself. */
  selfInfo(): NodeInfo {
    return nodeInfo(this.deps.node, this.deps.config.advertise, this.deps.sandboxes);
  }

  /** Every node as this one sees it, itself first. */
  nodes(): NodeInfo[] {
    const now = Date.now();
    const self: NodeInfo = { ...this.selfInfo(), lastSeen: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 } };
    return [self, ...this.membership.members().map((m): NodeInfo => {
      const info: Partial<NodeInfo__Output> = m.info ?? {};
      return {
        name: m.name ?? '', address: m.address, self: false, reachable: m.reachable && !m.excluded, version: info.version ?? '',
        capacity: info.capacity ?? undefined, pools: info.pools ?? [],
        lastSeen: m.lastSeen ? { seconds: Math.floor(m.lastSeen / 1000), nanos: (m.lastSeen % 1000) * 1e6 } : null,
        breaker: String(m.breaker.state === 0 ? 'closed' : m.breaker.state === 1 ? 'open' : m.breaker.state === 2 ? 'half-open' : 'isolated'),
        error: m.error,
        certificateExpiresAt: m.link.certExpiresAt ? { seconds: Math.floor(m.link.certExpiresAt / 1000), nanos: 0 } : null,
      };
    })];
  }

  private async refreshLastKnown(m: Member): Promise<void> {
    if (!m.name) return;
    try {
      const res = await this.callUnary<{ sandboxes: unknown[] }>(m.name, '/godel.v1.Sandboxes/List', { node: m.name }, this.callerOf());
      this.lastKnown.set(m.name, res.sandboxes);
    } catch (err) {
      // Asked again at the next exchange, rather than only when the peer's sandboxes change again.
      m.generation = -1;
      this.deps.log.debug({ node: m.name, err: errorMessage(err) }, 'federation: cannot refresh a peer\'s sandboxes');
    }
  }

  private forwarding(def: AnyMethod, local: AnyHandler): AnyHandler {
    const kind = kindOf(def);
    const name = def.path.slice(def.path.lastIndexOf('.') + 1);
    if (kind === 'unary' || kind === 'serverStream') {
      return (call: AnyCall, callback?: Callback) => {
        const node = ownerNamedBy(call.request, this.deps.node);
        if (node === undefined) local(call, callback);
        else this.forward(kind, def, node, call, callback);
      };
    }
    return (call: AnyCall, callback?: Callback) => {
      // The first message says which sandbox the call is about: read it, then either relay it with the
      // rest, or put it back for the local handler.
      const onEnd = (): void => {
        call.off('data', onData);
        fail(kind, call, callback, new GodelError('INVALID_ARGUMENT', `${name}: the call ended before its first message`), this.deps.log);
      };
      const onData = (first: unknown): void => {
        call.pause();
        call.off('end', onEnd);
        const node = ownerNamedBy(first, this.deps.node);
        if (node !== undefined) {
          this.forward(kind, def, node, call, callback, first);
          return;
        }
        call.unshift(first);
        local(call, callback);
        call.resume();
      };
      call.once('data', onData);
      call.once('end', onEnd);
    };
  }

  /** Relays a call to `node`, or answers NODE_UNAVAILABLE at once when it cannot be reached. */
  forward(kind: MethodKind, def: AnyMethod, node: string, call: AnyCall, callback?: Callback, first?: unknown): void {
    let m: Member;
    try {
      if (def.path === FILES_OPEN) {
        throw new GodelError('NOT_SUPPORTED', `sandbox files on node ${node} are not lent to clients of ${this.deps.node}: a descriptor lends only on its own host; use Files.Read and Files.Write`);
      }
      m = this.usableMember(node);
    } catch (err) {
      fail(kind, call, callback, err, this.deps.log);
      return;
    }
    this.deps.onForward?.(def.path);
    const rc = m.link.open(def, node, { caller: this.callerOf(call), metadata: call.metadata, parent: call });
    pipeToRelay(kind, call, rc, callback, first);
  }

  private peerHandlers(): FederationHandlers {
    return {
      Exchange: (call, callback) => callback(null, this.membership.answer(call.request, nameOfCertificate(call.getAuthContext()?.sslPeerCertificate))),
      Relay: (relay) => this.serveRelay(relay),
    };
  }

  /** The owner's side of a relay: the first frame names the method; the call is served by the local handler. */
  private serveRelay(relay: grpc.ServerDuplexStream<RelayFrame__Output, RelayFrame>): void {
    const via = nameOfCertificate(relay.getAuthContext()?.sslPeerCertificate) ?? 'unknown';
    let call: RelayedCall | undefined;
    let entry: LocalMethod | undefined;
    let invoked = false;
    relay.on('data', (f: RelayFrame__Output) => {
      if (!call) {
        // Files.Open lends a descriptor on this host's socket only: no relay may ask for one.
        entry = f.frame === 'start' && f.start!.caller && f.start!.method !== FILES_OPEN ? this.deps.local.get(f.start!.method) : undefined;
        if (!entry) {
          const s = f.frame !== 'start'
            ? statusWithCode(grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT', 'a relay must begin with its start frame')
            : !f.start!.caller
              ? statusWithCode(grpc.status.INVALID_ARGUMENT, 'INVALID_ARGUMENT', 'a relay must name the caller it carries')
              : f.start!.method === FILES_OPEN
                ? statusWithCode(grpc.status.FAILED_PRECONDITION, 'NOT_SUPPORTED', `files are lent only to clients on ${this.deps.node}'s own host`)
                : statusWithCode(grpc.status.UNIMPLEMENTED, 'NOT_SUPPORTED', `this node (${this.deps.node}, version ${VERSION}) does not serve ${f.start!.method}`);
          relay.write({ status: { code: s.code, details: s.details, metadata: metadataToEntries(s.metadata) } });
          relay.end();
          return;
        }
        // The caller's identity is trusted because the relay came over mutual TLS from a member of the federation.
        call = this.deps.local.open(entry, relay, f.start!.metadata, f.start!.credit, f.start!.caller!, via);
        const kind = kindOf(entry.def);
        if (kind === 'clientStream' || kind === 'bidi') {
          invoked = true;
          this.deps.local.invoke(entry, call);
        }
        return;
      }
      switch (f.frame) {
        case 'message':
          if (!invoked) {
            invoked = true;
            call.request = entry!.def.requestDeserialize(f.message!);
            this.deps.local.invoke(entry!, call);
          } else {
            call.deliver(f.message!);
          }
          break;
        case 'credit': call.creditFromPeer(f.credit!); break;
        case 'halfClose': call.inputEnded(); break;
        default: break;
      }
    });
    relay.on('cancelled', () => call?.cancel());
    relay.on('error', () => call?.cancel());
  }
}

/** Answers a call that cannot go anywhere, whatever its kind; an unexpected failure is logged in full. */
export function fail(kind: MethodKind, call: AnyCall, callback: Callback | undefined, err: unknown, log: Logger): void {
  if (!(err instanceof GodelError)) log.error({ method: call.getPath?.(), err }, 'unexpected failure');
  const e = err instanceof GodelError
    ? serviceError(statusWithCode(err.grpcStatus, err.code, err.message))
    : serviceError(statusWithCode(grpc.status.INTERNAL, 'INTERNAL', 'internal error in godeld; see its log'));
  if (kind === 'unary' || kind === 'clientStream') callback!(e);
  else call.emit('error', e);
}
