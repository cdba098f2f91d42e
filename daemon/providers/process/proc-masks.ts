// What of /proc and /sys a process sandbox does not see, as Docker leaves them to a container. bwrap
// itself makes /proc/sys, /proc/sysrq-trigger, /proc/irq and /proc/bus read-only when it mounts /proc.
import { existsSync, statSync } from 'node:fs';

/**
 * Files that reveal the host's kernel memory, keys, timers, scheduler or interrupt counts (a timing side
 * channel): /dev/null stands in for each, so reading one finds it empty, as in a Docker container.
 */
export const MASKED_PROC_FILES = ['kcore', 'keys', 'key-users', 'timer_list', 'timer_stats', 'sched_debug', 'latency_stats', 'interrupts', 'softirqs'];
/** Directories of host hardware (ACPI, sound, SCSI): an empty read-only directory stands in for each. */
export const MASKED_PROC_DIRS = ['acpi', 'asound', 'scsi'];
/** Under a /sys a template binds: firmware tables and power capping are the host's. */
export const MASKED_SYS_DIRS = ['firmware', 'devices/virtual/powercap'];

/**
 * bwrap arguments that mask them, after `--proc /proc` (and the template's /sys bind, when `sys` is set).
 * What this kernel lacks is skipped: masking needs something to mount over.
 */
export function procMaskArgs(sys: boolean, hostProc = '/proc', hostSys = '/sys'): string[] {
  const args: string[] = [];
  for (const f of MASKED_PROC_FILES) if (existsSync(`${hostProc}/${f}`)) args.push('--dev-bind', '/dev/null', `/proc/${f}`);
  for (const d of MASKED_PROC_DIRS) if (isDir(`${hostProc}/${d}`)) args.push('--tmpfs', `/proc/${d}`, '--remount-ro', `/proc/${d}`);
  if (sys) for (const d of MASKED_SYS_DIRS) if (isDir(`${hostSys}/${d}`)) args.push('--tmpfs', `/sys/${d}`, '--remount-ro', `/sys/${d}`);
  return args;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
