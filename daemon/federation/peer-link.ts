// The channel to one peer address: mutual TLS, keepalive so that a hung peer is noticed within seconds
// (a stopped process still accepts TCP), and quick reconnects so that a peer that comes back is used again
// at once. The peer's name is learnt from its certificate in the handshake.
import * as grpc from '@grpc/grpc-js';
import { loadApi } from '../../ipc/proto.js';
import type { ExchangeRequest } from '../../ipc/generated/godel/v1/ExchangeRequest.js';
import type { ExchangeResponse__Output } from '../../ipc/generated/godel/v1/ExchangeResponse.js';
import type { FederationClient } from '../../ipc/generated/godel/v1/Federation.js';
import type { RelayCaller } from '../../ipc/generated/godel/v1/RelayCaller.js';
import { RELAY_WINDOW, RelayClientCall, metadataToEntries, statusWithCode, type AnyMethod } from './relay.js';
import type { PeerTls } from './tls.js';

/** Messages on the peer link may be as large as the public API's, plus the relay's framing. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024 + 64 * 1024;

/** How long a peer's answer to a keepalive ping may take before its connection is given up. */
export const PEER_PING_TIMEOUT_MS = 3000;

export class PeerLink {
  /** The name in the certificate the peer presented, once a handshake has happened. */
  certName: string | undefined;
  /** When that certificate expires (ms since the epoch). */
  certExpiresAt: number | undefined;
  private readonly client: FederationClient;

  constructor(readonly address: string, tls: PeerTls) {
    const api = loadApi().godel.v1;
    this.client = new api.Federation(address, tls.channelCredentials((name, validTo) => { this.certName = name; this.certExpiresAt = validTo; }), {
      'grpc.keepalive_time_ms': 2000,
      // 3 s for the ping's answer: a peer whose event loop is busy for a second (a 30-member swarm exec
      // on a loaded machine) is not hung, and dropping the connection cuts every call forwarded on it.
      'grpc.keepalive_timeout_ms': PEER_PING_TIMEOUT_MS,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 2000,
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    });
  }

  exchange(req: ExchangeRequest, timeoutMs: number): Promise<ExchangeResponse__Output> {
    return new Promise((resolve, reject) => {
      this.client.Exchange(req, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res!)));
    });
  }

  /**
   * Opens a relayed call of `def` on this peer. With `parent` (the server call being forwarded), its
   * deadline and cancellation travel with it.
   */
  open(def: AnyMethod, node: string, opts: { caller: RelayCaller; metadata?: grpc.Metadata; parent?: grpc.CallOptions['parent']; deadline?: number }): RelayClientCall {
    const callOpts: grpc.CallOptions = opts.parent
      ? { parent: opts.parent, propagate_flags: grpc.propagate.DEADLINE | grpc.propagate.CANCELLATION }
      : opts.deadline ? { deadline: opts.deadline } : {};
    const stream = this.client.Relay(callOpts);
    stream.write({ start: { method: def.path, metadata: metadataToEntries(opts.metadata), caller: opts.caller, credit: RELAY_WINDOW } });
    return new RelayClientCall(stream, def, (err) => statusWithCode(grpc.status.UNAVAILABLE, 'NODE_UNAVAILABLE',
      `node ${node} (${this.address}) went away during the call: ${err.details || err.message}`));
  }

  close(): void {
    this.client.close();
  }
}
