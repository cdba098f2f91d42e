// The daemon's side of godel-launch (godel-launch.c beside this file): providers start processes through
// it instead of Node's spawn, which forks the whole daemon and holds its event loop until the child has
// exec'd (4 ms on a quiet 2-core host, 15 ms and more while sandboxes boot), so every handoff queued
// behind a refill's boot paid for it. The helper is started at the first request and is the one owner of
// what it forks until the provider lets go; close() ends it (what it started runs on).
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GodelError } from '../../errors.js';
import type { Logger } from '../../log.js';

/** The helper built from godel-launch.c (by scripts/build-native.sh, into dist/native). */
export const GODEL_LAUNCH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native', 'godel-launch');

export interface LaunchOptions {
  /** argv[0] is the executable's absolute path. */
  argv: string[];
  /** Drop to these before the exec (the daemon is root). */
  uid?: number;
  gid?: number;
  /** A session (and process group) of its own, so it outlives the daemon's. */
  setsid?: boolean;
  /**
   * SCHED_IDLE: the process (and all it forks) only gets CPU time that nothing else wants; with setsid,
   * its session's autogroup sits at this nice (1 to 19), since SCHED_IDLE alone does not hold a session back.
   */
  idle?: number;
  /** stderr to this file (truncated, 0600), or 'pipe' to have it collected for `exited`; /dev/null otherwise. */
  stderr?: string;
  /** stdout and stderr appended to this file (created 0600, never through a symlink); not with `stderr`. */
  log?: string;
  /** PR_SET_NO_NEW_PRIVS: nothing the process executes gains privileges (setuid binaries included). */
  noNewPrivs?: boolean;
  /** Written with "PID STARTTIME" before the exec, so a crash at any point leaves a way to find the process. */
  pidFile?: string;
  /** fd 3 is a pipe whose whole contents `info` resolves with once the process closes it (bwrap's --info-fd). */
  info?: boolean;
  /** The whole environment; the daemon's when omitted. */
  env?: Record<string, string>;
  /**
   * Directories the child creates first (an existing one is fine), with their mode and owner: a boot's file
   * system work waits for a busy journal in the child, not on the daemon's event loop.
   */
  dirs?: Array<{ path: string; mode: number; uid?: number; gid?: number }>;
  /**
   * Descriptors the process starts with (numbers 4 to 63), opened by the child before it drops to uid/gid:
   * a file read-only, a pipe holding `data` (at most 60000 bytes), or a directory (O_PATH) reached with no
   * symbolic link anywhere on its path (bwrap's --ro-bind-fd).
   */
  fds?: Array<{ fd: number; file: string } | { fd: number; data: string } | { fd: number; dir: string }>;
  /**
   * In a mount namespace of the child's own (the host's mounts untouched), `source` bind-mounted over the
   * directory `over`: the dropped user reaches `source` at `over` though a directory above it is closed to it.
   */
  expose?: { source: string; over: string };
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What it wrote on stderr, with stderr: 'pipe' (at most 64 KiB). */
  stderr: string;
}

export interface LaunchedProcess {
  readonly pid: number;
  /** With info: what the process wrote on fd 3 ('' when it closed it without a word, or the helper went away). */
  readonly info: Promise<string>;
  /** Resolves when the process has exited (code and signal null when the helper went away first). */
  readonly exited: Promise<ExitStatus>;
  readonly hasExited: boolean;
  /** Stops following the process: it runs on, and its reports are dropped. */
  release(): void;
}

interface Pending {
  started?: { resolve: (p: LaunchedProcess) => void; reject: (e: Error) => void };
  done?: { resolve: () => void; reject: (e: Error) => void };
  process?: Launched;
}

const signalNames = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));
const errnoNames = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/**
 * A failure to start: a full disk (the child could not create a sandbox's directory or pid file) stays a
 * system error with its errno name, which the API answers as DISK_FULL; anything else is the provider's.
 */
function startError(errno: number, message: string): Error {
  const name = errnoNames.get(errno);
  if (name === 'ENOSPC' || name === 'EDQUOT') return Object.assign(new Error(message), { code: name, errno: -errno });
  return new GodelError('PROVIDER_FAILED', `cannot start a process: ${message}`);
}

