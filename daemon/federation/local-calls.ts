// The public methods of this node, by path, with the handlers that serve its socket's calls for this node's
// own sandboxes. Relayed calls from peers are served by them, and so are the calls this node makes of
// itself when it answers for the whole federation or places a swarm: the same handlers, validation, audit
// and flow control whichever way a call came in.
import * as grpc from '@grpc/grpc-js';
import type { RelayCaller } from '../../ipc/generated/godel/v1/RelayCaller.js';
import { GodelError } from '../errors.js';
import type { Peer } from '../server/peers.js';
import { RELAY_WINDOW, RelayedCall, entriesToMetadata, kindOf, type AnyMethod, type CallStatus, type RelaySink } from './relay.js';

const TOKEN_PREFIX = 'godel-relay:';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHandler = (...args: any[]) => void;

/** The caller a call is made for: its client, or this daemon itself when it calls on its own behalf. */
export function callerFrom(peer: Peer | undefined): RelayCaller {
  return peer ? { uid: peer.uid, gid: peer.gid, pid: peer.pid } : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, pid: process.pid };
}

export interface LocalMethod {
  def: AnyMethod;
  handler: AnyHandler;
}

export class LocalCalls {
  private readonly methods = new Map<string, LocalMethod>();
  private readonly callers = new Map<string, Peer>();
  private nextToken = 1;

  register(service: grpc.ServiceDefinition, handlers: object): void {
    for (const [name, def] of Object.entries(service)) {
      this.methods.set(def.path, { def, handler: (handlers as Record<string, AnyHandler>)[name]! });
    }
  }

  get(path: string): LocalMethod | undefined {
    return this.methods.get(path);
  }

  /** The caller of a call served here through `serve` or `call`, by its token. */
  peerOf(call: { getPeer(): string }): Peer | undefined {
    const token = call.getPeer();
    return token.startsWith(TOKEN_PREFIX) ? this.callers.get(token) : undefined;
  }

  /**
   * Makes the handler-facing call for one relayed or in-process call, registered under a token that names
   * its caller (and the node it came through, for a relay) until it finishes.
   */
  open(entry: LocalMethod, sink: RelaySink, metadata: Parameters<typeof entriesToMetadata>[0], credit: number, caller: RelayCaller, via?: string): RelayedCall {
    const token = `${TOKEN_PREFIX}${this.nextToken++}`;
    this.callers.set(token, { uid: caller.uid ?? 0, gid: caller.gid ?? 0, pid: caller.pid ?? 0, allowed: true, ...(via ? { via } : {}) });
    return new RelayedCall(sink, entry.def, { metadata, credit }, token, () => this.callers.delete(token));
  }

  /** Runs the handler of a call whose request (for unary and server-streaming methods) is set. */
  invoke(entry: LocalMethod, call: RelayedCall): void {
    const kind = kindOf(entry.def);
    if (kind === 'unary' || kind === 'clientStream') entry.handler(call, (err: Partial<grpc.StatusObject> | null, value?: unknown) => call.callback(err, value));
    else entry.handler(call);
  }

  /**
   * Calls a unary or server-streaming method of this node in-process, as `caller`: each response goes to
   * `onMessage`, and the next is sent once it has resolved. Resolves with the call's status.
   */
  call<Res>(path: string, request: unknown, caller: RelayCaller, onMessage: (msg: Res) => unknown, signal?: AbortSignal): Promise<CallStatus> {
    const entry = this.methods.get(path);
    if (!entry) throw new GodelError('INTERNAL', `no local method ${path}`);
    const def = entry.def;
    return new Promise<CallStatus>((resolve) => {
      let chain = Promise.resolve();
      let call: RelayedCall | undefined;
      const sink: RelaySink = {
        cancelled: false,
        write: (f) => {
          if (f.message) {
            const msg = def.responseDeserialize(f.message as Buffer) as Res;
            const size = (f.message as Buffer).length;
            chain = chain.then(async () => { await onMessage(msg); call!.creditFromPeer(size); }).catch(() => call!.cancel());
          } else if (f.status) {
            const s = f.status;
            void chain.then(() => resolve({ code: s.code!, details: s.details ?? '', metadata: entriesToMetadata((s.metadata ?? []).map((e) => ({ key: e.key!, value: Buffer.from(e.value as Buffer) }))) }));
          }
          return true;
        },
        end: () => undefined,
        getDeadline: () => Infinity,
      };
      call = this.open(entry, sink, [], RELAY_WINDOW, caller);
      // Through the method's own (de)serializers, so the handler sees defaults exactly as on a real call.
      call.request = def.requestDeserialize(def.requestSerialize(request));
      signal?.addEventListener('abort', () => call!.cancel(), { once: true });
      this.invoke(entry, call);
    });
  }
}
