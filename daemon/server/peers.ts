// Who is calling: the daemon accepts connections on its Unix socket itself, reads each client's
// credentials from the kernel (SO_PEERCRED and SO_PEERGROUPS, through the godel-unix addon), and hands the
// connection to grpc-js. A client that is neither root, nor the daemon's own user, nor in the socket's
// group gets PERMISSION_DENIED on every call, whatever the socket's mode: a loosened chmod opens nothing.
//
// The socket also speaks a second, tiny protocol: a client exchanging a Files.Open ticket for a lent file's
// descriptor (ipc/descriptor-protocol.ts). The first byte a client sends tells which: HTTP/2 begins "PRI".
//
// grpc-js tells a handler nothing about its connection except `call.getPeer()`, read from the socket's
// address fields; a Unix socket has no remote address, so each accepted socket is given one: a token
// naming its entry in this gate's table of peers.
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY } from '../../ipc/errors.js';
import { DESCRIPTOR_REQUEST_PREFIX } from '../../ipc/descriptor-protocol.js';
import { loadUnixAddon } from '../../ipc/unix-addon.js';
import { serveDescriptorRequest, type CollectLent } from './descriptor-channel.js';
import type { Logger } from '../log.js';

export interface Peer {
  pid: number;
  uid: number;
  gid: number;
  /** Whether this client may use the daemon at all. */
  allowed: boolean;
  /** The node whose socket the client called, when the call was forwarded here by a peer. */
  via?: string;
}

const TOKEN_PREFIX = 'godel-peer:';
/** Connections served at once; beyond this, new ones are closed at accept, and those being served carry on. */
export const MAX_CONNECTIONS = 4096;
/** A connection that has sent nothing this long after connecting is closed (HTTP/2 clients speak first). */
const FIRST_BYTES_TIMEOUT_MS = 30_000;
const DESCRIPTOR_REQUEST_FIRST_BYTE = DESCRIPTOR_REQUEST_PREFIX.charCodeAt(0);

export class PeerGate {
  private readonly addon = loadUnixAddon();
  private readonly peers = new Map<string, Peer>();
  private nextToken = 1;
  private server: NetServer | undefined;
  private refused = 0;
  private collectLent: CollectLent | undefined;

  /**
   * `gid`: the socket's group, whose members may call (undefined when the group does not exist here);
   * `onRefused` hears of every connection turned away.
   */
  constructor(private readonly gid: number | undefined, private readonly log: Logger, private readonly onRefused: (p: Peer) => void = () => undefined) {}

  /** Listens on `path` and passes each accepted connection, tagged with its peer, to grpc-js. */
  listen(path: string, injector: { injectConnection(c: Socket): void }): Promise<void> {
    const server = createServer((sock) => this.accept(sock, injector));
    server.maxConnections = MAX_CONNECTIONS;
    this.server = server;
    // Created with no access for others from the first instant; restrictSocket then sets 0660 and the group.
    const old = process.umask(0o117);
    return new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        process.umask(old);
        server.off('error', reject);
        server.on('error', (err) => this.log.error({ err: err.message }, 'socket listener error'));
        resolve();
      });
    });
  }

  /**
   * Stops accepting and removes the socket file. Connections already served are not waited for here
   * (net.Server's close callback would wait for every client to hang up): the gRPC server's shutdown
   * closes them.
   */
  close(path: string): void {
    this.server?.close();
    this.server = undefined;
    if (existsSync(path)) rmSync(path, { force: true });
  }

  /** Serves descriptor requests from now on, exchanging tickets through `collect`. */
  lendFilesThrough(collect: CollectLent): void {
    this.collectLent = collect;
  }

  /** The peer of a call, as read when its connection was accepted. */
  of(call: { getPeer(): string }): Peer | undefined {
    const token = call.getPeer();
    return token.startsWith(TOKEN_PREFIX) ? this.peers.get(token) : undefined;
  }

  get refusedConnections(): number {
    return this.refused;
  }

  /** Refuses every call of a client that may not use the daemon, before any handler sees it. */
  interceptor(): grpc.ServerInterceptor {
    return (_method, call) => {
      const peer = this.of(call);
      if (peer?.allowed) return new grpc.ServerInterceptingCall(call);
      return new grpc.ServerInterceptingCall(call, {
        start: () => {
          const metadata = new grpc.Metadata();
          metadata.set(ERROR_CODE_METADATA_KEY, 'PEER_NOT_ALLOWED');
          const who = peer ? `uid ${peer.uid}` : 'an unidentified client';
          call.sendStatus({ code: grpc.status.PERMISSION_DENIED, details: `${who} may not use godeld: only root and members of the socket's group may`, metadata });
        },
      });
    };
  }

  private accept(sock: Socket, injector: { injectConnection(c: Socket): void }): void {
    const fd = (sock as unknown as { _handle?: { fd?: number } })._handle?.fd;
    let peer: Peer | undefined;
    try {
      if (fd === undefined || fd < 0) throw new Error('the accepted socket has no file descriptor');
      const c = this.addon.peerCredentials(fd);
      const allowed = c.uid === 0 || c.uid === process.getuid?.() || (this.gid !== undefined && (c.gid === this.gid || c.groups.includes(this.gid)));
      peer = { pid: c.pid, uid: c.uid, gid: c.gid, allowed };
    } catch (err) {
      // Not knowing who it is means refusing: the interceptor answers such a connection PERMISSION_DENIED.
      this.log.error({ err: (err as Error).message }, 'cannot read the credentials of a client');
    }
    const token = `${TOKEN_PREFIX}${this.nextToken++}`;
    if (peer) this.peers.set(token, peer);
    if (!peer?.allowed) {
      this.refused++;
      this.log.warn({ peer }, 'refusing a client that is neither root nor in the socket group');
      if (peer) this.onRefused(peer);
    }
    Object.defineProperty(sock, 'remoteAddress', { value: token, configurable: true });
    sock.once('close', () => this.peers.delete(token));
    // Garbage bytes end in an HTTP/2 protocol error on this connection alone; never an unhandled 'error'.
    sock.on('error', (err) => this.log.debug({ err: err.message }, 'client connection error'));
    const idle = setTimeout(() => sock.destroy(), FIRST_BYTES_TIMEOUT_MS);
    idle.unref();
    sock.once('close', () => clearTimeout(idle));
    sock.once('readable', () => {
      clearTimeout(idle);
      const head = sock.read() as Buffer | null;
      if (head === null) {
        sock.destroy(); // Hung up without a word.
      } else if (head[0] === DESCRIPTOR_REQUEST_FIRST_BYTE && this.collectLent) {
        serveDescriptorRequest(sock, head, peer, this.collectLent, this.addon, this.log);
      } else {
        // grpc-js's HTTP/2 session reads what is already buffered on the socket before the rest.
        sock.unshift(head);
        injector.injectConnection(sock);
      }
    });
  }
}
