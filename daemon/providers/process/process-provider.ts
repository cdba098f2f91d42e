// The `process` provider: each sandbox is a bubblewrap namespace tree (user, pid, mount, ipc, uts, net,
// cgroup) started detached from the daemon, so it survives daemon restarts. Commands enter the tree's
// namespaces with nsenter under no_new_privs. The sandbox runs as an unprivileged host uid (mapped to
// uid 1000 inside): mapping it to host root instead would let it read root-owned host files as their owner.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setPriority } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TemplateSpec, ProcessProviderConfig } from '../../config/config.js';
import { GodelError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ProviderHandle } from '../../store/store.js';
import type { BootRequest, Capability, ExecRequest, Provider, ProviderStatus, RunningCommand } from '../provider.js';
import { findExecutable, readChildren, readNsPid, readStartTime } from './procfs.js';

/** uid and gid of the sandbox user as seen inside the sandbox. */
export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 1000;
export const WORKSPACE = '/workspace';

const BOOT_TIMEOUT_MS = 10_000;
const BACKGROUND_NICE = 10;
/** Holds "<pid> <start time>" of the sandbox's outer bwrap process. */
const PID_FILE = 'bwrap.pid';
const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
// Changes directory inside the sandbox without ever putting user input in the script: the directory and
// the command arrive as positional parameters.
const CWD_SCRIPT = 'cd -- "$1" || exit 126; shift; exec "$@"';

export interface ProcessProviderOptions {
  sandboxesDir: string;
  config: ProcessProviderConfig;
  log: Logger;
}

export class ProcessProvider implements Provider {
  readonly name = 'process';
  readonly capabilities: readonly Capability[] = ['exec'];
  private readonly bwrap = findExecutable('bwrap');
  private readonly nsenter = findExecutable('nsenter');
  private readonly setpriv = findExecutable('setpriv');
  private readonly isRoot = process.getuid?.() === 0;

  constructor(private readonly opts: ProcessProviderOptions) {
    mkdirSync(opts.sandboxesDir, { recursive: true, mode: 0o711 });
  }

  status(): ProviderStatus {
    const missing = [['bwrap', this.bwrap, 'bubblewrap'], ['nsenter', this.nsenter, 'util-linux'], ['setpriv', this.setpriv, 'util-linux']]
      .filter(([, path]) => !path).map(([name, , pkg]) => `${name} (Debian package ${pkg})`);
    if (missing.length) return { available: false, message: `missing on this host: ${missing.join(', ')}` };
    const blocked = this.isRoot ? unsearchableAncestor(this.opts.sandboxesDir, this.opts.config.sandboxUid, this.opts.config.sandboxGid) : undefined;
    if (blocked) {
      return { available: false, message: `the sandbox user (uid ${this.opts.config.sandboxUid}) cannot reach its workspaces: ${blocked} is not searchable by others (chmod o+x ${blocked}, or choose another --state-dir)` };
    }
    return { available: true, message: '' };
  }

