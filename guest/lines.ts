// Newline-delimited messages out of a byte stream, for the agent's channel on both of its ends (the guest
// agent and the daemon's agent client). Only each new chunk is searched for the newline, and a line is
// decoded once it is whole: the channel carries file contents as lines of a megabyte or more, which arrive
// in reads of a few KiB, and searching the whole partial line on every read made an upload into a guest
// quadratic in its chunk size (3 MiB took 9 s under TCG). Decoding whole lines also keeps a UTF-8
// character that a read cut in two from turning into replacement characters.
export class LineReader {
  private pending: Buffer[] = [];

  /** Calls `onLine` with each complete line in `chunk` (and what came before it), without its newline. */
  push(chunk: Buffer, onLine: (line: string) => void): void {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(0x0a, start)) >= 0) {
      const tail = chunk.subarray(start, nl);
      const line = this.pending.length ? Buffer.concat([...this.pending, tail]) : tail;
      this.pending = [];
      start = nl + 1;
      onLine(line.toString('utf8'));
    }
    // The chunk is copied only when a part of it has to wait: the caller may reuse its buffer.
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
  }

  /** Drops a partial line (its sender went away; the next one starts afresh). */
  reset(): void {
    this.pending = [];
  }
}