class Launched implements LaunchedProcess {
  readonly info: Promise<string>;
  readonly exited: Promise<ExitStatus>;
  hasExited = false;
  resolveInfo!: (text: string) => void;
  resolveExit!: (s: ExitStatus) => void;

  constructor(readonly pid: number, readonly release: () => void) {
    this.info = new Promise((resolve) => { this.resolveInfo = resolve; });
    this.exited = new Promise((resolve) => { this.resolveExit = resolve; });
  }

  exit(s: ExitStatus): void {
    this.hasExited = true;
    this.resolveInfo('');
    this.resolveExit(s);
  }
}

export class Launcher {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private buffered = '';
  private closing: Promise<void> | undefined;

  constructor(private readonly log: Logger, private readonly path = GODEL_LAUNCH) {}

  /** Starts a process; resolves once it has exec'd, rejects with why it could not. */
  spawn(opts: LaunchOptions): Promise<LaunchedProcess> {
    const fields = [
      ...(opts.uid !== undefined ? [`uid=${opts.uid}`] : []), ...(opts.gid !== undefined ? [`gid=${opts.gid}`] : []),
      ...(opts.setsid ? ['setsid=1'] : []), ...(opts.idle ? [`idle=${opts.idle}`] : []), ...(opts.info ? ['info=1'] : []),
      ...(opts.stderr ? [`stderr=${opts.stderr}`] : []), ...(opts.pidFile ? [`pidfile=${opts.pidFile}`] : []),
      ...(opts.log ? [`log=${opts.log}`] : []), ...(opts.noNewPrivs ? ['nonewprivs=1'] : []),
      ...Object.entries(opts.env ?? {}).map(([k, v]) => `env=${k}=${v}`),
      ...(opts.dirs ?? []).map((d) => `dir=${d.mode.toString(8)}:${d.uid ?? -1}:${d.gid ?? -1}:${d.path}`),
      ...(opts.fds ?? []).map((f) => ('data' in f ? `data=${f.fd}:${f.data}` : 'dir' in f ? `dirfd=${f.fd}:${f.dir}` : `fd=${f.fd}:${f.file}`)),
      ...(opts.expose ? [`expose=${opts.expose.source}`, `over=${opts.expose.over}`] : []),
      '--', ...opts.argv,
    ];
    return new Promise((resolve, reject) => this.request('spawn', fields, { started: { resolve, reject } }));
  }

  /** Runs a command to its end; rejects with its stderr when it fails. */
  async run(argv: string[], opts: Omit<LaunchOptions, 'argv' | 'stderr'> = {}): Promise<void> {
    const p = await this.spawn({ ...opts, argv, stderr: 'pipe' });
    const r = await p.exited;
    if (r.code !== 0) throw new GodelError('PROVIDER_FAILED', `${argv[0]} failed (${r.signal ?? r.code}): ${r.stderr.trim()}`);
  }

  /** Every thread of each process back to the normal scheduling policy at nice 0. */
  normal(pids: number[]): Promise<void> {
    return new Promise((resolve, reject) => this.request('normal', pids.map(String), { done: { resolve, reject } }));
  }

  /** The autogroup of each process's session at this nice (0 to 19), its scheduling policy unchanged. */
  autogroup(nice: number, pids: number[]): Promise<void> {
    return new Promise((resolve, reject) => this.request('autogroup', [String(nice), ...pids.map(String)], { done: { resolve, reject } }));
  }

