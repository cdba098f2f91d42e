// What a process sandbox uses right now, measured on the host: the CPU its processes burn over a short
// window, their memory, and its workspace's disk. Its processes are those in its pid namespace (the
// init's, which commands join), found in /proc, so a sandbox without limits (and so without a cgroup) is
// measured too; one with a memory cgroup has its memory read from there, where shared pages count once.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, statfsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxUsage } from '../provider.js';

/** The window CPU use is averaged over: long enough for the 10 ms ticks to say something, short for a call. */
export const CPU_WINDOW_MS = 250;
/** /proc counts CPU time in USER_HZ ticks, which Linux fixes at 100 a second for userspace on every architecture. */
const TICKS_PER_SECOND = 100;
const DU_TIMEOUT_MS = 10_000;

/** The pids in the pid namespace of `initPid`. */
function namespacePids(initPid: number): number[] {
  let ns: string;
  try {
    ns = readlinkSync(`/proc/${initPid}/ns/pid`);
  } catch {
    return []; // The sandbox's init is gone, and its namespace with it.
  }
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/pid`) === ns) out.push(Number(entry));
    } catch {
      continue; // Exited while we looked.
    }
  }
  return out;
}

/** CPU ticks (user + system) per process, keyed by pid and start time so that a reused pid is another process. */
function cpuTicks(pids: number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(`${pid}:${f[19]}`, Number(f[11]) + Number(f[12]));
    } catch {
      continue; // Exited between the listing and the read: its last ticks are lost with it.
    }
  }
  return out;
}

/** Resident memory of the processes from /proc/PID/status: anonymous and shared-memory pages, and file pages (the cache). */
function residentMemory(pids: number[]): { used: number; cache: number } {
  let used = 0;
  let cache = 0;
  for (const pid of pids) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      continue; // Exited while we looked.
    }
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) * 1024;
    used += kb('RssAnon') + kb('RssShmem');
    cache += kb('RssFile');
  }
  return { used, cache };
}

/** Bytes the tree under `path` takes on disk, by du (one filesystem; hard links once), off the event loop. */
function diskUsed(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile('du', ['-sxB1', '--', path], { timeout: DU_TIMEOUT_MS }, (err, stdout) => {
      // du still totals what it could read when a file vanished under it (it exits 1 then).
      const n = Number(/^(\d+)\s/.exec(stdout)?.[1]);
      if (Number.isFinite(n)) resolve(n);
      else reject(err ?? new Error(`du printed no total for ${path}`));
    });
  });
}

/**
 * `workspace` is the sandbox's /workspace as the host reaches it; `ownFilesystem` says whether it is a
 * filesystem of its own (a disk limit), whose size is the sandbox's disk; otherwise the disk is what the
 * workspace takes plus what the host's filesystem has free. `cgroupMemory` reads the sandbox's memory
 * cgroup when it has one.
 */
export async function measure(initPid: number, workspace: string, ownFilesystem: boolean, cgroupMemory?: () => { used: number; cache: number } | undefined): Promise<SandboxUsage> {
  const started = Date.now();
  const before = cpuTicks(namespacePids(initPid));
  const disk = ownFilesystem ? undefined : diskUsed(workspace);
  await sleep(CPU_WINDOW_MS);
  const pids = namespacePids(initPid);
  const after = cpuTicks(pids);
  const elapsed = (Date.now() - started) / 1000;
  let ticks = 0;
  for (const [key, t] of after) ticks += Math.max(0, t - (before.get(key) ?? t));
  const memory = cgroupMemory?.() ?? residentMemory(pids);
  const fs = statfsSync(workspace);
  const free = fs.bavail * fs.bsize;
  const used = disk ? await disk : (fs.blocks - fs.bfree) * fs.bsize;
  return {
    cpuCores: ticks / TICKS_PER_SECOND / elapsed, memUsedBytes: memory.used, memCacheBytes: memory.cache,
    diskUsedBytes: used, diskTotalBytes: ownFilesystem ? fs.blocks * fs.bsize : used + free, at: Date.now(),
  };
}
