// Writes to a virtio-serial port's descriptor, for the agent's channel (agent.ts) and the loopback ports
// (loopback-ports.ts). Plain fs.write on the descriptor, one write at a time and in order: Node's file
// streams close a descriptor they are done with, and the port may only be opened once. While no host is
// connected a write fails; what was queued for it is dropped, since the host that would have read it is gone.
import { write } from 'node:fs';

export class PortWriter {
  private readonly queue: Buffer[] = [];
  private writing = false;
  /** Bytes given to send() and not yet written. */
  queued = 0;

  /** `onProgress` runs after each send and each write: where a caller checks `queued` for flow control. */
  constructor(private readonly fd: number, private readonly onProgress: () => void = () => undefined) {}

  send(...chunks: Buffer[]): void {
    for (const c of chunks) {
      this.queue.push(c);
      this.queued += c.length;
    }
    this.onProgress();
    if (!this.writing) this.flush();
  }

  private flush(): void {
    const next = this.queue.shift();
    if (!next) {
      this.writing = false;
      return;
    }
    this.writing = true;
    write(this.fd, next, (err, n) => {
      if (err) {
        this.queue.length = 0;
        this.queued = 0;
      } else {
        this.queued -= n;
        if (n < next.length) this.queue.unshift(next.subarray(n));
      }
      this.onProgress();
      this.flush();
    });
  }
}
