// The `process` provider: each sandbox is a bubblewrap namespace tree (user, pid, mount, ipc, uts, net,
// cgroup) started detached from the daemon, so it survives daemon restarts. Commands enter the tree's
// namespaces through godel-exec (native/godel-exec.c), which drops every privilege before the command
// runs. The sandbox runs as an unprivileged host uid (mapped to
// uid 1000 inside): mapping it to host root instead would let it read root-owned host files as their owner.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Pty } from '../../exec/pty.js';
import { Launcher, closedAncestor, type LaunchedProcess, type LaunchOptions } from '../launch/launcher.js';
import { Freezer } from './freezer.js';
import { Cgroups, type CgroupCounters } from './cgroups.js';
import { hasWorkspaceFs, mountWorkspaceFs, unmountWorkspaceFs } from './workspace-fs.js';
import { measure } from './usage.js';
import { constants as fsConstants, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TemplateSpec, ProcessProviderConfig } from '../../config/config.js';
import { errorMessage, GodelError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ProviderHandle } from '../../store/store.js';
import type { BootPriority, BootRequest, Capability, ExecRequest, FileWriteSpec, Provider, ProviderStatus, ResourceEvent, RunningCommand, SandboxUsage } from '../provider.js';
import { findExecutable, readChildren, readStartTime, waitForExit } from './procfs.js';
import { isAllowList } from '../../egress/policy.js';
import { FORWARDER, forwarderLaunch } from '../../egress/sandbox-side.js';
import type { AgentBootSide } from '../../agents/sandbox-side.js';
import { seccompFilterFile, seccompProfile } from './seccomp/seccomp.js';
import { sandboxEtcArgs } from './sandbox-etc.js';
import { procMaskArgs } from './proc-masks.js';

/** uid and gid of the sandbox user as seen inside the sandbox. */
export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 1000;
export const WORKSPACE = '/workspace';

const BOOT_TIMEOUT_MS = 10_000;
/**
 * Opens the target of a write inside the sandbox on fd 3 (creating it with the given permissions, or a
 * temporary file beside it for an atomic write), says "open", and waits for "commit" or "abort" on stdin.
 * Arguments: path, octal permissions, truncate|create|append, atomic 1|0. User input only as arguments.
 */
const WRITE_HOLDER = [
  'set -e',
  // Opening a FIFO would block, and a device is not a file to write: only a regular file (or a new one).
  'if [ -e "$1" ] && [ ! -f "$1" ] && [ ! -d "$1" ]; then echo "$1: not a regular file" >&2; exit 1; fi',
  'if [ "$4" = 1 ]; then t=$(mktemp "$(dirname -- "$1")/.godel-write.XXXXXX"); trap \'rm -f -- "$t"\' EXIT; chmod "$2" -- "$t"; exec 3> "$t"',
  'else',
  '  if [ "$3" = create ]; then set -C; : > "$1"; set +C; chmod "$2" -- "$1";',
  '  elif [ ! -e "$1" ]; then : > "$1"; chmod "$2" -- "$1"; fi',
  '  if [ "$3" = append ]; then exec 3>> "$1"; else exec 3> "$1"; fi',
  'fi',
  'echo open',
  'read -r verdict || verdict=abort',
  'exec 3>&-',
  'if [ "$4" = 1 ]; then',
  '  [ "$verdict" = commit ] || exit 1',
  '  if [ "$3" = create ] && [ -e "$1" ]; then echo "$1: File exists" >&2; exit 1; fi',
  '  mv -f -- "$t" "$1"; trap - EXIT',
  'fi',
].join('\n');
/** How often the sandboxes' cgroups are read for OOM kills and refused forks. */
const LIMIT_WATCH_MS = 1000;
/** Holds "<pid> <start time>" of the sandbox's outer bwrap process. */
const PID_FILE = 'bwrap.pid';
/**
 * A refill's session's autogroup nice, by priority. 19: next to nothing while anything else wants the CPU
 * (measured here, two loops on one CPU: 174 and 4 ticks). 10: about a tenth of a nice-0 session's share,
 * which kept every create warm beside busy sandboxes where 19 starved (benchmarks/README.md, issue 17).
 */
const AUTOGROUP_NICE = { idle: 19, low: 10 } as const;
const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** The exec helper built from native/godel-exec.c (by scripts/build-native.sh, into dist/native). */
const GODEL_EXEC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native', 'godel-exec');

