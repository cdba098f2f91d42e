// The egress proxy: the one way out for sandboxes with an allow list. Each registered sandbox gets two
// Unix sockets of its own (HTTP proxy: CONNECT and plain HTTP; SOCKS5), so the socket a connection
// arrives on says which sandbox it is from. A process sandbox's forwarder also hands the proxy its
// loopback listening sockets (through the sandbox's own listeners socket), and the proxy then accepts the
// sandbox's connections on them directly, with no forwarder between; they are the same sandbox's too. The proxy resolves names itself, checks every resolved
// address, and connects to the very address it checked (a name cannot be re-pointed between the check
// and the connect). Plain HTTP is checked request by request, so a keep-alive connection cannot carry a
// second request to another host. It runs in a process of its own (proxy-main.ts) that outlives daemon
// restarts, so open connections do too.
import { mkdirSync, chmodSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { connect, createServer, isIP, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Resolver, promises as dnsPromises } from 'node:dns';
import { CompiledPolicy, describePolicy, type NetworkPolicy } from './policy.js';
import { servePortChannel } from '../providers/microvm/port-channel.js';
import { HTTP_SOCKET, LISTENERS_SOCKET, SOCKS_SOCKET, VM_SOCKET } from './protocol.js';
import { HTTP_PROXY_PORT, SOCKS_PROXY_PORT } from './sandbox-side.js';
import { loadUnixAddon, type UnixAddon } from '../../ipc/unix-addon.js';
import { HandOverPoint } from './hand-over.js';
import { loadRelayAddon, type RelayAddon } from './relay-addon.js';

/** What a microvm guest's egress listeners (the forwarder's ports) lead to. */
const SOCKET_OF_PORT: Record<number, string> = { [HTTP_PROXY_PORT]: HTTP_SOCKET, [SOCKS_PROXY_PORT]: SOCKS_SOCKET };

export type Decision = 'allowed' | 'refused' | 'failed';

/** One connection (or, for plain HTTP, one request) through the proxy, as the daemon records it. */
export interface ConnectionRecord {
  sandboxId: string;
  protocol: 'connect' | 'http' | 'socks';
  host: string;
  port: number;
  /** The address connected to (empty when refused before a lookup or when none was usable). */
  address: string;
  decision: Decision;
  /** Why it was refused or failed. */
  reason: string;
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
  time: number;
}

export interface ProxySettings {
  /** DNS servers (HOST or HOST:PORT) the proxy asks; empty: the host's resolver (getaddrinfo, /etc/hosts included). */
  dnsServers: string[];
  /** Listeners of the daemon (metrics, peers) that sandboxes may not reach unless an address entry lists them. */
  listeners: Array<{ address: string; port: number }>;
}

const CONNECT_TIMEOUT_MS = 10_000;
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_CACHE_TTL_S = 60;
const MAX_CACHE_ENTRIES = 10_000;
interface SandboxEntry {
  id: string;
  dir: string;
  policy: CompiledPolicy;
  http: HttpServer;
  socks: Server;
  /** Where a microvm sandbox's QEMU connects its egress port. */
  vm: Server;
  /** Where the sandbox's forwarder hands over its listening sockets, and what it holds of them. */
  listeners: Server;
  handOver: HandOverPoint;
  open: Set<Socket>;
}

type Target = { host: string; port: number };
type Resolved = { ok: true; address: string; nameAllowed: boolean } | { ok: false; decision: Decision; reason: string };

export class EgressProxy {
  private readonly sandboxes = new Map<string, SandboxEntry>();
  private settings: ProxySettings = { dnsServers: [], listeners: [] };
  private resolver: Resolver | undefined;
  /** Answers of the configured DNS servers, kept for their TTL (every address is still checked each time). */
  private readonly cache = new Map<string, { addresses: string[]; expires: number }>();

  /** Receives the forwarders' listening sockets; loaded at once, so a proxy built without it does not start. */
  private readonly addon: UnixAddon = loadUnixAddon();
  /** Relays allowed tunnels outside Node; loaded at once for the same reason. */
  private readonly relay: RelayAddon = loadRelayAddon();

  constructor(private readonly onRecord: (r: ConnectionRecord) => void) {}

  configure(settings: ProxySettings): void {
    this.settings = settings;
    this.resolver = undefined;
    this.cache.clear();
    if (settings.dnsServers.length) {
      this.resolver = new Resolver({ timeout: 2000, tries: 2 });
      this.resolver.setServers(settings.dnsServers);
    }
    for (const sb of this.sandboxes.values()) sb.policy = new CompiledPolicy(sb.policy.policy, settings.listeners);
  }

  get size(): number {
    return this.sandboxes.size;
  }

  /** Starts serving a sandbox in `dir` (created here), or changes the policy of one already served. */
  async register(id: string, dir: string, policy: NetworkPolicy): Promise<void> {
    const compiled = new CompiledPolicy(policy, this.settings.listeners);
    const existing = this.sandboxes.get(id);
    if (existing && existing.dir === dir) {
      existing.policy = compiled;
      return;
    }
    if (existing) await this.unregister(id);
    mkdirSync(dir, { recursive: true, mode: 0o711 });
    chmodSync(dir, 0o711);
    const entry: SandboxEntry = {
      id, dir, policy: compiled, open: new Set(),
      http: createHttpServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 0, headersTimeout: 30_000, keepAliveTimeout: 30_000 }),
      socks: createServer(),
      vm: createServer((s) => servePortChannel(s, (port) => (SOCKET_OF_PORT[port] ? join(dir, SOCKET_OF_PORT[port]) : undefined))),
      // Paused: what arrives carries descriptors, which the addon must read, not Node.
      listeners: createServer({ pauseOnConnect: true }),
      handOver: new HandOverPoint(this.addon, {
        accepts: (names) => names.every((n) => n === HTTP_SOCKET || n === SOCKS_SOCKET),
        onConnection: (name, s) => (name === HTTP_SOCKET ? entry.http.emit('connection', s) : this.onSocksConnection(entry, s)),
        current: () => this.sandboxes.get(id) === entry,
      }),
    };
    entry.listeners.on('connection', (s: Socket) => void entry.handOver.take(s));
    entry.http.on('connection', (s: Socket) => this.admit(entry, s, 'http'));
    entry.http.on('connect', (req: IncomingMessage, s: Socket, head: Buffer) => void this.onConnect(entry, req, s, head));
    entry.http.on('request', (req: IncomingMessage, res: ServerResponse) => void this.onRequest(entry, req, res));
    entry.http.on('clientError', (err: Error, s: Socket) => {
      this.record(entry, { protocol: 'http', host: '', port: 0, decision: 'refused', reason: `malformed request: ${err.message}` });
      if (s.writable) s.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      s.destroy();
    });
    entry.socks.on('connection', (s: Socket) => this.onSocksConnection(entry, s));
    for (const [server, name] of [[entry.http, HTTP_SOCKET], [entry.socks, SOCKS_SOCKET], [entry.vm, VM_SOCKET], [entry.listeners, LISTENERS_SOCKET]] as const) {
      const path = join(dir, name);
      rmSync(path, { force: true });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => { server.off('error', reject); resolve(); });
      });
      // The sandbox's user connects from inside; the directory above is reachable only from that sandbox.
      chmodSync(path, 0o666);
    }
    this.sandboxes.set(id, entry);
  }

  /**
   * Stops serving a sandbox: its listeners close and its open connections end. `removeDir`: the sandbox
   * is gone. Otherwise (the proxy stops) its directory stays, the very one bound into the sandbox, for the
   * next proxy to listen in again.
   */
  async unregister(id: string, removeDir = true): Promise<void> {
    const entry = this.sandboxes.get(id);
    if (!entry) return;
    this.sandboxes.delete(id);
    entry.handOver.release();
    for (const s of entry.open) s.destroy();
    await Promise.all([entry.http, entry.socks, entry.vm, entry.listeners].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    if (removeDir) rmSync(entry.dir, { recursive: true, force: true });
  }

  ids(): string[] {
    return [...this.sandboxes.keys()];
  }

  async close(): Promise<void> {
    await Promise.all(this.ids().map((id) => this.unregister(id, false)));
  }

  private onSocksConnection(entry: SandboxEntry, s: Socket): void {
    if (this.admit(entry, s, 'socks')) this.onSocks(entry, s);
  }

  /** Counts a new client connection against the sandbox's bound; refuses it (and says so) beyond. */
  private admit(entry: SandboxEntry, s: Socket, protocol: 'http' | 'socks'): boolean {
    s.on('error', () => s.destroy()); // A client that goes away mid-write: its connection simply ends.
    if (entry.open.size >= entry.policy.policy.maxConnections) {
      this.record(entry, { protocol, host: '', port: 0, decision: 'refused', reason: `more than ${entry.policy.policy.maxConnections} open connections` });
      if (protocol === 'http') s.end(plainResponse(429, `godel egress: sandbox ${entry.id} has ${entry.open.size} connections open, its limit\n`));
      else s.destroy();
      return false;
    }
    entry.open.add(s);
    s.once('close', () => entry.open.delete(s));
    return true;
  }

  private record(entry: SandboxEntry, r: Omit<ConnectionRecord, 'sandboxId' | 'time' | 'bytesIn' | 'bytesOut' | 'durationMs' | 'address'> & Partial<ConnectionRecord>): void {
    this.onRecord({ sandboxId: entry.id, address: '', bytesIn: 0, bytesOut: 0, durationMs: 0, time: Date.now(), ...r });
  }

  /** The policy's verdict on a target, and the address to connect to when it is allowed. */
  private async resolve(entry: SandboxEntry, t: Target): Promise<Resolved> {
    const policy = entry.policy;
    if (isIP(t.host)) {
      const why = policy.checkAddress(t.host, t.port, false);
      return why ? { ok: false, decision: 'refused', reason: `${t.host} ${why}` } : { ok: true, address: t.host, nameAllowed: false };
    }
    const named = policy.checkName(t.host, t.port);
    if (named.refused) return { ok: false, decision: 'refused', reason: named.refused };
    let addresses: string[];
    try {
      addresses = await this.lookup(t.host);
    } catch (err) {
      return { ok: false, decision: 'failed', reason: `${t.host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
    }
    if (!addresses.length) return { ok: false, decision: 'failed', reason: `${t.host} does not resolve (no addresses)` };
    let first = '';
    for (const a of addresses) {
      const why = policy.checkAddress(a, t.port, named.nameAllowed);
      if (!why) return { ok: true, address: a, nameAllowed: named.nameAllowed };
      first ||= `${t.host} resolves to ${a}, which ${why}`;
    }
    return { ok: false, decision: 'refused', reason: first };
  }

  private async lookup(name: string): Promise<string[]> {
    if (!this.resolver) return (await dnsPromises.lookup(name, { all: true, verbatim: true })).map((a) => a.address);
    const key = name.toLowerCase();
    const hit = this.cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.addresses;
    const r = this.resolver;
    type Answer = Array<{ address: string; ttl: number }>;
    const [v4, v6] = await Promise.allSettled([
      new Promise<Answer>((res, rej) => r.resolve4(name, { ttl: true }, (e, a) => (e ? rej(e) : res(a)))),
      new Promise<Answer>((res, rej) => r.resolve6(name, { ttl: true }, (e, a) => (e ? rej(e) : res(a)))),
    ]);
    const out = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (!out.length && v4.status === 'rejected') throw v4.reason;
    const ttl = Math.min(MAX_CACHE_TTL_S, ...out.map((a) => a.ttl));
    if (ttl > 0) {
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
      this.cache.set(key, { addresses: out.map((a) => a.address), expires: Date.now() + ttl * 1000 });
    }
    return out.map((a) => a.address);
  }

  private refusal(entry: SandboxEntry, t: Target, reason: string): string {
    return `godel egress: sandbox ${entry.id} may not connect to ${t.host}:${t.port}: ${reason}.\nIts network policy: ${describePolicy(entry.policy.policy)}\n`;
  }

  private async onConnect(entry: SandboxEntry, req: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
    const started = Date.now();
    const t = parseAuthority(req.url ?? '', 443);
    if (!t) {
      this.record(entry, { protocol: 'connect', host: req.url ?? '', port: 0, decision: 'refused', reason: 'malformed CONNECT target' });
      client.end(plainResponse(400, `godel egress: "${req.url}" is not HOST:PORT\n`));
      return;
    }
    const v = await this.resolve(entry, t);
    if (!v.ok) {
      this.record(entry, { protocol: 'connect', ...t, decision: v.decision, reason: v.reason, durationMs: Date.now() - started });
      client.end(plainResponse(v.decision === 'refused' ? 403 : 502, this.refusal(entry, t, v.reason)));
      return;
    }
    const upstream = await this.dial(v.address, t.port);
    if (upstream instanceof Error) {
      this.record(entry, { protocol: 'connect', ...t, address: v.address, decision: 'failed', reason: upstream.message, durationMs: Date.now() - started });
      client.end(plainResponse(502, `godel egress: cannot connect to ${t.host}:${t.port} (${v.address}): ${upstream.message}\n`));
      return;
    }
    if (client.destroyed) {
      upstream.destroy();
      return;
    }
    // The answer goes out through Node; once it is written, the tunnel leaves Node with `head` first.
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n', () => this.splice(entry, 'connect', t, v.address, client, upstream, started, head));
  }

  private async onRequest(entry: SandboxEntry, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    let url: URL;
    try {
      // A proxy request names its target in full; an origin-form one is taken at its Host header.
      url = new URL(/^[a-z]+:\/\//i.test(req.url ?? '') ? req.url! : `http://${req.headers.host ?? ''}${req.url ?? ''}`);
    } catch {
      url = new URL('http://invalid.');
    }
    if (url.protocol !== 'http:' || !url.hostname || url.hostname === 'invalid.') {
      this.record(entry, { protocol: 'http', host: req.url ?? '', port: 0, decision: 'refused', reason: 'not a plain http:// request (use CONNECT for https)' });
      sendPlain(res, 400, `godel egress: "${req.url}" is not an http:// URL; https goes through CONNECT\n`);
      return;
    }
    const t: Target = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) };
    const v = await this.resolve(entry, t);
    if (!v.ok) {
      this.record(entry, { protocol: 'http', ...t, decision: v.decision, reason: v.reason, durationMs: Date.now() - started });
      req.resume();
      sendPlain(res, v.decision === 'refused' ? 403 : 502, this.refusal(entry, t, v.reason));
      return;
    }
    const headers = { ...req.headers };
    for (const h of ['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer']) delete headers[h];
    headers.host = url.host; // The host that was checked, whatever Host header came with it.
    let bytesIn = 0;
    let bytesOut = 0;
    const up = httpRequest({
      host: v.address, port: t.port, method: req.method, path: `${url.pathname}${url.search}`, headers, agent: false, setHost: false,
      timeout: CONNECT_TIMEOUT_MS,
    });
    up.on('socket', (s: Socket) => s.once('close', () => { bytesIn = s.bytesRead; bytesOut = s.bytesWritten; }));
    const done = (decision: Decision, reason: string): void => {
      this.record(entry, { protocol: 'http', ...t, address: v.address, decision, reason, bytesIn, bytesOut, durationMs: Date.now() - started });
    };
    up.on('timeout', () => up.destroy(new Error('timed out')));
    up.on('error', (err) => {
      if (!res.headersSent) sendPlain(res, 502, `godel egress: ${t.host}:${t.port} failed: ${err.message}\n`);
      else res.destroy();
      done('failed', err.message);
    });
    up.on('response', (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, stripHopByHop(upRes.headers));
      upRes.pipe(res);
      upRes.on('end', () => setImmediate(() => done('allowed', '')));
      upRes.on('error', () => res.destroy());
    });
    req.pipe(up);
    res.on('close', () => { if (!res.writableFinished) up.destroy(); });
  }

  /** SOCKS5, no authentication, CONNECT only (RFC 1928): BIND and UDP ASSOCIATE are refused (reply 7). */
  private onSocks(entry: SandboxEntry, client: Socket): void {
    const started = Date.now();
    let buf = Buffer.alloc(0);
    let stage: 'greeting' | 'request' | 'busy' = 'greeting';
    const reply = (code: number): void => { client.end(Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0])); };
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      if (buf.length > 1024) { client.destroy(); return; }
      if (stage === 'greeting') {
        if (buf.length < 2) return;
        if (buf[0] !== 5) { client.destroy(); return; }
        const n = buf[1]!;
        if (buf.length < 2 + n) return;
        const methods = buf.subarray(2, 2 + n);
        buf = buf.subarray(2 + n);
        if (!methods.includes(0)) {
          this.record(entry, { protocol: 'socks', host: '', port: 0, decision: 'refused', reason: 'the SOCKS client offers no method without authentication' });
          client.end(Buffer.from([5, 0xff]));
          return;
        }
        client.write(Buffer.from([5, 0]));
        stage = 'request';
      }
      if (stage === 'request') {
        if (buf.length < 5) return;
        const atyp = buf[3];
        const addrLen = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? 1 + buf[4]! : -1;
        if (addrLen < 0) {
          this.record(entry, { protocol: 'socks', host: '', port: 0, decision: 'refused', reason: `SOCKS address type ${atyp} is not supported` });
          reply(8);
          return;
        }
        if (buf.length < 4 + addrLen + 2) return;
        const cmd = buf[1];
        const raw = buf.subarray(4, 4 + addrLen);
        const host = atyp === 1 ? [...raw].join('.') : atyp === 4 ? ipv6String(raw) : raw.subarray(1).toString('latin1');
        const port = buf.readUInt16BE(4 + addrLen);
        const rest = buf.subarray(4 + addrLen + 2);
        stage = 'busy';
        client.off('data', onData);
        client.pause();
        if (cmd !== 1) {
          // BIND (2) and UDP ASSOCIATE (3) would open a way in, or out beside the TCP policy: 7, command not supported.
          this.record(entry, { protocol: 'socks', host, port, decision: 'refused', reason: `SOCKS ${SOCKS_COMMANDS[cmd!] ?? `command ${cmd}`} is not supported (only CONNECT)` });
          reply(7);
          return;
        }
        void this.socksConnect(entry, client, { host, port }, rest, started, reply);
      }
    };
    client.on('data', onData);
  }

  private async socksConnect(entry: SandboxEntry, client: Socket, t: Target, rest: Buffer, started: number, reply: (code: number) => void): Promise<void> {
    const v = await this.resolve(entry, t);
    if (!v.ok) {
      this.record(entry, { protocol: 'socks', ...t, decision: v.decision, reason: v.reason, durationMs: Date.now() - started });
      // 2: connection not allowed by ruleset; 4: host unreachable (the name does not resolve).
      reply(v.decision === 'refused' ? 2 : 4);
      return;
    }
    const upstream = await this.dial(v.address, t.port);
    if (upstream instanceof Error) {
      this.record(entry, { protocol: 'socks', ...t, address: v.address, decision: 'failed', reason: upstream.message, durationMs: Date.now() - started });
      reply(5);
      return;
    }
    client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]), () => this.splice(entry, 'socks', t, v.address, client, upstream, started, rest));
  }

  private dial(address: string, port: number): Promise<Socket | Error> {
    return new Promise((resolve) => {
      const s = connect({ host: address, port, noDelay: true });
      const timer = setTimeout(() => s.destroy(new Error('connect timed out')), CONNECT_TIMEOUT_MS);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        s.on('error', () => s.destroy()); // Until its tunnel starts: an upstream that fails then simply ends.
        resolve(s);
      });
      s.once('error', (err) => { clearTimeout(timer); resolve(err); });
    });
  }

  /**
   * Both directions of an allowed tunnel, relayed by the addon outside Node; recorded when both have
   * ended. Node stops reading both sockets first, and what it had read already (`toUpstream`, the bytes
   * after the request, and anything buffered since on either side) goes out ahead of the rest.
   */
  private splice(entry: SandboxEntry, protocol: 'connect' | 'socks', t: Target, address: string, client: Socket, upstream: Socket, started: number, toUpstream: Buffer): void {
    const record = (decision: Decision, reason: string, bytesOut: number, bytesIn: number): void => {
      this.record(entry, { protocol, ...t, address, decision, reason, bytesIn, bytesOut, durationMs: Date.now() - started });
    };
    const clientFd = stopReading(client);
    const upstreamFd = stopReading(upstream);
    if (clientFd === undefined || upstreamFd === undefined) {
      // One side went away before the hand-over: the tunnel ends here.
      client.destroy();
      upstream.destroy();
      record('failed', 'the connection closed before the tunnel started', 0, 0);
      return;
    }
    const handle = this.relay.startRelay(clientFd, upstreamFd, Buffer.concat([toUpstream, ...drain(client)]), Buffer.concat(drain(upstream)), (error, bytesOut, bytesIn) => {
      client.off('close', cancel);
      client.destroy();
      upstream.destroy();
      // A tunnel that carried what it was asked to and then broke off (a reset) is still an allowed one.
      record('allowed', error === 'cancelled' ? 'ended by the proxy' : '', bytesOut, bytesIn);
    });
    // The sandbox is unregistered (its sockets destroyed): the relay's own descriptors are shut down too.
    const cancel = (): void => this.relay.cancelRelay(handle);
    client.once('close', cancel);
  }
}

