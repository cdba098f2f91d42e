// Resource limits of process sandboxes: one cgroup per sandbox, with its memory (swap included), CPU
// and pids limits, on cgroup v2 (the unified hierarchy of most hosts) or v1 (one hierarchy per
// controller, as on hybrid hosts like this one). Every process of the sandbox is born in it: bwrap is
// started by godel-exec after it joined, and commands join before they enter the namespaces. The cgroup
// counts its out-of-memory kills and refused forks, which `events()` reports.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResourceLimits } from '../../config/config.js';
import { GodelError } from '../../errors.js';

const ROOT = '/sys/fs/cgroup';
const V1_CONTROLLERS = ['memory', 'cpu', 'pids'] as const;
const CPU_PERIOD_US = 100_000;

export interface CgroupCounters {
  /** Processes the kernel's OOM killer killed inside the sandbox. */
  oomKills: number;
  /** Forks refused because the sandbox reached its pids limit. */
  pidsLimitHits: number;
}

type Layout =
  | { kind: 'v2'; base: string }
  | { kind: 'v1'; bases: Record<(typeof V1_CONTROLLERS)[number], string> };

/** This process's cgroup v2 path ("0::/path" in /proc/self/cgroup). */
function ownV2Path(): string {
  const line = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'));
  return line ? line.slice(3) : '/';
}

function readCounter(file: string, key: string): number {
  try {
    const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // The cgroup went away with its sandbox.
  }
}

/**
 * Removes a cgroup directory once its processes are gone: a killed process leaves its cgroup only
 * when it has been reaped, a moment after the kill. Gone already is fine.
 */
export async function removeCgroup(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || attempt >= 200) throw err;
      await sleep(10);
    }
  }
}

export class Cgroups {
  private readonly layout: Layout | undefined;
  /** Why limits cannot be enforced on this host, when they cannot. */
  readonly unavailable: string | undefined;