export interface ProcessProviderOptions {
  sandboxesDir: string;
  config: ProcessProviderConfig;
  log: Logger;
  /** Where the egress proxy's sockets for a sandbox with an allow list are (daemon/egress). */
  egressSocketDir?: (sandboxId: string) => string;
  /** What a sandbox has inside for agents from its boot on (the CLIs, the gateway's socket directory). */
  agentSide?: (sandboxId: string, spec: TemplateSpec, reachable: (path: string) => boolean) => AgentBootSide;
}

export class ProcessProvider implements Provider {
  readonly name = 'process';
  readonly capabilities: readonly Capability[] = ['exec', 'filesystem-snapshot'];
  private readonly cgroups: Cgroups;
  private readonly freezer: Freezer;
  private readonly bwrap = findExecutable('bwrap');
  private readonly rm = findExecutable('rm') ?? '/bin/rm';
  private readonly helper = GODEL_EXEC;
  private readonly isRoot = process.getuid?.() === 0;
  /** Last counters seen per sandbox cgroup, so each OOM kill or refused fork is reported once. */
  private readonly counters = new Map<string, CgroupCounters>();
  private limitWatch: NodeJS.Timeout | undefined;
  /**
   * Pool boots under way below normal priority, by sandbox id, until they are ready: their priority now
   * (promote raises idle to low), and the process once it is started (a promote before that is applied after).
   */
  private readonly backgroundBoots = new Map<string, { priority: BootPriority; child?: LaunchedProcess }>();
  /** Starts every sandbox's bwrap, so that no boot forks the daemon. */
  private readonly launcher: Launcher;

  /**
   * Per host uid:gid a sandbox runs as, the topmost directory above the sandboxes that it may not pass (a
   * state dir made by mktemp -d is 0700): bwrap would not reach the workspace by its path. bwrap 0.8's
   * --bind-fd does not help, since bwrap resolves every bind source to a path and walks it (realpath).
   */
  private readonly closedAncestors = new Map<string, string | undefined>();

  constructor(private readonly opts: ProcessProviderOptions) {
    this.launcher = new Launcher(opts.log);
    mkdirSync(opts.sandboxesDir, { recursive: true, mode: 0o711 });
    this.cgroups = new Cgroups(opts.sandboxesDir);
    this.freezer = new Freezer((id) => this.cgroups.v2Dir(id));
    this.freezer.thawAll();
  }

  /** Whether bwrap, running as the sandbox user, can reach `path` (as root it may be a user that cannot). */
  private reachable(path: string, uid: number, gid: number): boolean {
    if (!this.isRoot) return true;
    try {
      return closedAncestor(realpathSync(path), uid, gid) === undefined;
    } catch {
      return false; // It does not exist (or vanished while looked at).
    }
  }

  private closedAncestor(uid: number, gid: number): string | undefined {
    if (!this.isRoot) return undefined; // bwrap runs as the daemon's own user, who made the state dir.
    const key = `${uid}:${gid}`;
    if (!this.closedAncestors.has(key)) this.closedAncestors.set(key, closedAncestor(realpathSync(this.opts.sandboxesDir), uid, gid));
    return this.closedAncestors.get(key);
  }

  /** How limits are enforced here: "cgroup v1", "cgroup v2", or why they cannot be. */
  get limitsSupport(): string {
    return this.cgroups.unavailable ?? `cgroup ${this.cgroups.version}`;
  }

  /**
   * Reports OOM kills and forks refused at the pids limit in limited sandboxes, read from their cgroups
   * every second. Counts are taken as they stand when watching starts: what happened while no daemon
   * ran is not reported. Returns a function that stops watching.
   */
  watchResources(listener: (e: ResourceEvent) => void): () => void {
    for (const id of this.cgroups.list()) this.counters.set(id, this.cgroups.counters(id));
    this.limitWatch = setInterval(() => {
      for (const id of this.cgroups.list()) {
        const now = this.cgroups.counters(id);
        const before = this.counters.get(id) ?? { oomKills: 0, pidsLimitHits: 0 };
        this.counters.set(id, now);
        if (now.oomKills > before.oomKills) {
          listener({ sandboxId: id, type: 'oom-kill', message: `the kernel killed ${now.oomKills - before.oomKills} process(es) that ran out of the sandbox's memory limit` });
        }
        if (now.pidsLimitHits > before.pidsLimitHits) {
          listener({ sandboxId: id, type: 'pids-limit', message: `${now.pidsLimitHits - before.pidsLimitHits} fork(s) refused at the sandbox's process limit` });
        }
      }
    }, LIMIT_WATCH_MS);
    this.limitWatch.unref();
    return () => clearInterval(this.limitWatch);
  }

