// The receiving end of the forwarder's hand-over (native/godel-egress-forward.c, --hand-to): a process
// sandbox's forwarder connects to a Unix socket of the sandbox's, sends one line naming the Unix sockets
// its loopback listeners stand for ("LISTENERS http.sock socks.sock\n") with the listening sockets
// attached (SCM_RIGHTS), and keeps that connection open. Whoever holds the listeners then accepts the
// sandbox's connections on them itself, with no forwarder between; the forwarder goes back to carrying
// them when the connection closes. Both the egress proxy and the model gateway take listeners this way.
import { closeSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { UnixAddon } from '../../ipc/unix-addon.js';

/** How long a forwarder has, once connected to the hand-over socket, to hand its listeners over. */
const HAND_OVER_TIMEOUT_MS = 2000;
const HAND_OVER_POLL_MS = 10;
const HAND_OVER_LINE = /^LISTENERS((?: [A-Za-z0-9._-]+){1,8})\n$/;

export interface HandOverOptions {
  /** Whether a hand-over naming these sockets (in the forwarder's order) is one this end takes. */
  accepts(names: string[]): boolean;
  /** A connection accepted on the listener that stands for the socket `name`. */
  onConnection(name: string, socket: Socket): void;
  /** Still wanted once the hand-over arrived (the sandbox or agent may have gone meanwhile). */
  current(): boolean;
}

/**
 * One hand-over point: give it the connections of a server made with `pauseOnConnect` (what arrives
 * carries descriptors, which the addon must read, not Node). It holds one forwarder's listeners at a
 * time: a new hand-over replaces the last. A hand-over that is not right is refused by closing the
 * connection, and the forwarder goes on carrying connections itself.
 */
export class HandOverPoint {
  private held: { connection: Socket; servers: Server[] } | undefined;
  private receiving = false;

  constructor(private readonly addon: UnixAddon, private readonly opts: HandOverOptions) {}

  /** Whether a forwarder's listeners are held now. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  async take(connection: Socket): Promise<void> {
    connection.on('error', () => connection.destroy());
    // One hand-over read at a time: a sandbox that opens many connections and says nothing holds only one.
    if (this.receiving) {
      connection.destroy();
      return;
    }
    this.receiving = true;
    let got: { fds: number[]; line: string } | null = null;
    try {
      const fd = (connection as unknown as { _handle?: { fd?: number } })._handle?.fd;
      if (fd === undefined || fd < 0) throw new Error('the connection has no descriptor');
      // The forwarder sends it all as soon as it is connected: it is usually there already.
      for (const deadline = Date.now() + HAND_OVER_TIMEOUT_MS; !got && !connection.destroyed && Date.now() < deadline;) {
        got = this.addon.receiveListeners(fd);
        if (!got) await sleep(HAND_OVER_POLL_MS);
      }
    } catch {
      got = null; // Not a hand-over (no sockets, or not listening TCP ones, all closed by the addon): refused below.
    } finally {
      this.receiving = false;
    }
    const names = HAND_OVER_LINE.exec(got?.line ?? '')?.[1]?.trim().split(' ') ?? [];
    const valid = names.length > 0 && new Set(names).size === names.length && this.opts.accepts(names);
    if (!got || !valid || names.length !== got.fds.length || connection.destroyed || !this.opts.current()) {
      for (const f of got?.fds ?? []) closeSync(f);
      connection.destroy();
      return;
    }
    const fds = got.fds;
    const servers = names.map((name, i) => {
      // No Nagle: small writes (a TLS handshake's, the first events of a stream) must not wait for acknowledgements.
      const server = createServer({ noDelay: true }, (s) => this.opts.onConnection(name, s));
      // A descriptor Node cannot listen on ends this hand-over; the forwarder takes its connections back.
      server.on('error', () => connection.destroy());
      server.listen({ fd: fds[i]! });
      return server;
    });
    this.release();
    const held = { connection, servers };
    this.held = held;
    connection.on('close', () => { if (this.held === held) this.release(); });
    // The forwarder says nothing more; anything it sends is not this protocol.
    connection.on('data', () => connection.destroy());
    connection.resume();
  }

  /** Stops accepting on the held listeners (the forwarder's copies go on listening, and it carries connections again). */
  release(): void {
    const h = this.held;
    if (!h) return;
    this.held = undefined;
    for (const s of h.servers) s.close();
    h.connection.destroy();
  }
}
