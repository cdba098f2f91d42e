// Where the daemon's socket lives when neither --socket nor GODEL_SOCKET says otherwise. The daemon and
// godelctl share this rule so that both find the same socket without flags.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const SYSTEM_SOCKET = '/run/godel/godeld.sock';

export function userSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const uid = process.getuid?.() ?? 0;
  if (uid === 0) return SYSTEM_SOCKET;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'godel', 'godeld.sock');
  return `/tmp/godel-${uid}/godeld.sock`;
}

/** The daemon binds here: the flag, then GODEL_SOCKET, then the per-user default. */
export function daemonSocketPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.GODEL_SOCKET || userSocketPath(env);
}

/** Clients connect here: like the daemon, but an unprivileged user without a daemon of its own reaches the system one. */
export function clientSocketPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return flag;
  if (env.GODEL_SOCKET) return env.GODEL_SOCKET;
  const own = userSocketPath(env);
  if (own !== SYSTEM_SOCKET && !existsSync(own) && existsSync(SYSTEM_SOCKET)) return SYSTEM_SOCKET;
  return own;
}