  status(): ProviderStatus {
    if (!this.bwrap) return { available: false, message: 'bwrap is missing on this host (Debian package bubblewrap)' };
    for (const file of [this.helper, seccompFilterFile('default')!, seccompFilterFile('default-userns')!]) {
      if (!existsSync(file)) return { available: false, message: `${file} is missing: build it with npm run build` };
    }
    return { available: true, message: '' };
  }

  async boot({ id, spec, priority, overrides }: BootRequest): Promise<ProviderHandle> {
    const st = this.status();
    if (!st.available) throw new GodelError('PROVIDER_UNAVAILABLE', `the process provider cannot run: ${st.message}`);
    if (spec.rootfs && !existsSync(spec.rootfs)) {
      throw new GodelError('PROVIDER_FAILED', `the template's root filesystem ${spec.rootfs} does not exist`);
    }
    const dir = this.sandboxDir(id);
    const workspace = join(dir, 'workspace');
    const uid = overrides?.hostUid ?? this.opts.config.sandboxUid;
    const gid = overrides?.hostGid ?? this.opts.config.sandboxGid;
    // The launch helper's child creates both before bwrap runs: a mkdir that waits for a busy journal
    // (every handoff's fsync commits it) then holds up the child, not the daemon's event loop.
    const dirs = [{ path: dir, mode: 0o711 }, { path: workspace, mode: 0o700, ...(this.isRoot ? { uid, gid } : {}) }];
    const { diskBytes, ...cgroupLimits } = spec.limits ?? {};
    let procs: string[] = [];
    let child: LaunchedProcess;
    /** '' when agents can run in the sandbox; why not, when they cannot; undefined without an agents layer. */
    let agentsUnavailable: string | undefined;
    const logPath = join(dir, 'bwrap.log');
    if (priority !== 'normal') this.backgroundBoots.set(id, { priority });
    try {
      if (diskBytes) {
        // A disk-limited workspace is mounted before bwrap starts, so its directories come first here.
        for (const d of dirs) mkdirSync(d.path, { recursive: true, mode: d.mode });
        await mountWorkspaceFs(dir, workspace, diskBytes, uid, gid);
      }
      if (Object.keys(cgroupLimits).length) procs = this.cgroups.create(id, cgroupLimits);
      // With an allow list, the sandbox's command is the forwarder to the egress proxy (its only way out).
      const egress = isAllowList(spec.network) && this.opts.egressSocketDir ? forwarderLaunch(this.opts.egressSocketDir(id)) : undefined;
      if (isAllowList(spec.network) && !egress) throw new GodelError('EGRESS_UNAVAILABLE', 'this daemon runs no egress proxy for allow lists');
      // bwrap runs as the sandbox user: a forwarder it cannot reach would fail the boot with a bare ENOENT.
      if (egress && !this.reachable(FORWARDER, uid, gid)) {
        throw new GodelError('EGRESS_UNAVAILABLE', `the egress forwarder ${FORWARDER} is not reachable by the sandbox user (uid ${uid}): install godel where that user can pass every directory above it (as under /opt), not under a closed home`);
      }
      const agents = this.opts.agentSide?.(id, spec, (p) => this.reachable(p, uid, gid));
      if (agents) dirs.push(...agents.dirs);
      agentsUnavailable = agents ? agents.unavailable ?? '' : undefined;
      // Where a directory above the state dir is closed to the sandbox user, bwrap (which runs as that
      // user) finds the workspace over that directory, in a mount namespace of the launch's own.
      const over = this.closedAncestor(uid, gid);
      const { args, fds } = bwrapArgs(id, spec, over ?? workspace, egress?.command ?? ['sleep', 'infinity'], overrides?.binds ?? [], this.opts.sandboxesDir, [...egress?.bwrapArgs ?? [], ...agents?.bwrapArgs ?? []]);
      // With limits, godel-exec joins the cgroups and then becomes the sandbox user and runs bwrap, so
      // that no process of the sandbox is ever outside them.
      const argv = procs.length
        ? [this.helper, '--uid', String(uid), '--gid', String(gid), ...procs.flatMap((p) => ['--cgroup', p]), '--', this.bwrap!, ...args]
        : [this.bwrap!, ...args];
      child = await this.launcher.spawn({
        argv, ...(this.isRoot && !procs.length ? { uid, gid } : {}), setsid: true, stderr: logPath, info: true, env: { PATH: BASE_PATH }, dirs, fds: [...fds, ...egress?.fds ?? []],
        ...(over ? { expose: { source: workspace, over } } : {}),
        // The pid file is written before bwrap runs, so a crash mid-boot leaves a way to find and kill it.
        pidFile: join(dir, PID_FILE),
        // A pool refill nobody waits for gets only the CPU that handoffs and commands leave over
        // (SCHED_IDLE, its session's autogroup at nice 19), or a moderate share (nice 10), until it is
        // handed out (handedOut) or promoted.
        ...(priority !== 'normal' ? { idle: AUTOGROUP_NICE[priority] } : {}),
      });
    } catch (err) {
      this.backgroundBoots.delete(id);
      await this.release(id);
      await this.removeDir(dir);
      throw err;
    }
    const refill = this.backgroundBoots.get(id);
    if (refill) {
      refill.child = child;
      // Promoted while the launch was under way.
      if (refill.priority !== priority) this.lower(child).catch((err: unknown) => {
        this.opts.log.warn({ sandbox: id, err: errorMessage(err) }, 'cannot raise the priority of a pool boot');
      });
    }
    try {
      const initPid = await this.waitForInfo(child, logPath);
      await this.waitForCommand(initPid, child, logPath);
      const startTime = readStartTime(initPid);
      if (startTime === undefined) throw new GodelError('PROVIDER_FAILED', `sandbox ${id} exited during boot: ${bwrapError(logPath)}`);
      // Commands that enter the sandbox later get the same filter (exec), and inspect shows it.
      return {
        initPid, startTime, ...(procs.length ? { cgroup: id } : {}), seccomp: seccompProfile(spec), nestedUserNamespaces: !!spec.nestedUserNamespaces,
        // What the agent manager needs to know: whether agents can run here, or why not.
        ...(agentsUnavailable !== undefined ? { agentsUnavailable } : {}),
      };
    } catch (err) {
      // bwrap's namespace init runs in a session of its own (--new-session), so the process group of
      // the outer bwrap does not hold it: kill both by the pid file, and by command line.
      killQuietly(-child.pid, 'SIGKILL');
      this.killBwrapOf(id, true);
      await this.release(id);
      await this.removeDir(dir);
      throw err;
    } finally {
      this.backgroundBoots.delete(id);
      child.release(); // It runs on without the launcher's attention (it outlives the daemon by design).
    }
  }