  /** `scope` keeps the cgroups of daemons with different state dirs apart on one host. */
  constructor(scope: string) {
    const name = `godel-${createHash('sha256').update(scope).digest('hex').slice(0, 12)}`;
    const isRoot = process.getuid?.() === 0;
    if (existsSync(join(ROOT, 'cgroup.controllers'))) {
      // Pure v2. Under systemd with Delegate=yes the daemon owns its service's cgroup; elsewhere (a
      // container, a shell) its own cgroup is where it may create children.
      const own = join(ROOT, ownV2Path());
      const available = readFileSync(join(own, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
      const missing = ['memory', 'pids', 'cpu'].filter((c) => !available.includes(c));
      if (missing.length) {
        this.unavailable = `cgroup v2 controllers ${missing.join(', ')} are not delegated to godeld's cgroup ${own} (run it under systemd with Delegate=yes)`;
        return;
      }
      this.layout = { kind: 'v2', base: join(own, name) };
      this.unavailable = isRoot || own !== ROOT ? undefined : 'godeld cannot write the cgroup hierarchy as a non-root user';
      return;
    }
    const missing = V1_CONTROLLERS.filter((c) => !existsSync(join(ROOT, c, 'cgroup.procs')));
    if (missing.length) {
      this.unavailable = `neither cgroup v2 nor the cgroup v1 controllers ${missing.join(', ')} are mounted under ${ROOT}`;
      return;
    }
    if (!isRoot) {
      this.unavailable = 'cgroup v1 limits need godeld to run as root';
      return;
    }
    this.layout = { kind: 'v1', bases: { memory: join(ROOT, 'memory', name), cpu: join(ROOT, 'cpu', name), pids: join(ROOT, 'pids', name) } };
  }

  get version(): 'v1' | 'v2' | undefined {
    return this.layout?.kind;
  }

  /** The cgroup v2 directory of a sandbox (where cgroup.freeze lives), when this host is pure v2. */
  v2Dir(id: string): string | undefined {
    return this.layout?.kind === 'v2' ? join(this.layout.base, id) : undefined;
  }

  /**
   * Creates the sandbox's cgroups with its limits and returns the cgroup.procs files a process writes
   * itself into to join them. Fails with LIMITS_UNAVAILABLE when the host cannot enforce them.
   */
  create(id: string, limits: ResourceLimits): string[] {
    const l = this.layout;
    if (!l || this.unavailable) throw new GodelError('LIMITS_UNAVAILABLE', `the template sets resource limits but this host cannot enforce them: ${this.unavailable}`);
    if (l.kind === 'v2') {
      this.prepareV2Base(l.base);
      const dir = join(l.base, id);
      mkdirSync(dir, { recursive: true });
      if (limits.memoryBytes) {
        writeFileSync(join(dir, 'memory.max'), String(limits.memoryBytes));
        if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
      }
      if (limits.cpus) writeFileSync(join(dir, 'cpu.max'), `${Math.round(limits.cpus * CPU_PERIOD_US)} ${CPU_PERIOD_US}`);
      if (limits.pids) writeFileSync(join(dir, 'pids.max'), String(limits.pids));
      return [join(dir, 'cgroup.procs')];
    }
    const dirs = { memory: join(l.bases.memory, id), cpu: join(l.bases.cpu, id), pids: join(l.bases.pids, id) };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    if (limits.memoryBytes) {
      writeFileSync(join(dirs.memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      // memsw (memory + swap) may only be set once the memory limit is; equal means no swap at all.
      if (existsSync(join(dirs.memory, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(dirs.memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes));
    }
    if (limits.cpus) {
      writeFileSync(join(dirs.cpu, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
      writeFileSync(join(dirs.cpu, 'cpu.cfs_quota_us'), String(Math.round(limits.cpus * CPU_PERIOD_US)));
    }
    if (limits.pids) writeFileSync(join(dirs.pids, 'pids.max'), String(limits.pids));
    return Object.values(dirs).map((d) => join(d, 'cgroup.procs'));
  }

  /** The cgroup.procs files of an existing sandbox cgroup (empty when it has none). */
  procsFiles(id: string): string[] {
    const l = this.layout;
    if (!l) return [];
    const dirs = l.kind === 'v2' ? [join(l.base, id)] : V1_CONTROLLERS.map((c) => join(l.bases[c], id));
    return dirs.filter((d) => existsSync(d)).map((d) => join(d, 'cgroup.procs'));
  }

  counters(id: string): CgroupCounters {
    const l = this.layout;
    if (!l) return { oomKills: 0, pidsLimitHits: 0 };
    if (l.kind === 'v2') {
      const dir = join(l.base, id);
      return { oomKills: readCounter(join(dir, 'memory.events'), 'oom_kill'), pidsLimitHits: readCounter(join(dir, 'pids.events'), 'max') };
    }
    return {
      oomKills: readCounter(join(l.bases.memory, id, 'memory.oom_control'), 'oom_kill'),
      pidsLimitHits: readCounter(join(l.bases.pids, id, 'pids.events'), 'max'),
    };
  }

  /**
   * The sandbox's memory as its memory cgroup counts it (shared pages once): anonymous memory and the page
   * cache. Undefined when it has no memory cgroup (no limits) or it is gone.
   */
  memory(id: string): { used: number; cache: number } | undefined {
    const l = this.layout;
    if (!l) return undefined;
    const file = l.kind === 'v2' ? join(l.base, id, 'memory.stat') : join(l.bases.memory, id, 'memory.stat');
    if (!existsSync(file)) return undefined;
    // v2 names them anon (with shmem inside) and file; v1 rss, shmem and cache (which includes shmem).
    if (l.kind === 'v2') return { used: readCounter(file, 'anon'), cache: readCounter(file, 'file') - readCounter(file, 'shmem') };
    const shmem = readCounter(file, 'shmem');
    return { used: readCounter(file, 'rss') + shmem, cache: readCounter(file, 'cache') - shmem };
  }

  /** Ids of the sandboxes that have a cgroup here. */
  list(): string[] {
    const l = this.layout;
    if (!l) return [];
    const base = l.kind === 'v2' ? l.base : l.bases.pids;
    try {
      return readdirSync(base, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return [];
    }
  }

  /** Removes the sandbox's cgroups once its processes are gone (they may take a moment to be reaped). */
  async remove(id: string): Promise<void> {
    const l = this.layout;
    if (!l) return;
    const dirs = l.kind === 'v2' ? [join(l.base, id)] : V1_CONTROLLERS.map((c) => join(l.bases[c], id));
    for (const dir of dirs) await removeCgroup(dir);
  }

  /**
   * cgroup v2 allows processes only in leaves once controllers are enabled below a cgroup: the daemon
   * moves itself into a leaf of its own cgroup, then enables the controllers for the sandboxes' parent.
   */
  private prepareV2Base(base: string): void {
    if (existsSync(join(base, 'cgroup.subtree_control')) && /\bmemory\b/.test(readFileSync(join(base, 'cgroup.subtree_control'), 'utf8'))) return;
    const own = join(base, '..');
    if (own !== ROOT && readFileSync(join(own, 'cgroup.procs'), 'utf8').trim()) {
      const leaf = join(own, 'godeld');
      mkdirSync(leaf, { recursive: true });
      for (const pid of readFileSync(join(own, 'cgroup.procs'), 'utf8').trim().split('\n')) {
        try {
          writeFileSync(join(leaf, 'cgroup.procs'), pid);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
        }
      }
    }
    writeFileSync(join(own, 'cgroup.subtree_control'), '+memory +pids +cpu');
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, 'cgroup.subtree_control'), '+memory +pids +cpu');
  }
}