  async boot({ id, spec, background }: BootRequest): Promise<ProviderHandle> {
    const st = this.status();
    if (!st.available) throw new GodelError('PROVIDER_UNAVAILABLE', `the process provider cannot run: ${st.message}`);
    if (spec.rootfs && !existsSync(spec.rootfs)) {
      throw new GodelError('PROVIDER_FAILED', `the template's root filesystem ${spec.rootfs} does not exist`);
    }
    const dir = this.sandboxDir(id);
    const workspace = join(dir, 'workspace');
    mkdirSync(dir, { recursive: true, mode: 0o711 });
    mkdirSync(workspace, { mode: 0o700 });
    if (this.isRoot) chownSync(workspace, this.opts.config.sandboxUid, this.opts.config.sandboxGid);
    const logPath = join(dir, 'bwrap.log');
    const logFd = openSync(logPath, 'w', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(this.bwrap!, bwrapArgs(id, spec, workspace, ['sleep', 'infinity']), {
        detached: true,
        stdio: ['ignore', 'ignore', logFd, 'pipe'],
        env: { PATH: BASE_PATH },
        ...(this.isRoot ? { uid: this.opts.config.sandboxUid, gid: this.opts.config.sandboxGid } : {}),
      });
    } finally {
      closeSync(logFd);
    }
    // A background boot sets up its namespaces at low priority so that handoffs served meanwhile keep the
    // CPU; the sandbox's own commands come from exec at normal priority.
    if (background && child.pid) setPriorityQuietly(child.pid, BACKGROUND_NICE);
    // Recorded before anything can fail, so a crash mid-boot leaves a way to find and kill this bwrap.
    if (child.pid) writeFileSync(join(dir, PID_FILE), `${child.pid} ${readStartTime(child.pid) ?? 0}\n`);
    child.unref(); // Node still reaps it if it exits while the daemon runs; otherwise it outlives the daemon.
    try {
      const initPid = await this.waitForInfo(child, logPath);
      await this.waitForCommand(initPid, child, logPath);
      const startTime = readStartTime(initPid);
      if (startTime === undefined) throw new GodelError('PROVIDER_FAILED', `sandbox ${id} exited during boot: ${bwrapError(logPath)}`);
      return { initPid, startTime };
    } catch (err) {
      if (child.pid) killQuietly(-child.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  isAlive(handle: ProviderHandle): boolean {
    const pid = Number(handle.initPid);
    return pid > 0 && readStartTime(pid) === Number(handle.startTime);
  }

  exec(handle: ProviderHandle, req: ExecRequest): RunningCommand {
    const initPid = Number(handle.initPid);
    const command = req.cwd === WORKSPACE ? req.argv : ['/bin/sh', '-c', CWD_SCRIPT, 'godel-cwd', req.cwd, ...req.argv];
    // setpriv sets no_new_privs before nsenter enters the namespaces and drops to the sandbox user, so nothing
    // the command executes can gain a capability.
    const args = ['--no-new-privs', '--', this.nsenter!, `--target=${initPid}`, '--user', '--mount', '--uts', '--ipc',
      '--net', '--pid', `--setuid=${SANDBOX_UID}`, `--setgid=${SANDBOX_GID}`, '--wd', '--', ...command];
    const child = spawn(this.setpriv!, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: req.env });
    return new ProcessCommand(child);
  }

  async destroy(id: string, handle: ProviderHandle | undefined): Promise<void> {
    if (handle && this.isAlive(handle)) {
      // SIGKILL to the pid namespace's init takes every process in the namespace with it.
      const pid = Number(handle.initPid);
      killQuietly(pid, 'SIGKILL');
      for (let i = 0; i < 1000 && this.isAlive(handle); i++) await sleep(5);
      if (this.isAlive(handle)) throw new GodelError('PROVIDER_FAILED', `sandbox ${id} did not exit after SIGKILL`);
    }
    this.killBwrapOf(id);
    rmSync(this.sandboxDir(id), { recursive: true, force: true });
  }

  async reapOrphans(knownIds: ReadonlySet<string>): Promise<string[]> {
    const reaped: string[] = [];
    for (const id of readdirSync(this.opts.sandboxesDir)) {
      if (knownIds.has(id)) continue;
      this.killBwrapOf(id);
      rmSync(this.sandboxDir(id), { recursive: true, force: true });
      reaped.push(id);
    }
    return reaped;
  }

  private sandboxDir(id: string): string {
    return join(this.opts.sandboxesDir, id);
  }

  /** bwrap writes {"child-pid": N} on the info fd once the namespaces exist. */
  private waitForInfo(child: ChildProcess, logPath: string): Promise<number> {
    return new Promise((resolve, reject) => {
      let text = '';
      const info = child.stdio[3] as NodeJS.ReadableStream;
      const timer = setTimeout(() => done(new GodelError('PROVIDER_FAILED', `bwrap did not start within ${BOOT_TIMEOUT_MS} ms`)), BOOT_TIMEOUT_MS);
      const done = (err?: Error, pid?: number): void => {
        clearTimeout(timer);
        info.removeAllListeners();
        child.removeListener('error', onError);
        if (err) reject(err);
        else resolve(pid!);
      };
      const onError = (err: Error): void => done(new GodelError('PROVIDER_FAILED', `cannot start bwrap: ${err.message}`));
      child.once('error', onError);
      info.on('data', (d: Buffer) => { text += d.toString(); });
      info.on('end', () => {
        const pid = /"child-pid"\s*:\s*(\d+)/.exec(text)?.[1];
        if (pid) done(undefined, Number(pid));
        else setTimeout(() => done(new GodelError('PROVIDER_FAILED', `bwrap failed: ${bwrapError(logPath)}`)), 20);
      });
      info.on('error', (err: Error) => done(new GodelError('PROVIDER_FAILED', `bwrap info: ${err.message}`)));
    });
  }

  /** The sandbox is ready once its init has forked the command, which happens after the mounts are in place. */
  private async waitForCommand(initPid: number, child: ChildProcess, logPath: string): Promise<void> {
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    for (let delay = 0.2; Date.now() < deadline; delay = Math.min(delay * 2, 10)) {
      if (readChildren(initPid).length > 0) return;
      if (child.exitCode !== null || child.signalCode !== null) break;
      await sleep(delay);
    }
    throw new GodelError('PROVIDER_FAILED', `the sandbox did not become ready: ${bwrapError(logPath)}`);
  }

  /** Kills the bwrap recorded in the sandbox's pid file and its namespace init, if they still run. */
  private killBwrapOf(id: string): void {
    let text: string;
    try {
      text = readFileSync(join(this.sandboxDir(id), PID_FILE), 'utf8');
    } catch {
      return; // No pid file: bwrap was never started for this sandbox.
    }
    const [pid, start] = text.trim().split(' ').map(Number);
    if (!pid || readStartTime(pid) !== start) return;
    for (const child of readChildren(pid)) killQuietly(child, 'SIGKILL');
    killQuietly(pid, 'SIGKILL');
  }
}

/** The bwrap command line of a sandbox; exported so the benchmark can start the same sandbox with raw bwrap. */
export function bwrapArgs(id: string, spec: TemplateSpec, workspace: string, command: string[]): string[] {
  const args = ['--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  if (spec.network === 'none') args.push('--unshare-net');
  args.push('--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_GID), '--hostname', id);
  // Either the template's root filesystem, entry by entry, or the listed host directories; read-only both ways.
  const roots: Array<[string, string]> = spec.rootfs
    ? readdirSync(spec.rootfs).filter((e) => !['proc', 'dev', 'tmp', 'workspace'].includes(e)).map((e) => [join(spec.rootfs, e), `/${e}`])
    : spec.hostPaths.map((p) => [p, p]);
  for (const [src, dest] of roots) {
    let st;
    try {
      st = lstatSync(src);
    } catch {
      continue; // A host path that this machine lacks (/lib32 on most hosts) is simply not there inside.
    }
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(src), dest);
    else args.push('--ro-bind', src, dest);
  }
  // Writable: /workspace (on the host, under the state dir), and the sandbox-private tmpfs /tmp and /dev/shm.
  // Everything else, including bwrap's root tmpfs and /dev, is remounted read-only.
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/dev/shm', '--tmpfs', '/tmp', '--bind', workspace, WORKSPACE,
    '--remount-ro', '/dev', '--remount-ro', '/', '--chdir', WORKSPACE,
    '--cap-drop', 'ALL', '--new-session', '--info-fd', '3', '--', ...command);
  return args;
}


class ProcessCommand implements RunningCommand {
  readonly pid: Promise<number>;
  readonly exited: Promise<{ exitCode: number; signal: string }>;

  constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.once('error', () => resolve({ exitCode: 127, signal: '' }));
      child.once('close', (code, signal) => {
        resolve(signal ? { exitCode: -1, signal } : { exitCode: code ?? -1, signal: '' });
      });
    });
    this.pid = this.findPid();
  }

  get stdout() { return this.child.stdout!; }
  get stderr() { return this.child.stderr!; }
  get stdin() { return this.child.stdin!; }

  /** nsenter forks the command into the sandbox's pid namespace; its pid there is the last NSpid entry. */
  private async findPid(): Promise<number> {
    const hostPid = this.child.pid;
    if (!hostPid) return 0;
    for (let delay = 0.1; delay < 50; delay *= 2) {
      const [inner] = readChildren(hostPid);
      if (inner) return readNsPid(inner) ?? 0;
      if (this.child.exitCode !== null || this.child.signalCode !== null) return 0;
      await sleep(delay);
    }
    return 0;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    // The command runs in nsenter's process group; signal the whole group so its children go too.
    if (this.child.pid && this.child.exitCode === null) killQuietly(-this.child.pid, signal);
  }
}

/** bwrap runs as the sandbox user and opens the workspace by path: every directory above it must let that user through. */
function unsearchableAncestor(dir: string, uid: number, gid: number): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const st = statSync(d);
    const searchable = (st.mode & 0o001) || (st.uid === uid && st.mode & 0o100) || (st.gid === gid && st.mode & 0o010);
    if (!searchable) return d;
    if (d === '/') return undefined;
  }
}

function setPriorityQuietly(pid: number, nice: number): void {
  try {
    setPriority(pid, nice);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function bwrapError(logPath: string): string {
  try {
    const text = readFileSync(logPath, 'utf8').trim();
    return text ? text.split('\n').slice(-3).join('; ') : 'no error output';
  } catch {
    return 'no error output';
  }
}