  async promote(id: string): Promise<void> {
    const refill = this.backgroundBoots.get(id);
    if (!refill || refill.priority !== 'idle') return; // Booted meanwhile (the handoff raises it), or low already.
    refill.priority = 'low';
    if (refill.child) await this.lower(refill.child);
  }

  /** The boot's session (its autogroup, by which the CPU is shared first) at the moderate `low` nice. */
  private lower(child: LaunchedProcess): Promise<void> {
    return this.launcher.autogroup(AUTOGROUP_NICE.low, [child.pid]);
  }

  /**
   * A pool sandbox booted at SCHED_IDLE is handed to a client: every process in it (the outer bwrap, the
   * namespace init, its command) goes back to normal priority before the client hears of it.
   */
  async handedOut(id: string, handle: ProviderHandle): Promise<void> {
    const init = Number(handle.initPid);
    const outer = this.recordedBwrap(id);
    await this.launcher.normal([...(outer ? [outer] : []), init, ...readChildren(init)]);
  }

  /** Ends the launch helper; the sandboxes it started run on. */
  async close(): Promise<void> {
    await this.launcher.close();
  }

  /** A terminal from the sandbox's own devpts, owned by the sandbox's user, so that it has a name in there. */
  private openPty(handle: ProviderHandle, size: { cols: number; rows: number }): Pty {
    const root = `/proc/${handle.initPid}/root`;
    try {
      const owner = statSync(`/proc/${handle.initPid}`); // The sandbox user's uid and gid on the host.
      return new Pty(size.cols, size.rows, { root, uid: owner.uid, gid: owner.gid });
    } catch (err) {
      throw new GodelError('PROVIDER_FAILED', `cannot open a terminal in the sandbox: ${(err as Error).message}`);
    }
  }

  isAlive(handle: ProviderHandle): boolean {
    const pid = Number(handle.initPid);
    return pid > 0 && readStartTime(pid) === Number(handle.startTime);
  }

