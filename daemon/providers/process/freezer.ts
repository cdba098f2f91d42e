// Freezes every process of a process sandbox for the instant of a snapshot. The cgroup freezer does it
// invisibly to the processes (a shell does not see its job "Stopped", unlike SIGSTOP): cgroup v1's
// freezer controller where it is mounted (hybrid hosts like this one), else cgroup v2's cgroup.freeze.
// The sandbox's processes are moved into a freezer cgroup of their own, found by their pid namespace.
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GodelError } from '../../errors.js';
import { removeCgroup } from './cgroups.js';

const V1_ROOT = '/sys/fs/cgroup/freezer';
const V2_ROOT = '/sys/fs/cgroup';
const GROUP = 'godel-freeze';
const FREEZE_TIMEOUT_MS = 5000;

type Flavor = { kind: 'v1'; dir: string } | { kind: 'v2'; dir: string };

function flavor(): Flavor | undefined {
  if (existsSync(join(V1_ROOT, 'cgroup.procs'))) return { kind: 'v1', dir: join(V1_ROOT, GROUP) };
  if (existsSync(join(V2_ROOT, 'cgroup.controllers')) && existsSync(join(V2_ROOT, 'cgroup.procs'))) return { kind: 'v2', dir: join(V2_ROOT, GROUP) };
  return undefined;
}

/** Host pids of every process in the pid namespace of `initPid`. */
function processesOf(initPid: number): number[] {
  let ns: string;
  try {
    ns = readlinkSync(`/proc/${initPid}/ns/pid`);
  } catch {
    return []; // The sandbox is gone.
  }
  const pids: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readlinkSync(`/proc/${e}/ns/pid`) === ns) pids.push(Number(e));
    } catch {
      continue; // Exited, or a kernel thread.
    }
  }
  return pids;
}

export class Freezer {
  private readonly flavor = flavor();

  /**
   * `limitsDir`: the sandbox's own cgroup v2 directory when it has one. On a v2 host there is one
   * hierarchy, so a limited sandbox is frozen where it is: moving it to a freezer cgroup would take it
   * out of its limits.
   */
  constructor(private readonly limitsDir: (id: string) => string | undefined = () => undefined) {}

  private dirOf(f: Flavor, id: string): { dir: string; own: boolean } {
    const own = f.kind === 'v2' ? this.limitsDir(id) : undefined;
    return own && existsSync(own) ? { dir: own, own: true } : { dir: join(f.dir, id), own: false };
  }

  available(): boolean {
    return this.flavor !== undefined;
  }

  /** Freezes the sandbox, runs `fn`, and thaws it whatever happens. Returns fn's result and the frozen time. */
  async frozen<T>(id: string, initPid: number, fn: () => Promise<T>): Promise<{ value: T; frozenMs: number }> {
    const f = this.flavor;
    if (!f) throw new GodelError('NOT_SUPPORTED', 'no cgroup freezer on this host (neither cgroup v1 freezer nor cgroup v2)');
    const { dir, own } = this.dirOf(f, id);
    mkdirSync(dir, { recursive: true });
    const started = process.hrtime.bigint();
    try {
      if (!own) this.join(dir, initPid);
      writeFileSync(join(dir, f.kind === 'v1' ? 'freezer.state' : 'cgroup.freeze'), f.kind === 'v1' ? 'FROZEN' : '1');
      // A process started in the sandbox while we moved the others lands here now, and is frozen on arrival.
      if (!own) this.join(dir, initPid);
      await this.waitFrozen(f, dir);
      const value = await fn();
      return { value, frozenMs: Number(process.hrtime.bigint() - started) / 1e6 };
    } finally {
      writeFileSync(join(dir, f.kind === 'v1' ? 'freezer.state' : 'cgroup.freeze'), f.kind === 'v1' ? 'THAWED' : '0');
    }
  }

  /**
   * Thaws every sandbox this freezer holds: a daemon that died during a snapshot leaves its sandbox
   * frozen, where even SIGKILL waits. Run at start, and before killing a sandbox.
   */
  thawAll(): void {
    if (!this.flavor || !existsSync(this.flavor.dir)) return;
    for (const id of readdirSync(this.flavor.dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) this.thaw(id);
  }

  thaw(id: string): void {
    const f = this.flavor;
    if (!f) return;
    try {
      writeFileSync(join(this.dirOf(f, id).dir, f.kind === 'v1' ? 'freezer.state' : 'cgroup.freeze'), f.kind === 'v1' ? 'THAWED' : '0');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** Removes the sandbox's freezer cgroup once its processes are gone (they may take a moment to exit). */
  async remove(id: string): Promise<void> {
    if (this.flavor) await removeCgroup(join(this.flavor.dir, id));
  }

  private join(dir: string, initPid: number): void {
    for (const pid of processesOf(initPid)) {
      try {
        writeFileSync(join(dir, 'cgroup.procs'), String(pid));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
  }

  private async waitFrozen(f: Flavor, dir: string): Promise<void> {
    const deadline = Date.now() + FREEZE_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const frozen = f.kind === 'v1'
        ? readFileSync(join(dir, 'freezer.state'), 'utf8').trim() === 'FROZEN'
        : /^frozen 1$/m.test(readFileSync(join(dir, 'cgroup.events'), 'utf8'));
      if (frozen) return;
      await sleep(1);
    }
    throw new GodelError('PROVIDER_FAILED', 'the sandbox did not freeze in time for the snapshot');
  }
}
