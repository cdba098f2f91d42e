// The wire protocol between godeld and the guest agent of a microvm sandbox: one JSON object per line
// over one virtio-serial port, each naming the command (`id`) it belongs to; bytes travel base64.
// Shared by the agent (guest/agent.ts) and the host side (daemon/providers/microvm/agent-client.ts).

/** Host to guest. */
export type HostMessage =
  | { t: 'ping'; id: number }
  | { t: 'exec'; id: number; argv: string[]; env: Record<string, string>; cwd: string; tty?: { cols: number; rows: number } }
  | { t: 'stdin'; id: number; data: string }
  | { t: 'close-stdin'; id: number }
  | { t: 'resize'; id: number; cols: number; rows: number }
  /** `group`: the command's whole process group, as the process provider's kill does. */
  | { t: 'signal'; id: number; signal: string; group: boolean }
  /** At handoff: the guest's clock is set to the host's, and the host's entropy is mixed into the guest's pool. */
  | { t: 'sync'; id: number; timeMs: number; entropy: string };

/** Guest to host. */
export type GuestMessage =
  | { t: 'pong'; id: number; kernel: string; agent: string }
  | { t: 'started'; id: number; pid: number }
  | { t: 'out'; id: number; stream: 'stdout' | 'stderr'; data: string }
  | { t: 'exited'; id: number; exitCode: number; signal: string }
  | { t: 'synced'; id: number }
  | { t: 'error'; id: number; message: string };

export const AGENT_PORT_NAME = 'godel.agent';
export const AGENT_VERSION = '1';