  exec(handle: ProviderHandle, req: ExecRequest): RunningCommand {
    // A command of a limited sandbox joins its cgroups before it enters the namespaces.
    const cgroups = typeof handle.cgroup === 'string' ? this.cgroups.procsFiles(handle.cgroup).flatMap((p) => ['--cgroup', p]) : [];
    // A sandbox booted before filters existed has no profile in its handle: its commands get the default.
    const filter = seccompFilterFile(handle.seccomp === 'unconfined' || handle.seccomp === 'default-userns' ? handle.seccomp : 'default');
    const args = ['--target', String(handle.initPid), '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_GID), ...cgroups, ...(filter ? ['--seccomp', filter] : []),
      '--cwd', req.cwd, '--report-fd', '3', ...(req.tty ? ['--tty'] : []), '--', ...req.argv];
    const pty = req.tty ? this.openPty(handle, req.tty) : undefined;
    let child: ChildProcess;
    try {
      const io = pty ? [pty.slaveFd, pty.slaveFd, pty.slaveFd] : ['pipe', 'pipe', 'pipe'];
      child = spawn(this.helper, args, { detached: true, stdio: [...io, 'pipe'] as StdioOptions, env: req.env });
    } catch (err) {
      pty?.close();
      throw err;
    } finally {
      pty?.releaseSlave();
    }
    return new ProcessCommand(child, pty);
  }

  async destroy(id: string, handle: ProviderHandle | undefined): Promise<void> {
    await this.stop(id, handle);
    await this.removeDir(this.sandboxDir(id));
  }

  async stop(id: string, handle: ProviderHandle | undefined): Promise<void> {
    // A frozen process does not die, even of SIGKILL, until it is thawed.
    this.freezer.thaw(id);
    if (handle && this.isAlive(handle)) {
      // SIGKILL to the pid namespace's init takes every process in the namespace with it.
      const pid = Number(handle.initPid);
      killQuietly(pid, 'SIGKILL');
      if (!await waitForExit(pid, Number(handle.startTime), 5_000)) throw new GodelError('PROVIDER_FAILED', `sandbox ${id} did not exit after SIGKILL`);
    }
    // Without a handle (a boot a crash cut short), the pid file and a scan are all there is to go by.
    this.killBwrapOf(id, !handle);
    await this.freezer.remove(id);
    await this.release(id);
  }

  /** Lets go of what a sandbox holds outside its directory: its cgroups and its workspace filesystem. */
  private async release(id: string): Promise<void> {
    this.counters.delete(id);
    await this.cgroups.remove(id);
    await unmountWorkspaceFs(this.sandboxDir(id), join(this.sandboxDir(id), 'workspace'));
  }

  async captureFilesystem(id: string, handle: ProviderHandle, dest: string): Promise<{ frozenMs: number }> {
    if (!this.isAlive(handle)) throw new GodelError('SANDBOX_DEAD', `sandbox ${id} is not running`);
    const workspace = sandboxWorkspace(handle);
    // Reflinks make the copy an instant where the filesystem has them; elsewhere the freeze lasts the copy.
    const { frozenMs } = await this.freezer.frozen(id, Number(handle.initPid), () => copyTree(workspace, dest));
    return { frozenMs };
  }

  async openFile(_id: string, handle: ProviderHandle, path: string): Promise<number> {
    // A holder opens the file inside the sandbox as its user (so the sandbox's own view and permissions
    // decide what it is), then waits; the daemon re-opens that very file through /proc/PID/fd/3.
    const holder = this.exec(handle, {
      argv: ['/bin/sh', '-c', 'exec 3< "$1" || exit 1; echo open; exec cat > /dev/null', 'godel-open', path],
      env: { PATH: BASE_PATH, LANG: 'C', LC_ALL: 'C' }, cwd: WORKSPACE,
    }) as ProcessCommand;
    try {
      const { opened, stderr } = await holderOpened(holder);
      // The shell's own message ("Permission denied", "No such file") says why; callers map it to a code.
      if (!opened) throw new Error(stderr() || `cannot open ${path}`);
      await holder.pid;
      return openSync(`/proc/${holder.hostProcess}/fd/3`, fsConstants.O_RDONLY);
    } finally {
      holder.stdin.end();
      holder.kill('SIGKILL');
      holder.stdout.resume();
    }
  }

  async openFileForWrite(_id: string, handle: ProviderHandle, spec: FileWriteSpec): Promise<{ fd: number; finish(commit: boolean): Promise<void> }> {
    const holder = this.exec(handle, {
      argv: ['/bin/sh', '-c', WRITE_HOLDER, 'godel-write', spec.path, (spec.permissions || 0o644).toString(8), spec.mode.toLowerCase(), spec.atomic ? '1' : '0'],
      env: { PATH: BASE_PATH, LANG: 'C', LC_ALL: 'C' }, cwd: WORKSPACE,
    }) as ProcessCommand;
    holder.stdin.on('error', () => undefined); // The holder failed: its exit status and stderr say why.
    const { opened, stderr } = await holderOpened(holder);
    const failed = (): Error => new Error(stderr() || `cannot write ${spec.path}`);
    holder.stdout.resume();
    if (!opened) throw failed();
    let fd: number;
    try {
      await holder.pid;
      fd = openSync(`/proc/${holder.hostProcess}/fd/3`, fsConstants.O_WRONLY | (spec.mode === 'APPEND' ? fsConstants.O_APPEND : 0));
    } catch (err) {
      holder.kill('SIGKILL');
      throw err;
    }
    return {
      fd,
      finish: async (commit: boolean) => {
        holder.stdin.end(commit ? 'commit\n' : 'abort\n');
        const r = await holder.exited;
        if (commit && r.exitCode !== 0) throw failed();
      },
    };
  }

