// What a sandbox with an allow list has inside: the forwarder (native/godel-egress-forward.c) as its
// command, listening on loopback (and handing its listeners to the proxy), the directory with the proxy's sockets for it bound read-only, and
// the proxy variables in every command's environment.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HTTP_SOCKET, LISTENERS_SOCKET, SOCKS_SOCKET } from './protocol.js';

/** Loopback ports of the forwarder inside the sandbox (its own network namespace: no clash with anything). */
export const HTTP_PROXY_PORT = 3128;
export const SOCKS_PROXY_PORT = 1080;
/** Where the proxy's sockets appear inside. bwrap's root is its own tmpfs whatever the template's rootfs. */
export const SANDBOX_EGRESS_DIR = '/.godel/egress';
const SANDBOX_FORWARDER = '/.godel/egress-forward';
/** Built by scripts/build-native.sh into dist/native. */
export const FORWARDER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native', 'godel-egress-forward');

/** The environment every command of a sandbox with an allow list gets, in both spellings. */
export function proxyEnv(): Record<string, string> {
  const http = `http://127.0.0.1:${HTTP_PROXY_PORT}`;
  const vars: Record<string, string> = {
    HTTP_PROXY: http, HTTPS_PROXY: http, ALL_PROXY: `socks5h://127.0.0.1:${SOCKS_PROXY_PORT}`, NO_PROXY: 'localhost,127.0.0.1,::1',
  };
  return Object.fromEntries(Object.entries(vars).flatMap(([k, v]) => [[k, v], [k.toLowerCase(), v]]));
}

/** The descriptor bwrap gets the sandbox's proxy directory on (above the /etc files' numbers, below 64). */
export const EGRESS_DIR_FD = 60;

/**
 * The bwrap arguments, descriptors and command that put the forwarder in a sandbox whose proxy sockets are
 * in `socketDir`. That directory is the proxy's (its own user's), so it is bound from a descriptor the
 * launch helper opens with no symbolic link allowed on the way, not by path: a proxy that had been taken
 * over could otherwise swap it, between its creation and bwrap's mount, for a link to another sandbox's
 * workspace, which bwrap (as the sandbox user, who owns every workspace) would follow.
 */
export function forwarderLaunch(socketDir: string): { bwrapArgs: string[]; fds: Array<{ fd: number; dir: string }>; command: string[] } {
  return {
    bwrapArgs: ['--ro-bind-fd', String(EGRESS_DIR_FD), SANDBOX_EGRESS_DIR, '--ro-bind', FORWARDER, SANDBOX_FORWARDER],
    fds: [{ fd: EGRESS_DIR_FD, dir: socketDir }],
    // The proxy takes the listeners and accepts on them itself; the forwarder carries connections only
    // while no proxy holds them (one restarting, or one of a version before the hand-over).
    command: [
      SANDBOX_FORWARDER, `${HTTP_PROXY_PORT}=${SANDBOX_EGRESS_DIR}/${HTTP_SOCKET}`, `${SOCKS_PROXY_PORT}=${SANDBOX_EGRESS_DIR}/${SOCKS_SOCKET}`,
      '--hand-to', `${SANDBOX_EGRESS_DIR}/${LISTENERS_SOCKET}`,
    ],
  };
}