  /** Ends the helper (it exits when its input closes) and waits for it. What it started runs on. */
  close(): Promise<void> {
    const child = this.child;
    this.closing ??= child ? new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      // An idle helper is unref'd (hold): waiting for its exit must keep the loop alive until it comes
      // (hold keeps it so from here on, whatever the helper still says).
      child.ref();
      child.stdin!.end();
    }) : Promise.resolve();
    return this.closing;
  }

  private request(verb: string, fields: string[], entry: Pending): void {
    const fail = entry.started?.reject ?? entry.done!.reject;
    if (this.closing) return fail(new GodelError('SHUTTING_DOWN', 'the daemon is shutting down'));
    // A NUL would split one argument into two (and an empty one ends the request): refused, never passed on.
    if (fields.some((f) => f.includes('\0'))) return fail(new GodelError('PROVIDER_FAILED', 'a command argument holds a NUL byte'));
    const id = String(this.nextId++);
    this.pending.set(id, entry);
    this.start().stdin!.write(`${[id, verb, ...fields].join('\0')}\0\0`);
    this.hold();
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    // The helper's stderr is the daemon's: its own failures (it has none in normal running) land in the log stream.
    const child = spawn(this.path, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => this.receive(text));
    child.stdin!.on('error', () => undefined); // A helper that died is reported by 'exit' below.
    child.on('error', (err) => this.lost(`cannot start ${this.path}: ${err.message}`));
    child.on('exit', (code, signal) => this.lost(`the launch helper exited (${signal ?? code})`));
    return child;
  }

  /**
   * The helper keeps the daemon's event loop alive only while something waits on it: an idle helper
   * must not keep a program that is otherwise done (a benchmark driving a provider directly) from exiting.
   */
  private hold(): void {
    const child = this.child;
    if (!child) return;
    // Closing counts as busy: a line the helper still sends (a failed start's late reply) must not unref
    // it while close waits for its exit, or a program with nothing else to do ends with that wait
    // unsettled (exit code 13; seen as an "error thrown in teardown" in hardening.test).
    const busy = this.pending.size > 0 || this.closing !== undefined;
    for (const h of [child, child.stdout, child.stdin] as Array<{ ref(): void; unref(): void } | null>) {
      if (busy) h?.ref();
      else h?.unref();
    }
  }

  private receive(text: string): void {
    this.buffered += text;
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      this.handle(line.split(' '));
    }
    this.hold();
  }

  private handle([id = '', word, ...rest]: string[]): void {
    const p = this.pending.get(id);
    if (!p) return; // Released: the provider no longer follows this process.
    const hex = (s: string | undefined): string => Buffer.from(s ?? '', 'hex').toString();
    if (word === 'started' && p.started) {
      const proc = new Launched(Number(rest[0]), () => {
        this.pending.delete(id);
        this.hold();
      });
      p.process = proc;
      const started = p.started;
      p.started = undefined;
      started.resolve(proc);
    } else if (word === 'error') {
      const err = startError(Number(rest[0]), hex(rest[1]));
      this.pending.delete(id);
      p.started?.reject(err);
      p.done?.reject(err);
    } else if (word === 'done' && p.done) {
      this.pending.delete(id);
      p.done.resolve();
    } else if (word === 'info' && p.process) {
      p.process.resolveInfo(hex(rest[0]));
    } else if (word === 'exit' && p.process) {
      const code = Number(rest[0]);
      const signal = Number(rest[1]);
      this.pending.delete(id);
      p.process.exit({ code: code >= 0 ? code : null, signal: signal >= 0 ? signalNames.get(signal) ?? null : null, stderr: hex(rest[2]) });
    }
  }

  /** The helper is gone: everything waiting on it learns so, and the next request starts a new one. */
  private lost(why: string): void {
    if (!this.closing) this.log.error({ err: why }, 'the launch helper went away; starting a new one at the next request');
    this.child = undefined;
    this.buffered = '';
    const err = new GodelError('PROVIDER_FAILED', why);
    for (const p of this.pending.values()) {
      p.started?.reject(err);
      p.done?.reject(err);
      p.process?.exit({ code: null, signal: null, stderr: '' });
    }
    this.pending.clear();
  }
}

/**
 * The first directory on the way to `path` (absolute, symlinks resolved) that uid:gid may not pass, or
 * undefined when it may reach `path`: a process dropped to that user (a sandbox's bwrap, QEMU, the egress
 * proxy) would not find what lies beyond it.
 */
export function closedAncestor(path: string, uid: number, gid: number): string | undefined {
  const dirs = ['/'];
  for (const part of path.split('/').filter(Boolean)) dirs.push(join(dirs[dirs.length - 1]!, part));
  return dirs.find((d) => {
    const st = statSync(d);
    return !((st.mode & 0o001) || (st.uid === uid && st.mode & 0o100) || (st.gid === gid && st.mode & 0o010));
  });
}