  /** CPU, memory and disk use, measured on the host (usage.ts). */
  async usage(id: string, handle: ProviderHandle): Promise<SandboxUsage> {
    return measure(Number(handle.initPid), sandboxWorkspace(handle), hasWorkspaceFs(this.sandboxDir(id)), () => this.cgroups.memory(id));
  }

  /** The host directory behind the sandbox's /workspace. */
  workspacePath(id: string): string {
    return join(this.sandboxDir(id), 'workspace');
  }

  async restoreFilesystem(_id: string, handle: ProviderHandle, src: string): Promise<void> {
    await copyTree(`${src}/.`, sandboxWorkspace(handle));
  }

  async reapOrphans(knownIds: ReadonlySet<string>): Promise<string[]> {
    const reaped: string[] = [];
    // Sandboxes whose directory is gone but whose processes run (a crash mid-cleanup).
    for (const { pid, id } of this.bwrapProcesses()) {
      if (knownIds.has(id)) continue;
      killQuietly(pid, 'SIGKILL');
      if (!reaped.includes(id)) reaped.push(id);
    }
    for (const id of readdirSync(this.opts.sandboxesDir)) {
      if (knownIds.has(id)) continue;
      this.killBwrapOf(id, false);
      await this.freezer.remove(id);
      await this.release(id);
      await this.removeDir(this.sandboxDir(id));
      if (!reaped.includes(id)) reaped.push(id);
    }
    for (const id of this.cgroups.list()) {
      if (!knownIds.has(id)) await this.cgroups.remove(id);
    }
    return reaped;
  }

  /**
   * Removes a sandbox's directory through the launch helper (rm -rf): unlinking a workspace waits for the
   * journal like any metadata change, and it must not wait on the daemon's event loop.
   */
  private async removeDir(dir: string): Promise<void> {
    await this.launcher.run([this.rm, '-rf', '--', dir]);
  }

  private sandboxDir(id: string): string {
    return join(this.opts.sandboxesDir, id);
  }

