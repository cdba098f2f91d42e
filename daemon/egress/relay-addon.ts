// The godel-egress-relay addon (native/godel-egress-relay.c, built into dist/native by `npm run build`):
// an allowed tunnel's two sockets relayed with splice(2) on a thread of its own, so its bytes never pass
// through Node. The proxy loads it when it starts, so a proxy built without it does not start at all.
import { loadNativeAddon } from '../../ipc/native-addon.js';

/** What startRelay returns: only for cancelRelay. */
export type RelayHandle = { readonly __relay: unique symbol };

export interface RelayAddon {
  /**
   * Relays `clientFd` and `upstreamFd` (duplicated: the caller keeps and later closes its own) until both
   * directions have ended, one side fails, or it is cancelled; `toUpstream` and `toClient` (what Node
   * had already read) are written first. `done` runs on this event loop: `bytesOut` client to upstream,
   * `bytesIn` upstream to client, both counting those first bytes.
   */
  startRelay(clientFd: number, upstreamFd: number, toUpstream: Buffer, toClient: Buffer,
    done: (error: string | null, bytesOut: number, bytesIn: number) => void): RelayHandle;
  /** Ends a relay (both sockets shut down); its `done` still follows. */
  cancelRelay(handle: RelayHandle): void;
}

export function loadRelayAddon(): RelayAddon {
  return loadNativeAddon<RelayAddon>('godel-egress-relay.node');
}
