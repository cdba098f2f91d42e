// The daemon's side of egress: it finds the egress proxy process of this state dir (or starts one),
// tells it which sandboxes to serve with which policy, and hands the connection records it sends to the
// ledger. The proxy is not the daemon's child in any sense that matters: it outlives the daemon, and a
// daemon that starts again connects to it and re-sends every sandbox's policy (the same on a proxy that
// kept them, everything on one started afresh after a crash).
//
// When the daemon is root, the proxy runs as a user of its own (egress.uid/gid), with no capabilities and
// no way to gain any: not root, since it is the one process that parses what sandboxes send and talks to
// the outside, and not the sandboxes' user, whose processes (and QEMU) could then signal or ptrace it. It
// owns its directory (the control socket, each sandbox's sockets); its log is outside it, in the state
// dir, which only root may write, so the proxy cannot point the daemon's writes anywhere.
import { lchownSync, lstatSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
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
import { Launcher, closedAncestor } from '../providers/launch/launcher.js';
import { loadUnixAddon } from '../../ipc/unix-addon.js';

const PROXY_MAIN = join(dirname(fileURLToPath(import.meta.url)), 'proxy-main.js');
const START_TIMEOUT_MS = 5000;
const CALL_TIMEOUT_MS = 5000;
const RECONNECT_MS = 500;
/** How long a proxy of the wrong user has to stop (its listeners closed, its sockets left) before it is killed. */
const REPLACE_TIMEOUT_MS = 5000;
/** The proxy's whole environment: nothing of the daemon's (its model API keys) reaches it. */
const PROXY_ENV = { PATH: '/usr/bin:/bin' };

type Pending = { resolve: () => void; reject: (err: Error) => void; timer: NodeJS.Timeout };
type Request = ControlRequest extends infer R ? R extends { id: number } ? Omit<R, 'id'> : never : never;

export interface EgressManagerOptions {
  /** The proxy's directory (its control socket and the per-sandbox socket directories), which it owns. */
  dir: string;
  /** The proxy's log, appended to by every proxy started; outside `dir`. */
  logPath: string;
  /** The user the proxy runs as (the daemon is root); undefined: the daemon's own. */
  user?: { uid: number; gid: number };
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
  /** opts.dir with every symbolic link above it resolved (the directory itself is the proxy's, never a link). */
  private realDir: string | undefined;
  /** The pid of a proxy of the wrong user that was told to stop, until it is gone. */
  private replacing: number | undefined;
  /** Starts the proxy, so that it is not the daemon's child and runs as its own user. */
  private readonly launcher: Launcher;

  constructor(private readonly opts: EgressManagerOptions) {
    this.launcher = new Launcher(opts.log);
  }

  /**
   * The directory whose sockets are bound into a sandbox, on a path with no symbolic link in it: the launch
   * helper opens it refusing any (see forwarderLaunch), and the state dir may well be reached through one.
   */
  socketDir(sandboxId: string): string {
    this.realDir ??= realpathSync(this.opts.dir);
    return sandboxSocketDir(this.realDir, sandboxId);
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

  /**
   * Stops serving a sandbox that stays: one narrowed to no network at its handoff. Unlike unregister, it
   * fails unless the proxy has let go (its sockets gone), since until then the sandbox keeps its template's way out.
   */
  async withdraw(sandboxId: string): Promise<void> {
    this.desired.delete(sandboxId);
    await this.call({ op: 'unregister', sandbox: sandboxId });
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
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.end();
    this.socket = undefined;
    await this.launcher.close();
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
    if (s && !this.ownProxy(s)) {
      s.destroy();
      s = undefined;
    }
    if (!s) {
      await this.startProxy();
      for (const deadline = Date.now() + START_TIMEOUT_MS; !s && Date.now() < deadline;) {
        await sleep(25);
        s = await tryConnect(path);
      }
      if (s && !this.ownProxy(s)) throw new GodelError('EGRESS_UNAVAILABLE', `the egress proxy started is not of uid ${this.opts.user?.uid}`);
    }
    if (!s) throw new GodelError('EGRESS_UNAVAILABLE', `the egress proxy did not start; see ${this.opts.logPath}`);
    this.attach(s);
    const settings: ProxySettings = { dnsServers: this.opts.config.dnsServers, listeners: this.opts.listeners };
    await this.send(s, { op: 'configure', settings });
    for (const [id, policy] of this.desired) await this.send(s, { op: 'register', sandbox: id, policy });
    this.socket = s;
    return s;
  }

  /**
   * Whether the proxy on the other end of `s` runs as the user it should. One that does not (a proxy of a
   * godel from before the proxy had a user of its own, running as root) is stopped, so that one of the
   * right user replaces it: its open connections end, and the sandboxes' forwarders carry new ones meanwhile.
   */
  private ownProxy(s: Socket): boolean {
    const want = this.opts.user;
    if (!want) return true;
    const peer = loadUnixAddon().peerCredentials((s as unknown as { _handle: { fd: number } })._handle.fd);
    if (peer.uid === want.uid) return true;
    // Only a proxy of this directory in a directory its user cannot write (a root proxy's) is stopped: where
    // the proxy's user owns it, the socket could be a link to any other service, which root would then signal.
    // Such an entry is removed (unlink follows no link) and a proxy of its own started in its place.
    if (lstatSync(this.opts.dir).uid === want.uid || !isProxyOf(peer.pid, this.opts.dir)) {
      this.opts.log.error({ pid: peer.pid, uid: peer.uid, want: want.uid }, 'the egress control socket leads to a process that is not an egress proxy; removing it and starting a proxy');
      rmSync(join(this.opts.dir, CONTROL_SOCKET), { force: true });
      return false;
    }
    this.opts.log.warn({ pid: peer.pid, uid: peer.uid, want: want.uid }, 'the egress proxy runs as another user; replacing it (its open connections end)');
    try {
      process.kill(peer.pid, 'SIGTERM');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
    this.replacing = peer.pid;
    return false;
  }

  /** Starts the proxy detached, in a session of its own, so that it outlives this daemon. */
  private async startProxy(): Promise<void> {
    await this.replaced();
    const user = this.opts.user;
    if (user) this.ownDir(user);
    else mkdirSync(this.opts.dir, { recursive: true, mode: 0o711 });
    // The directories holding node and the proxy's code, and the proxy's own.
    for (const p of user ? [dirname(realpathSync(process.execPath)), dirname(realpathSync(PROXY_MAIN)), this.opts.dir] : []) {
      const closed = closedAncestor(realpathSync(p), user!.uid, user!.gid);
      if (closed) {
        throw new GodelError('EGRESS_UNAVAILABLE', `the egress proxy runs as uid ${user!.uid} and cannot pass ${closed} to reach ${p}: install godel and its state dir where that user can pass every directory above them (as under /opt and /var/lib)`);
      }
    }
    try {
      const child = await this.launcher.spawn({
        argv: [process.execPath, PROXY_MAIN, '--dir', this.opts.dir], setsid: true, log: this.opts.logPath, env: PROXY_ENV, noNewPrivs: true,
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
      });
      child.release();
      this.opts.log.info({ pid: child.pid, dir: this.opts.dir, uid: user?.uid ?? process.getuid?.() }, 'started the egress proxy');
    } catch (err) {
      throw new GodelError('EGRESS_UNAVAILABLE', `cannot start the egress proxy: ${errorMessage(err)}`);
    }
  }

  /** Waits for a proxy being replaced to exit (it closes its listeners first), and kills it if it does not. */
  private async replaced(): Promise<void> {
    const pid = this.replacing;
    if (pid === undefined) return;
    this.replacing = undefined;
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (const deadline = Date.now() + REPLACE_TIMEOUT_MS; alive() && Date.now() < deadline;) await sleep(25);
    if (alive()) process.kill(pid, 'SIGKILL');
  }

  /**
   * The proxy's directory, owned by its user. A directory root owns is one a root proxy left (everything in
   * it was root's alone), so it and its sandboxes' directories are handed over; one of any other user is
   * not touched, since that user could have put links in it for root to follow.
   */
  private ownDir(user: { uid: number; gid: number }): void {
    const dir = this.opts.dir;
    mkdirSync(dir, { recursive: true, mode: 0o711 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) throw new GodelError('EGRESS_UNAVAILABLE', `${dir} is not a directory`);
    if (st.uid === user.uid) return;
    if (st.uid !== 0) {
      throw new GodelError('EGRESS_UNAVAILABLE', `${dir} belongs to uid ${st.uid}, not to the egress proxy's uid ${user.uid}: stop the proxy that runs there, and remove the directory or give it to uid ${user.uid}`);
    }
    const sandboxes = join(dir, 'sandboxes');
    let entries: string[] = [];
    try {
      entries = readdirSync(sandboxes);
      lchownSync(sandboxes, user.uid, user.gid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const e of entries) lchownSync(join(sandboxes, e), user.uid, user.gid);
    lchownSync(dir, user.uid, user.gid);
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

/** Whether `pid` is an egress proxy (proxy-main.js) of `dir`, by its command line. */
function isProxyOf(pid: number, dir: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return !!argv[1]?.endsWith('/proxy-main.js') && argv[2] === '--dir' && argv[3] === dir;
  } catch {
    return false; // Gone already.
  }
}

function tryConnect(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => { s.removeAllListeners('error'); resolve(s); });
    s.once('error', () => resolve(undefined));
  });
}