/**
 * Stops Node reading a socket for good and returns its descriptor (undefined when it is closed). The
 * handle is left marked as reading, so that draining its buffer with read() does not start it again.
 */
function stopReading(s: Socket): number | undefined {
  const handle = (s as unknown as { _handle?: { fd?: number; reading?: boolean; readStop(): number } })._handle;
  if (!handle || s.destroyed || handle.fd === undefined || handle.fd < 0) return undefined;
  handle.readStop();
  handle.reading = true;
  return handle.fd;
}

/** What Node read from a socket and nobody consumed yet. */
function drain(s: Socket): Buffer[] {
  const out: Buffer[] = [];
  for (let c = s.read() as Buffer | null; c !== null; c = s.read() as Buffer | null) out.push(c);
  return out;
}

/** "host:port" or "[v6]:port" of a CONNECT. */
function parseAuthority(a: string, defaultPort: number): Target | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s/]+))(?::(\d{1,5}))?$/.exec(a);
  if (!m) return undefined;
  const port = m[3] ? Number(m[3]) : defaultPort;
  if (port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2]!).toLowerCase(), port };
}

function ipv6String(b: Buffer): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(b.readUInt16BE(i).toString(16));
  return parts.join(':');
}

function stripHopByHop(h: IncomingMessage['headers']): IncomingMessage['headers'] {
  const out = { ...h };
  for (const k of ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']) delete out[k];
  return out;
}

const SOCKS_COMMANDS: Record<number, string> = { 2: 'BIND', 3: 'UDP ASSOCIATE' };

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 429: 'Too Many Requests', 502: 'Bad Gateway' };

function plainResponse(status: number, body: string): string {
  return `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: text/plain; charset=utf-8\r\nX-Godel-Egress: ${status === 403 ? 'refused' : 'failed'}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

function sendPlain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-godel-egress': status === 403 ? 'refused' : 'failed', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
