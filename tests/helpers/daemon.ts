// Starts a real godeld on a temporary socket and state dir for a test, and cleans up after it: the
// daemon, every sandbox it started (they outlive the daemon by design), and the temporary files.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmdirSync, readdirSync, readFileSync, rmSync, writeFileSync, openSync, closeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { GodelClient, GodelClientError } from '../../ipc/client.js';
import { blockFor, lastResort } from './last-resort.js';

const distRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GODELD = join(distRoot, 'daemon', 'main.js');
export const GODELCTL = join(distRoot, 'cli-client', 'main.js');

export interface TestContext {
  teardown(fn: () => unknown): void;
}

export interface DaemonOptions {
  /** Contents of the config file; when omitted the daemon runs with no config at all. */
  config?: Record<string, unknown>;
  /** Reuse the directory of an earlier daemon (restart tests). */
  dir?: string;
  /** Leave the directory 0700, as mktemp -d makes it (the sandbox user cannot pass it). */
  closedDir?: boolean;
  /** More environment for the daemon (the model gateway's keys). */
  env?: Record<string, string>;
}

export class TestDaemon {
  proc: ChildProcess | undefined;
  readonly socket: string;
  readonly stateDir: string;
  readonly configPath: string | undefined;
  client: GodelClient;
  /** Extra environment for the daemon process. */
  env: Record<string, string> = {};
  /** The godeld to run: another install of it in upgrade tests. */
  godeld = GODELD;

  constructor(readonly dir: string, config: Record<string, unknown> | undefined) {
    this.socket = join(dir, 'godeld.sock');
    this.stateDir = join(dir, 'state');
    if (config) {
      this.configPath = join(dir, 'config.json');
      writeFileSync(this.configPath, JSON.stringify(config));
    }
    this.client = new GodelClient({ socket: this.socket });
  }

  get logPath(): string {
    return join(this.dir, 'godeld.log');
  }

  /** Where the daemon serves /metrics (an ephemeral loopback port in tests). */
  metricsAddress(): string {
    const line = this.logs().reverse().find((l) => l.msg === 'metrics served at /metrics');
    if (!line) throw new Error('the daemon logged no metrics address');
    return String(line.address);
  }

  /**
   * The log lines that match, once there is at least one: the daemon writes its log asynchronously, so a
   * line can land a moment after what it reports.
   */
  async logged(what: string, match: (l: Record<string, unknown>) => boolean, timeoutMs = 5_000): Promise<Array<Record<string, unknown>>> {
    return waitFor(`the log to say ${what}`, () => { const l = this.logs().filter(match); return l.length > 0 ? l : undefined; }, timeoutMs);
  }