  /** bwrap writes {"child-pid": N} on the info fd once the namespaces exist. */
  private async waitForInfo(child: LaunchedProcess, logPath: string): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new GodelError('PROVIDER_FAILED', `bwrap did not start within ${BOOT_TIMEOUT_MS} ms`)), BOOT_TIMEOUT_MS);
    });
    try {
      const text = await Promise.race([child.info, timeout]);
      const pid = /"child-pid"\s*:\s*(\d+)/.exec(text)?.[1];
      if (pid) return Number(pid);
      // bwrap writes its error just before it exits: give the log that moment.
      await Promise.race([child.exited, sleep(20)]);
      throw new GodelError('PROVIDER_FAILED', `bwrap failed: ${bwrapError(logPath)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The sandbox is ready once its init has forked the command, which happens after the mounts are in place. */
  private async waitForCommand(initPid: number, child: LaunchedProcess, logPath: string): Promise<void> {
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    for (let delay = 0.2; Date.now() < deadline; delay = Math.min(delay * 2, 10)) {
      if (readChildren(initPid).length > 0) return;
      if (child.hasExited) break;
      await sleep(delay);
    }
    throw new GodelError('PROVIDER_FAILED', `the sandbox did not become ready: ${bwrapError(logPath)}`);
  }

  /** Kills the bwrap recorded in the sandbox's pid file and its namespace init, if they still run. */
  /** `scan`: also look for the sandbox's bwrap by command line (costs a walk of /proc). */
  private killBwrapOf(id: string, scan: boolean): void {
    const pid = this.recordedBwrap(id);
    if (pid) {
      for (const child of readChildren(pid)) killQuietly(child, 'SIGKILL');
      killQuietly(pid, 'SIGKILL');
    }
    // The crash-loop test showed that the pid file alone can miss a sandbox whose boot a crash cut
    // short; its command line names its directory, which is unique to this state dir and sandbox.
    if (scan) for (const p of this.bwrapProcesses()) if (p.id === id) killQuietly(p.pid, 'SIGKILL');
  }

  /** The sandbox's outer bwrap as its pid file names it, if that very process still runs. */
  private recordedBwrap(id: string): number | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.sandboxDir(id), PID_FILE), 'utf8');
    } catch {
      return undefined; // No pid file: bwrap was never started, or a crash came first.
    }
    const [pid, start] = text.trim().split(' ').map(Number);
    return pid && readStartTime(pid) === start ? pid : undefined;
  }

  /** This state dir's bwrap processes, with the sandbox each belongs to (named by its SANDBOX_MARKER). */
  private bwrapProcesses(): Array<{ pid: number; id: string }> {
    const marker = `${this.opts.sandboxesDir}/`;
    const out: Array<{ pid: number; id: string }> = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let argv: string[];
      try {
        argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      } catch {
        continue; // Exited while we looked.
      }
      if (!argv[0]?.endsWith('bwrap')) continue;
      const at = argv.indexOf(SANDBOX_MARKER);
      const dir = at >= 0 ? argv[at + 1] : undefined;
      if (dir?.startsWith(marker)) out.push({ pid: Number(entry), id: dir.slice(marker.length) });
      // Sandboxes booted by a daemon from before the marker bind their workspace by path.
      const ws = at < 0 ? argv.find((a) => a.startsWith(marker) && a.endsWith('/workspace')) : undefined;
      if (ws) out.push({ pid: Number(entry), id: ws.slice(marker.length, -'/workspace'.length) });
    }
    return out;
  }
}

/** bwrap's descriptors (fd 3 is its --info-fd): the seccomp filter, then the /etc files. */
const SECCOMP_FD = 4;
const FIRST_ETC_FD = 5;
/**
 * An environment variable of the sandbox's main process (`sleep`) that names the sandbox's directory on
 * bwrap's command line: the workspace's path may not be there (see ProcessProvider.closedAncestors).
 */
const SANDBOX_MARKER = 'GODEL_SANDBOX_DIR';

/** bwrap's arguments, and the descriptors it must be started with (LaunchOptions.fds). */
export interface BwrapCommand {
  args: string[];
  fds: Array<{ fd: number; file: string } | { fd: number; data: string }>;
}

/**
 * The bwrap command line of a sandbox; exported so the benchmark can start the same sandbox with raw bwrap.
 * `workspace` is the path bwrap, as the sandbox user, binds on /workspace; `extra`, more arguments (the egress sockets).
 */
export function bwrapArgs(id: string, spec: TemplateSpec, workspace: string, command: string[], binds: string[] = [], sandboxesDir = dirname(dirname(workspace)), extra: string[] = []): BwrapCommand {
  const args = ['--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  const fds: BwrapCommand['fds'] = [];
  // An allow list keeps the sandbox in its own network namespace too: its way out is the egress proxy.
  if (spec.network !== 'host') args.push('--unshare-net');
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
  if (!spec.rootfs && !spec.hostPaths.includes('/etc')) {
    const etc = sandboxEtcArgs({ hostname: id, network: spec.network, uid: SANDBOX_UID, gid: SANDBOX_GID, home: WORKSPACE }, FIRST_ETC_FD);
    args.push(...etc.args);
    fds.push(...etc.fds);
  }
  // Writable: /workspace (on the host, under the state dir), and the sandbox-private tmpfs /tmp and /dev/shm.
  // Everything else, including bwrap's root tmpfs and /dev, is remounted read-only.
  args.push('--proc', '/proc', ...procMaskArgs(!spec.rootfs && spec.hostPaths.includes('/sys')),
    '--dev', '/dev', '--tmpfs', '/dev/shm', '--tmpfs', '/tmp', '--bind', workspace, WORKSPACE, ...binds.flatMap((b) => ['--bind', b, b]), ...extra,
    '--remount-ro', '/dev', '--remount-ro', '/', '--chdir', WORKSPACE, '--cap-drop', 'ALL');
  // No user namespaces inside: bwrap caps their number at the one it is in (and entered commands join that one).
  if (!spec.nestedUserNamespaces) args.push('--disable-userns');
  const filter = seccompFilterFile(seccompProfile(spec));
  if (filter) {
    args.push('--seccomp', String(SECCOMP_FD));
    fds.push({ fd: SECCOMP_FD, file: filter });
  }
  args.push('--setenv', SANDBOX_MARKER, join(sandboxesDir, id), '--new-session', '--info-fd', '3', '--', ...command);
  return { args, fds };
}


class ProcessCommand implements RunningCommand {
  readonly pid: Promise<number>;
  readonly exited: Promise<{ exitCode: number; signal: string }>;
  readonly stdout: Readable;
  readonly stderr: Readable | null;
  readonly stdin: Writable;
  /** The command's pid in the host pid namespace, once godel-exec reported it. */
  private hostPid = 0;
  private ended = false;

  constructor(private readonly child: ChildProcess, private readonly pty: Pty | undefined) {
    this.stdout = pty ? pty.output : child.stdout!;
    this.stderr = pty ? null : child.stderr!;
    this.stdin = pty ? pty.input : child.stdin!;
    this.pid = this.readReport(child.stdio[3] as Readable);
    const helperExit = new Promise<{ exitCode: number; signal: string }>((resolve) => {
      // Spawning the helper itself failed (status() checks it exists, so this is rare): like a shell, 127.
      child.once('error', () => resolve({ exitCode: 127, signal: '' }));
      child.once('exit', (code, signal) => resolve(signal ? { exitCode: -1, signal } : { exitCode: code ?? -1, signal: '' }));
    });
    // Done when the command has exited and its output is fully read (a pty's output ends on EIO).
    const outputDone = Promise.all([this.stdout, this.stderr].filter((s): s is Readable => !!s).map((s) => finished(s).catch(() => undefined)));
    this.exited = Promise.all([helperExit, outputDone]).then(([r]) => {
      this.ended = true;
      pty?.close();
      return r;
    });
  }

  /** The command's pid in the host pid namespace (0 until godel-exec reported it). */
  get hostProcess(): number {
    return this.hostPid;
  }

  resize(cols: number, rows: number): void {
    this.pty?.resize(cols, rows);
  }

  /** Signals the command itself (the terminal's own keys reach its foreground job through the pty). */
  signal(signal: NodeJS.Signals): void {
    if (this.hostPid && !this.ended) killQuietly(this.hostPid, signal);
  }

  /** Signals the command's whole process group; the helper exits with it. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.ended) return;
    if (this.hostPid) killQuietly(-this.hostPid, signal);
    else if (this.child.pid) killQuietly(this.child.pid, signal);
  }

  /** godel-exec writes "ns <pid>" and "host <pid>" on fd 3 before the command runs. */
  private readReport(report: Readable): Promise<number> {
    return new Promise((resolve) => {
      let text = '';
      let nsPid = 0;
      report.on('data', (d: Buffer) => {
        text += d.toString();
        for (const line of text.split('\n').slice(0, -1)) {
          const [what, value] = line.split(' ');
          if (what === 'ns') nsPid = Number(value);
          if (what === 'host') this.hostPid = Number(value);
        }
        text = text.slice(text.lastIndexOf('\n') + 1);
        if (nsPid && this.hostPid) resolve(nsPid);
      });
      report.on('close', () => resolve(nsPid));
      report.on('error', () => resolve(nsPid));
    });
  }
}

/** Waits for a file holder to say "open" (true) or to exit first (false); `stderr` says why it failed. */
/** How long a holder may take to open its file: a FIFO swapped in at the last moment would block it for good. */
const HOLDER_OPEN_TIMEOUT_MS = 10_000;

async function holderOpened(holder: RunningCommand): Promise<{ opened: boolean; stderr: () => string }> {
  let text = '';
  holder.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
  let timer: NodeJS.Timeout | undefined;
  const opened = await new Promise<boolean>((resolve) => {
    holder.stdout.once('data', () => resolve(true));
    void holder.exited.then(() => resolve(false));
    timer = setTimeout(() => {
      text += 'timed out opening the file (not a regular file?)\n';
      holder.kill('SIGKILL');
      resolve(false);
    }, HOLDER_OPEN_TIMEOUT_MS);
  });
  clearTimeout(timer);
  return { opened, stderr: () => text.trim() };
}

/** `cp -a` (owners, modes, times and links kept; links never followed), with reflinks where possible. */
function copyTree(src: string, dest: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const cp = spawn('cp', ['-a', '--reflink=auto', '--', src, dest], { stdio: ['ignore', 'ignore', 'pipe'] });
    cp.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    cp.on('error', reject);
    cp.on('close', (code) => (code === 0 ? resolve() : reject(new GodelError('PROVIDER_FAILED', `copying the sandbox's files failed: ${stderr.trim()}`))));
  });
}

/**
 * The sandbox's /workspace as the sandbox sees it, through its init's root. The host path under the state
 * dir shows the same files, except for a disk-limited workspace when the daemon runs in another mount
 * namespace than the one that mounted it (systemd gives each start of the service a new one).
 */
function sandboxWorkspace(handle: ProviderHandle): string {
  return `/proc/${Number(handle.initPid)}/root${WORKSPACE}`;
}

/** The topmost directory on the way to `dir` that uid:gid (with no supplementary groups) may not pass. */
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
