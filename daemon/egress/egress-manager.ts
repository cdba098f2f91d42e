// The daemon's side of egress: it finds the egress proxy process of this state dir (or starts one),
// tells it which sandboxes to serve with which policy, and hands the connection records it sends to the
// ledger. The proxy is not the daemon's child in any sense that matters: it outlives the daemon, and a
// daemon that starts again connects to it and re-sends every sandbox's policy (the same on a proxy that
// kept them, everything on one started afresh after a crash).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EgressConfig } from '../config/config.js';
import { GodelError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { NetworkPolicy } from './policy.js';
import { CONTROL_SOCKET, sandboxSocketDir, type ControlMessage, type ControlRequest } from './protocol.js';
import type { ConnectionRecord, ProxySettings } from './proxy.js';

const PROXY_MAIN = join(dirname(fileURLToPath(import.meta.url)), 'proxy-main.js');
const START_TIMEOUT_MS = 5000;
const CALL_TIMEOUT_MS = 5000;
const RECONNECT_MS = 500;

type Pending = { resolve: () => void; reject: (err: Error) => void; timer: NodeJS.Timeout };
type Request = ControlRequest extends infer R ? R extends { id: number } ? Omit<R, 'id'> : never : never;

export interface EgressManagerOptions {
  /** The proxy's directory (its control socket, log, and the per-sandbox socket directories). */
  dir: string;
  config: EgressConfig;
  /** The daemon's own listeners, which no sandbox reaches unless an address entry lists them. */
  listeners: Array<{ address: string; port: number }>;
  log: Logger;
  onRecord: (r: ConnectionRecord) => void;
}

export class EgressManager {
  /** What the proxy should serve: every sandbox with an allow list and its policy. */
  private readonly desired = new Map<string, NetworkPolicy>();
  private readonly pending = new Map<number, Pending>();
  private socket: Socket | undefined;
  private connecting: Promise<Socket> | undefined;
  private nextId = 1;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: EgressManagerOptions) {}

  /** The directory whose sockets are bound into a sandbox. */
  socketDir(sandboxId: string): string {
    return sandboxSocketDir(this.opts.dir, sandboxId);
  }

  /** Serves `sandboxId` with `policy` from now on (or changes its policy); done once the proxy has it. */
  async register(sandboxId: string, policy: NetworkPolicy): Promise<void> {
    this.desired.set(sandboxId, policy);
    await this.call({ op: 'register', sandbox: sandboxId, policy });
  }

  /** Stops serving a sandbox (its open connections end). A proxy that cannot be reached is logged, not fatal. */
  async unregister(sandboxId: string): Promise<void> {
    if (!this.desired.delete(sandboxId)) return;
    await this.call({ op: 'unregister', sandbox: sandboxId }).catch((err: unknown) => {
      this.opts.log.warn({ sandbox: sandboxId, err: errorMessage(err) }, 'cannot tell the egress proxy a sandbox is gone; it forgets it when it syncs');
    });
  }

  /** After the daemon's start: exactly these sandboxes are served, with these policies. */
  async sync(policies: ReadonlyMap<string, NetworkPolicy>): Promise<void> {
    this.desired.clear();
    for (const [id, p] of policies) this.desired.set(id, p);
    // With nothing to serve, a proxy is not started for it; one left running is still told to let go.
    if (!this.desired.size && !this.socket) {
      const existing = await tryConnect(join(this.opts.dir, CONTROL_SOCKET));
      if (!existing) return;
      existing.destroy();
    }
    const s = await this.connection();
    // A fresh connection has already sent every policy; an old one gets them now.
    for (const [id, policy] of this.desired) await this.send(s, { op: 'register', sandbox: id, policy });
    await this.send(s, { op: 'sync', sandboxes: [...this.desired.keys()] });
  }

  /** Lets go of the control connection; the proxy and the connections it carries run on. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.end();
    this.socket = undefined;
  }

  private async call(req: Request): Promise<void> {
    if (this.stopped) throw new GodelError('SHUTTING_DOWN', 'the daemon is shutting down');
    await this.send(await this.connection(), req);
  }

  private send(s: Socket, req: Request): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new GodelError('EGRESS_UNAVAILABLE', `the egress proxy did not answer within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      s.write(`${JSON.stringify({ ...req, id })}\n`);
    });
  }

  private connection(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    this.connecting ??= this.connectOrStart().finally(() => { this.connecting = undefined; });
    return this.connecting;
  }

  private async connectOrStart(): Promise<Socket> {
    const path = join(this.opts.dir, CONTROL_SOCKET);
    let s = await tryConnect(path);
    if (!s) {
      this.startProxy();
      for (const deadline = Date.now() + START_TIMEOUT_MS; !s && Date.now() < deadline;) {
        await sleep(25);
        s = await tryConnect(path);
      }
    }
    if (!s) throw new GodelError('EGRESS_UNAVAILABLE', `the egress proxy did not start; see ${join(this.opts.dir, 'proxy.log')}`);
    this.attach(s);
    const settings: ProxySettings = { dnsServers: this.opts.config.dnsServers, listeners: this.opts.listeners };
    await this.send(s, { op: 'configure', settings });
    for (const [id, policy] of this.desired) await this.send(s, { op: 'register', sandbox: id, policy });
    this.socket = s;
    return s;
  }

  /** Starts the proxy detached, in a session of its own, so that it outlives this daemon. */
  private startProxy(): void {
    mkdirSync(this.opts.dir, { recursive: true, mode: 0o711 });
    const fd = openSync(join(this.opts.dir, 'proxy.log'), 'a');
    try {
      const child = spawn(process.execPath, [PROXY_MAIN, '--dir', this.opts.dir], { detached: true, stdio: ['ignore', fd, fd] });
      child.on('error', (err) => this.opts.log.error({ err: errorMessage(err) }, 'cannot start the egress proxy'));
      child.unref();
      this.opts.log.info({ pid: child.pid, dir: this.opts.dir }, 'started the egress proxy');
    } finally {
      closeSync(fd);
    }
  }

  private attach(s: Socket): void {
    s.setEncoding('utf8');
    let text = '';
    s.on('data', (d: string) => {
      text += d;
      const lines = text.split('\n');
      text = lines.pop()!;
      for (const line of lines) if (line) this.message(JSON.parse(line) as ControlMessage);
    });
    s.on('error', (err) => this.opts.log.warn({ err: errorMessage(err) }, 'egress proxy connection failed'));
    s.on('close', () => {
      if (this.socket === s) this.socket = undefined;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new GodelError('EGRESS_UNAVAILABLE', 'the egress proxy went away'));
        this.pending.delete(id);
      }
      if (this.stopped) return;
      // A proxy that died takes its sandboxes' way out with it: bring one back and give it every policy.
      this.opts.log.warn('lost the egress proxy; reconnecting');
      this.reconnectTimer = setTimeout(() => {
        this.connection().catch((err: unknown) => this.opts.log.error({ err: errorMessage(err) }, 'cannot reach the egress proxy'));
      }, RECONNECT_MS);
      this.reconnectTimer.unref();
    });
  }

  private message(m: ControlMessage): void {
    if ('reply' in m) {
      const p = this.pending.get(m.reply);
      if (!p) return;
      this.pending.delete(m.reply);
      clearTimeout(p.timer);
      if (m.error) p.reject(new GodelError('EGRESS_UNAVAILABLE', `the egress proxy failed: ${m.error}`));
      else p.resolve();
    } else if ('record' in m) {
      this.opts.onRecord(m.record);
    } else {
      this.opts.log.warn({ dropped: m.dropped }, 'the egress proxy dropped connection records while no daemon was connected');
    }
  }
}

function tryConnect(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => { s.removeAllListeners('error'); resolve(s); });
    s.once('error', () => resolve(undefined));
  });
}
