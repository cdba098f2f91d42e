// A pseudo-terminal pair from a sandbox's own devpts (opened by the godel-unix addon), so that the
// terminal has a name inside the sandbox, /dev/pts/N, for `tty` and ttyname(3). The daemon keeps the
// master; the slave is handed to the command (godel-exec makes it the command's controlling terminal
// inside the sandbox). One owner: whoever opens a Pty closes it.
import { closeSync, write as fsWrite } from 'node:fs';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { ReadStream } from 'node:tty';
import { loadUnixAddon } from '../../ipc/unix-addon.js';

// node-pty's TIOCSWINSZ works on any master.
const native = (createRequire(import.meta.url)('node-pty') as { native: { resize(fd: number, cols: number, rows: number): void } }).native;

export const TERMINAL_LIMITS = { maxCols: 1000, maxRows: 1000 } as const;

/** Where a pty comes from: the devpts under a sandbox's root (/proc/PID/root), its slave owned by uid:gid. */
export interface PtyHome {
  root: string;
  uid: number;
  gid: number;
}

export class Pty {
  readonly master: number;
  /** The slave fd, until `releaseSlave` after it was given to the command. */
  private slave: number | undefined;
  /** Output of the command: everything it writes to the terminal. Ends when every holder of the slave is gone. */
  readonly output: ReadStream;
  /** Input to the command, as if typed. */
  readonly input: Writable;
  private closed = false;

  constructor(cols: number, rows: number, home: PtyHome) {
    const fds = loadUnixAddon().openPty(home.root, cols, rows, home.uid, home.gid);
    this.master = fds.master;
    this.slave = fds.slave;
    this.output = new ReadStream(this.master);
    // Reading the master once the slave side is closed fails with EIO: for a pty that is the end of output.
    this.output.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EIO') this.output.push(null);
      else this.output.destroy(err);
    });
    this.input = new MasterWriter(this.master);
  }

  get slaveFd(): number {
    if (this.slave === undefined) throw new Error('the pty slave was already released');
    return this.slave;
  }

  /** Closes the daemon's copy of the slave once the command holds it, so output ends when the command does. */
  releaseSlave(): void {
    if (this.slave !== undefined) closeSync(this.slave);
    this.slave = undefined;
  }

  resize(cols: number, rows: number): void {
    if (!this.closed) native.resize(this.master, cols, rows);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.releaseSlave();
    this.input.destroy();
    // Destroying the stream closes the master fd it owns.
    this.output.destroy();
  }
}

/** Writes to the non-blocking master fd, retrying when the terminal's input buffer is full (EAGAIN). */
class MasterWriter extends Writable {
  constructor(private readonly fd: number) {
    super({ highWaterMark: 64 * 1024 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (err?: Error | null) => void): void {
    const attempt = (offset: number): void => {
      fsWrite(this.fd, chunk, offset, chunk.length - offset, null, (err, written) => {
        if (err && (err as NodeJS.ErrnoException).code === 'EAGAIN') {
          setTimeout(() => attempt(offset), 5);
        } else if (err) {
          callback(err);
        } else if (offset + written < chunk.length) {
          attempt(offset + written);
        } else {
          callback();
        }
      });
    };
    attempt(0);
  }
}
