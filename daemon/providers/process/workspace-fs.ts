// A workspace with a disk quota: an ext4 filesystem in a sparse image file of the quota's size, loop-
// mounted on the sandbox's workspace directory. Portable where project quotas are not (they need a
// filesystem mounted with prjquota), and a full workspace is the sandbox's problem alone: ENOSPC inside,
// the host's disk untouched beyond the quota.
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, rmdirSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { GodelError } from '../../errors.js';

const IMAGE = 'workspace.img';

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    p.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('error', (err) => reject(new GodelError('LIMITS_UNAVAILABLE', `cannot run ${cmd} for the workspace's disk quota: ${err.message}`)));
    p.on('close', (code) => (code === 0 ? resolve() : reject(new GodelError('PROVIDER_FAILED', `${cmd} failed: ${stderr.trim()}`))));
  });
}

/** Whether the sandbox in `sandboxDir` has a workspace filesystem of its own (a disk limit). */
export function hasWorkspaceFs(sandboxDir: string): boolean {
  return existsSync(join(sandboxDir, IMAGE));
}

/** Whether `path` is a mount point in this process's mount namespace. */
export function isMounted(path: string): boolean {
  // Fields: id parent major:minor root mountpoint ...; octal escapes for spaces and the like.
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => unescape(l.split(' ')[4] ?? '') === path);
}

/** Makes `workspace` (an empty directory) a filesystem of `bytes`, owned by uid:gid, mode 0700. */
export async function mountWorkspaceFs(sandboxDir: string, workspace: string, bytes: number, uid: number, gid: number): Promise<void> {
  if (process.getuid?.() !== 0) throw new GodelError('LIMITS_UNAVAILABLE', 'a workspace disk limit needs godeld to run as root (it loop-mounts a filesystem)');
  const image = join(sandboxDir, IMAGE);
  const fd = openSync(image, 'wx', 0o600);
  try {
    ftruncateSync(fd, bytes); // Sparse: the host's disk is used only as the sandbox writes.
  } finally {
    closeSync(fd);
  }
  await run('mkfs.ext4', ['-q', '-F', '-m', '0', '-E', `root_owner=${uid}:${gid},lazy_itable_init=1,lazy_journal_init=1`, image]);
  await run('mount', ['-o', 'loop,nodev,nosuid,noatime', image, workspace]);
  chmodSync(workspace, 0o700);
  rmdirSync(join(workspace, 'lost+found'));
}

/** Unmounts the workspace filesystem, if this sandbox has one mounted here. The image goes with the sandbox's directory. */
export async function unmountWorkspaceFs(sandboxDir: string, workspace: string): Promise<void> {
  if (!existsSync(join(sandboxDir, IMAGE)) || !isMounted(workspace)) return;
  await run('umount', [workspace]).catch((err: Error) => {
    // A file of the workspace lent to a client (Files.Open) and still open there, or any host process
    // with a file open in it, keeps the filesystem busy. Detached now, it is freed (with its loop device)
    // by the kernel when the last such file is closed.
    if (!/busy/i.test(err.message)) throw err;
    return run('umount', ['--lazy', workspace]);
  });
}
