// Small readers of /proc used to find and recognise sandbox processes. A pid alone is not an identity
// (pids are reused), so a sandbox is recognised by its pid together with the process start time.
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), undefined if it is gone. */
export function readStartTime(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // No such process.
  }
  // The command name (field 2) is in parentheses and may hold spaces; fields after it are plain.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return Number(fields[19]);
}

/**
 * Waits for a killed process to be gone (`startTime`: only this incarnation of the pid), checking less
 * often the longer it takes: it usually goes within milliseconds, every check is a read of /proc on the
 * event loop, and a mass delete must not turn into thousands of them a second. False on timeout.
 */
export async function waitForExit(pid: number, startTime: number | undefined, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 100)) {
    const now = readStartTime(pid);
    if (now === undefined || (startTime !== undefined && now !== startTime)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(delay);
  }
}

export function readChildren(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return []; // The process is gone, so it has no children.
  }
}

export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  const dirs = [...path.split(':').filter(Boolean), '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue; // Not in this directory.
    }
  }
  return undefined;
}