  /** The daemon's JSON log lines so far. */
  logs(): Array<Record<string, unknown>> {
    return readFileSync(this.logPath, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  args(): string[] {
    return [this.godeld, '--socket', this.socket, '--state-dir', this.stateDir, '--metrics-addr', '127.0.0.1:0', ...(this.configPath ? ['--config', this.configPath] : [])];
  }

  async start(): Promise<void> {
    const served = (): number => this.logs().filter((l) => l.msg === 'metrics served at /metrics').length;
    const servedBefore = existsSync(this.logPath) ? served() : 0;
    const fd = openSync(this.logPath, 'a');
    this.proc = spawn(process.execPath, this.args(), { stdio: ['ignore', fd, fd], env: { ...process.env, GODEL_SOCKET: '', ...this.env } });
    closeSync(fd);
    const proc = this.proc;
    // A net for a daemon that hangs, not a timing check (the recovery benchmark times starts): two test
    // files at a time on two cores have taken a start past 20 s.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`godeld exited with ${proc.exitCode}: ${readFileSync(this.logPath, 'utf8').slice(-2000)}`);
      // No call before the socket is there: each refused connection grows grpc-js's reconnect backoff
      // (1 s, 1.6 s, 2.6 s...), and a daemon that starts slowly on a busy machine would be found late.
      if (!existsSync(this.socket)) {
        await sleep(50);
        continue;
      }
      try {
        if ((await this.client.healthCheck('', 500)) === 'SERVING') {
          // The log is written asynchronously: metricsAddress() reads this start's line, once it is there.
          const args = this.args();
          const metrics = args[args.indexOf('--metrics-addr') + 1];
          if (args.includes('--metrics-addr') && metrics) await waitFor('the metrics address in the log', () => served() > servedBefore || undefined, 5_000);
          return;
        }
      } catch (err) {
        if (!(err instanceof GodelClientError)) throw err;
      }
      await sleep(50);
    }
    throw new Error(`godeld did not become healthy: ${readFileSync(this.logPath, 'utf8').slice(-2000)}`);
  }

  /** Stops the daemon (SIGTERM for a clean stop, SIGKILL for a crash) and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return proc?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill(signal);
    const code = await exited;
    // A fresh client: the old channel may hold a broken connection to the dead daemon.
    this.client.close();
    this.client = new GodelClient({ socket: this.socket });
    return code;
  }

  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.start();
  }

  /** Pids of the QEMU processes of this daemon's microvm sandboxes (their command lines name their directory). */
  vmPids(): number[] {
    const marker = `${this.stateDir}/vms/`;
    return processesWhere((argv) => !!argv[0]?.includes('qemu-system') && argv.some((a) => a.includes(marker)));
  }

  /** Pids of the bwrap processes of this daemon's sandboxes: their command lines name a sandbox directory under our state dir. */
  sandboxPids(): number[] {
    const marker = `${this.stateDir}/sandboxes/`;
    return processesWhere((argv) => !!argv[0]?.endsWith('bwrap') && argv.some((a, i) => a === 'GODEL_SANDBOX_DIR' && !!argv[i + 1]?.startsWith(marker)));
  }

  /** Pids of the daemon's launch helpers (godel-launch, its children that start sandboxes and VMs). */
  launcherPids(): number[] {
    const daemon = this.proc?.pid;
    return processesWhere((argv) => !!argv[0]?.endsWith('/godel-launch')).filter((pid) => parentOf(pid) === daemon);
  }

  /** Pids of this daemon's egress proxy (it outlives the daemon by design, as sandboxes do). */
  egressProxyPids(): number[] {
    const dir = `${this.stateDir}/egress`;
    return processesWhere((argv) => !!argv[1]?.endsWith('/proxy-main.js') && argv.includes(dir));
  }

  /** Every process of a sandbox: its outer bwrap, the namespace init, and what runs under it. */
  processesOf(sandboxId: string): number[] {
    const workspace = `${this.stateDir}/sandboxes/${sandboxId}/workspace`;
    const tree = (pid: number): number[] => [pid, ...childrenOf(pid).flatMap(tree)];
    const bwraps = processesWhere((argv) => !!argv[0]?.endsWith('bwrap') && argv.includes(workspace));
    return bwraps.filter((pid) => !bwraps.includes(parentOf(pid) ?? -1)).flatMap(tree);
  }

  async cleanup(): Promise<void> {
    // A clean stop (which a daemon must manage at any point) also lets it write its coverage; a daemon
    // that hangs on SIGTERM is killed after a while, and the test that left it so fails on its log.
    this.client.close();
    const proc = this.proc;
    const killer = proc ? setTimeout(() => proc.kill('SIGKILL'), 10_000) : undefined;
    await this.stop('SIGTERM');
    clearTimeout(killer);
    this.client.close();
    this.killLeftovers();
    for (let i = 0; i < 100 && (this.sandboxPids().length || this.vmPids().length); i++) await sleep(20);
    this.removeDir();
  }

  /**
   * cleanup() for a test file that is being killed (see last-resort.ts): no waiting on the daemon. The
   * tail of its log goes to stderr first, since the file's timeout says only where the test was.
   */
  abandon(signal: NodeJS.Signals | null): void {
    if (signal && existsSync(this.logPath)) {
      const tail = readFileSync(this.logPath, 'utf8').split('\n').slice(-40).join('\n');
      process.stderr.write(`--- the last lines of ${this.logPath}, as the test file ends on ${signal}:\n${tail}\n---\n`);
    }
    this.proc?.kill('SIGKILL');
    this.killLeftovers();
    for (let i = 0; i < 100 && (this.sandboxPids().length || this.vmPids().length); i++) blockFor(20);
    this.removeDir();
  }

  /** The daemon's sandboxes, VMs and egress proxy, which outlive it by design. */
  private killLeftovers(): void {
    for (const pid of [...this.sandboxPids(), ...this.vmPids(), ...this.egressProxyPids()]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        continue; // Already gone.
      }
    }
  }

