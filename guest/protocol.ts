// The wire protocol between godeld and the guest agent of a microvm sandbox: one JSON object per line
// over one virtio-serial port, each naming the command (`id`) it belongs to; bytes travel base64.
// Shared by the agent (guest/agent.ts) and the host side (daemon/providers/microvm/agent-client.ts).

/** Host to guest. */
export type HostMessage =
  | { t: 'ping'; id: number }
  /** `flow`: the host asks for the credit-based flow control below (FLOW_WINDOW); an agent of version 1 ignores it. */
  | { t: 'exec'; id: number; argv: string[]; env: Record<string, string>; cwd: string; tty?: { cols: number; rows: number }; flow?: true }
  | { t: 'stdin'; id: number; data: string }
  /** The host's reader has taken `n` more bytes of the command's output (stdout and stderr together). */
  | { t: 'output-read'; id: number; n: number }
  | { t: 'close-stdin'; id: number }
  | { t: 'resize'; id: number; cols: number; rows: number }
  /** `group`: the command's whole process group, as the process provider's kill does. */
  | { t: 'signal'; id: number; signal: string; group: boolean }
  /** At handoff: the guest's clock is set to the host's, and the host's entropy is mixed into the guest's pool. */
  | { t: 'sync'; id: number; timeMs: number; entropy: string };

/** Guest to host. */
export type GuestMessage =
  | { t: 'pong'; id: number; kernel: string; agent: string }
  /** `flow`: the agent keeps to FLOW_WINDOW for this command, both ways. */
  | { t: 'started'; id: number; pid: number; flow?: true }
  /** `n` more bytes of the command's input have been written into it (to its pipe or pty). */
  | { t: 'stdin-written'; id: number; n: number }
  | { t: 'out'; id: number; stream: 'stdout' | 'stderr'; data: string }
  | { t: 'exited'; id: number; exitCode: number; signal: string }
  | { t: 'synced'; id: number }
  | { t: 'error'; id: number; message: string };

export const AGENT_PORT_NAME = 'godel.agent';
export const AGENT_VERSION = '2';

/**
 * Flow control of a command's bytes over the shared port, so that neither side buffers without bound
 * (a 1 GiB upload into a command that reads slowly, or the output of \`yes\` to a client that reads
 * slowly). Each side may have at most this many of a command's bytes sent and not yet acknowledged: the
 * host stops taking input from its writer, the agent stops reading the command's output (so the command
 * blocks on its pipe, as it would under the process provider). Acknowledgements are coalesced per turn
 * of the event loop: one small message for many chunks.
 */
export const FLOW_WINDOW = 4 * 1024 * 1024;

/**
 * Bytes counted per command and acknowledged in one message per command, just after the turn of the
 * event loop they were counted in (both ends' acks: the guest's stdin-written, the host's output-read).
 */
export class AckBatcher {
  private readonly counts = new Map<number, number>();

  constructor(private readonly send: (id: number, n: number) => void) {}

  add(id: number, n: number): void {
    if (this.counts.size === 0) {
      setImmediate(() => {
        for (const [cid, total] of this.counts) this.send(cid, total);
        this.counts.clear();
      });
    }
    this.counts.set(id, (this.counts.get(id) ?? 0) + n);
  }
}
