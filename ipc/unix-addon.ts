// The godel-unix addon (ipc/native/godel-unix.c, built into dist/native by `npm run build`): the
// Unix calls Node has no API for. The daemon needs it (client credentials, lending files);
// a client uses it only to receive lent files, and does without it by streaming.
import { loadNativeAddon, nativeAddonBuilt } from './native-addon.js';

export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
  groups: number[];
}

export interface UnixAddon {
  /** SO_PEERCRED and SO_PEERGROUPS of a connected Unix socket. */
  peerCredentials(socketFd: number): PeerCredentials;
  /** Sends `message` on a connected socket with `fd` attached (SCM_RIGHTS). */
  sendDescriptor(socketFd: number, fd: number, message: string): void;
  /** Connects to `socketPath`, sends `request`, and resolves with the reply line and the descriptor attached to it (-1: none). */
  receiveDescriptor(socketPath: string, request: string, timeoutMs: number): Promise<{ fd: number; reply: string }>;
  /**
   * The listening sockets a sandbox's egress forwarder hands over on the accepted connection `socketFd`
   * (which Node must not read: paused from its connect), and the line naming them; each is checked to be
   * a listening TCP socket. One non-blocking read: null while nothing has arrived; throws on anything else.
   */
  receiveListeners(socketFd: number): { fds: number[]; line: string } | null;
  /**
   * A pty from the devpts of the root at `rootPath` (a sandbox's /proc/PID/root), its slave owned by
   * uid:gid; `name` is the slave's path under that root.
   */
  openPty(rootPath: string, cols: number, rows: number, uid: number, gid: number): { master: number; slave: number; name: string };
}

const ADDON = 'godel-unix.node';

export function loadUnixAddon(): UnixAddon {
  return loadNativeAddon<UnixAddon>(ADDON);
}

/** The addon, or undefined where it was not built (a client then streams instead of borrowing files). */
export function unixAddonIfBuilt(): UnixAddon | undefined {
  return nativeAddonBuilt(ADDON) ? loadUnixAddon() : undefined;
}