  private removeDir(): void {
    // Sandboxes killed here, not deleted through the daemon, leave their (empty) cgroups: the freezer's,
    // and their limits' (under a godel-<scope> directory per controller), and disk-limited workspaces
    // stay mounted.
    let ids: string[] = [];
    try {
      ids = readdirSync(join(this.stateDir, 'sandboxes'));
    } catch {
      ids = []; // The daemon never made its sandboxes dir.
    }
    const cgroupParents = ['/sys/fs/cgroup', ...readdirSync('/sys/fs/cgroup').map((c) => join('/sys/fs/cgroup', c))].flatMap((root) => {
      try {
        return readdirSync(root).filter((e) => e.startsWith('godel-')).map((e) => join(root, e));
      } catch {
        return []; // Not a directory (a cgroup v2 interface file).
      }
    });
    for (const id of ids) {
      spawnSync('umount', [join(this.stateDir, 'sandboxes', id, 'workspace')], { stdio: 'ignore' }); // Fails harmlessly when not mounted.
      for (const parent of cgroupParents) {
        try {
          rmdirSync(join(parent, id));
        } catch {
          continue; // It has no cgroup there.
        }
      }
    }
    for (const parent of cgroupParents) {
      try {
        rmdirSync(parent); // Only when empty: another daemon's sandboxes keep theirs.
      } catch {
        continue;
      }
    }
    // GODEL_TEST_LOG_DIR keeps every daemon's log, for a failure that does not reproduce.
    const keep = process.env.GODEL_TEST_LOG_DIR;
    if (keep && existsSync(this.logPath)) copyFileSync(this.logPath, join(keep, `${basename(this.dir)}.log`));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Field `n` (1-based, as proc(5) numbers them) of /proc/PID/stat, or undefined when the process is gone. */
export function statField(pid: number, n: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3];
  } catch {
    return undefined; // Exited.
  }
}

/** The scheduling policy of a process (field 41): 0 SCHED_OTHER, 5 SCHED_IDLE. */
export function schedPolicy(pid: number): number | undefined {
  const v = statField(pid, 41);
  return v === undefined ? undefined : Number(v);
}

/** The nice value of the autogroup of the process's session ("/autogroup-N nice V"), undefined without one. */
export function autogroupNice(pid: number): number | undefined {
  try {
    const m = / nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // Gone, or a kernel without autogroups.
  }
}

function parentOf(pid: number): number | undefined {
  const v = statField(pid, 4);
  return v === undefined ? undefined : Number(v);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return []; // Exited.
  }
}

/** Pids of the host's processes whose command line satisfies `match`. */
function processesWhere(match: (argv: string[]) => boolean): number[] {
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (match(readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0'))) pids.push(Number(e));
    } catch {
      continue; // Exited while we looked.
    }
  }
  return pids;
}

export async function startDaemon(t: TestContext, opts: DaemonOptions = {}): Promise<TestDaemon> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'godel-test-'));
  // Most tests run where the sandbox user can pass the directories above the state dir, as under /var/lib.
  if (!opts.closedDir) chmodSync(dir, 0o711);
  const d = new TestDaemon(dir, opts.config);
  if (opts.env) d.env = opts.env;
  const forget = lastResort((signal) => d.abandon(signal));
  t.teardown(async () => {
    await d.cleanup();
    forget();
  });
  await d.start();
  return d;
}

/** A config whose default template keeps `minIdle` warm (tests choose their own pool sizes). */
export function poolConfig(minIdle: number, maxTotal = 64, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { templates: { default: { pool: { min_idle: minIdle, max_total: maxTotal } }, ...extra } };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Runs a command in a sandbox and returns stdout as text, failing on a non-zero exit. */
export async function sh(client: GodelClient, id: string, script: string): Promise<string> {
  const r = await client.runCollect({ sandboxId: id, argv: ['/bin/sh', '-c', script] });
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** Expects a promise to fail with a given gRPC status and godel-error-code. */
export async function expectError(p: Promise<unknown>, code: string): Promise<GodelClientError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GodelClientError && err.code === code) return err;
    throw new Error(`expected ${code}, got ${err instanceof GodelClientError ? `${err.code}: ${err.message}` : String(err)}`);
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}
