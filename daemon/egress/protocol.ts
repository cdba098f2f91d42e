// What the daemon and its egress proxy process say to each other over the proxy's control socket: JSON
// lines, requests with an id from the daemon, replies, connection records and drop counts from the proxy.
import { join } from 'node:path';
import type { NetworkPolicy } from './policy.js';
import type { ConnectionRecord, ProxySettings } from './proxy.js';

export const CONTROL_SOCKET = 'control.sock';
/**
 * A sandbox's sockets in its directory: the HTTP proxy, SOCKS5, where a microvm's QEMU connects its egress
 * port, and where a process sandbox's forwarder hands over its listening sockets.
 */
export const HTTP_SOCKET = 'http.sock';
export const SOCKS_SOCKET = 'socks.sock';
export const VM_SOCKET = 'vm.sock';
/** Where a process sandbox's forwarder hands over its loopback listening sockets (godel-egress-forward --hand-to). */
export const LISTENERS_SOCKET = 'listeners.sock';

export type ControlRequest =
  | { id: number; op: 'configure'; settings: ProxySettings }
  | { id: number; op: 'register'; sandbox: string; policy: NetworkPolicy }
  | { id: number; op: 'unregister'; sandbox: string }
  | { id: number; op: 'sync'; sandboxes: string[] };

export type ControlMessage =
  | { reply: number; error?: string }
  | { record: ConnectionRecord }
  | { dropped: number };

export function sandboxSocketDir(dir: string, sandboxId: string): string {
  return join(dir, 'sandboxes', sandboxId);
}

