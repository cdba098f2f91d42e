// The daemon's Unix socket: refuse to start when a live daemon already serves the path, remove a stale
// socket left by a dead one, and give the socket mode 0660 and the configured group.
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';

export class SocketInUseError extends Error {}

function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(path);
    const done = (ok: boolean): void => { sock.destroy(); resolve(ok); };
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
    sock.setTimeout(1000, () => done(false));
  });
}

/** Makes the socket's directory and clears a stale socket; fails if a live daemon answers there. */
export async function prepareSocketPath(path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new SocketInUseError(`${path} exists and is not a socket; remove it or choose another --socket`);
  if (await canConnect(path)) {
    throw new SocketInUseError(`another godeld is already serving ${path}; stop it first or choose another --socket`);
  }
  unlinkSync(path); // Left behind by a daemon that died: nobody answers on it.
}

/** Mode 0660 and the group (when it exists on this host) so that its members can use godelctl. */
export function restrictSocket(path: string, group: string): { gid?: number } {
  chmodSync(path, 0o660);
  const gid = groupId(group);
  if (gid !== undefined && process.getuid?.() === 0) {
    chownSync(path, 0, gid);
    chownSync(dirname(path), 0, gid);
  }
  return { gid };
}

export function groupId(name: string): number | undefined {
  try {
    const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[0] === name);
    return line ? Number(line.split(':')[2]) : undefined;
  } catch {
    return undefined; // No /etc/group: the socket keeps the daemon's group.
  }
}
