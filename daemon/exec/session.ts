// An interactive session: one command running in a sandbox, owned by the exec manager, with any number of
// attached clients. It keeps the recent output in a bounded ring (replayed on attach) and applies flow
// control per attached client: when one client has more than HIGH_WATERMARK bytes in flight, the
// command's output is paused (the command blocks on write) until that client is below LOW_WATERMARK.
// With nobody attached the output only goes to the ring, so a detached session never stalls.
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { GodelError, errorMessage } from '../errors.js';
import type { RunningCommand } from '../providers/provider.js';

export const RING_BYTES = 256 * 1024;
export const HIGH_WATERMARK = 1024 * 1024;
export const LOW_WATERMARK = 256 * 1024;

export type OutputKind = 'stdout' | 'stderr';

/** What a session sends to an attached client; `done` is called once the bytes have left the daemon. */
export interface Attachment {
  send(event: SessionEvent, done: () => void): void;
  /** The session ended: send nothing more. */
  end(): void;
}

export type SessionEvent =
  | { started: { pid: number; sessionId: string; tty: boolean } }
  | { stdout: Buffer }
  | { stderr: Buffer }
  | { exited: { exitCode: number; signal: string; timedOut: boolean } };

export interface SessionSpec {
  id: string;
  sandboxId: string;
  tag: string;
  argv: string[];
  tty: boolean;
  cols: number;
  rows: number;
}

/** The last `capacity` bytes of output, as the chunks they came in. */
class OutputRing {
  private chunks: Array<{ kind: OutputKind; data: Buffer }> = [];
  private size = 0;

  constructor(private readonly capacity: number) {}

  push(kind: OutputKind, data: Buffer): void {
    this.chunks.push({ kind, data });
    this.size += data.length;
    while (this.size > this.capacity) {
      const first = this.chunks[0]!;
      const excess = this.size - this.capacity;
      if (first.data.length <= excess) {
        this.chunks.shift();
        this.size -= first.data.length;
      } else {
        first.data = first.data.subarray(excess);
        this.size -= excess;
      }
    }
  }

  contents(): ReadonlyArray<{ kind: OutputKind; data: Buffer }> {
    return this.chunks;
  }
}

interface AttachmentState {
  inFlight: number;
  saturated: boolean;
  /** Events that came while the attachment waited for the command's pid (its `started` goes first). */
  held: Array<{ event: SessionEvent; done: () => void }> | undefined;
}

export class Session {
  readonly startedAt = Date.now();
  endedAt: number | undefined;
  exit: { exitCode: number; signal: string } | undefined;
  pid = 0;
  cols: number;
  rows: number;
  private readonly ring = new OutputRing(RING_BYTES);
  private readonly attachments = new Map<Attachment, AttachmentState>();
  private paused = false;
  /** Resolves when the process has exited and every attached client was told. */
  readonly done: Promise<void>;

  constructor(readonly spec: SessionSpec, private readonly command: RunningCommand) {
    this.cols = spec.cols;
    this.rows = spec.rows;
    // Writing to a process that has closed its stdin fails with EPIPE; the exit status tells the rest.
    command.stdin.on('error', () => undefined);
    this.forward(command.stdout, 'stdout');
    if (command.stderr) this.forward(command.stderr, 'stderr');
    void command.pid.then((pid) => { this.pid = pid; });
    // A provider that loses track of the command (a pod's exec stream cut before its exit status came)
    // rejects: the session ends with the reason in its output and no exit code (-1).
    const exited = command.exited.catch((err: unknown) => {
      const data = Buffer.from(`\r\ngodel: ${errorMessage(err)}\r\n`);
      const kind: OutputKind = command.stderr ? 'stderr' : 'stdout';
      this.ring.push(kind, data);
      for (const [a, state] of this.attachments) this.send(a, state, kind === 'stdout' ? { stdout: data } : { stderr: data });
      return { exitCode: -1, signal: '' };
    });
    this.done = exited.then((r) => {
      this.exit = r;
      this.endedAt = Date.now();
      for (const [a, state] of this.attachments) {
        if (state.held) {
          // Its attach is still waiting for the pid: the exit goes after everything held, and it ends the client.
          state.held.push({ event: { exited: { ...r, timedOut: false } }, done: () => undefined });
          continue;
        }
        a.send({ exited: { ...r, timedOut: false } }, () => undefined);
        a.end();
      }
      this.attachments.clear();
    });
  }

  get id(): string {
    return this.spec.id;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  get attachedCount(): number {
    return this.attachments.size;
  }

  /**
   * Adds a client: it gets `started`, the recent output unless `replay` is false, then live output.
   * The client is registered before this returns its promise, so no output falls between the replay and the
   * live stream however late the caller gets to read (a ring holds only the last RING_BYTES); what comes
   * while the pid is still unknown is held, and counts towards the client's flow control, until `started`
   * has gone.
   */
  attach(a: Attachment, replay: boolean): Promise<void> {
    const state: AttachmentState = { inFlight: 0, saturated: false, held: [] };
    // A copy of the chunks: the ring trims its first chunk in place as output comes.
    const backlog = replay ? this.ring.contents().map((c) => ({ ...c })) : [];
    const exitedAlready = this.exit !== undefined;
    if (!exitedAlready) this.attachments.set(a, state);
    return this.command.pid.then((pid) => {
      const held = state.held!;
      state.held = undefined;
      a.send({ started: { pid, sessionId: this.id, tty: this.spec.tty } }, () => undefined);
      for (const { kind, data } of backlog) this.send(a, state, kind === 'stdout' ? { stdout: data } : { stderr: data });
      for (const { event, done } of held) a.send(event, done);
      if (exitedAlready) a.send({ exited: { ...this.exit!, timedOut: false } }, () => undefined);
      if (exitedAlready || held.some(({ event }) => 'exited' in event)) a.end();
    });
  }

  /** Removes a client (it went away); the process carries on. */
  detach(a: Attachment): void {
    this.attachments.delete(a);
    this.updateFlow();
  }

  /**
   * Writes input. False when the command's stdin is full: a caller that can hold its client back waits
   * for drained() before writing more, so that input faster than the command reads is not buffered here
   * without bound.
   */
  write(data: Buffer): boolean {
    this.requireRunning();
    return this.command.stdin.write(data);
  }

  /** Resolves once the command's stdin has room again, or can take no more (closed, or the command ended). */
  drained(): Promise<void> {
    const stdin = this.command.stdin;
    if (!stdin.writableNeedDrain || stdin.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        stdin.off('drain', done).off('close', done).off('error', done);
        resolve();
      };
      stdin.on('drain', done).on('close', done).on('error', done);
      void this.command.exited.then(done, done);
    });
  }

  closeStdin(): void {
    this.requireRunning();
    if (this.spec.tty) {
      throw new GodelError('INVALID_ARGUMENT', 'a terminal has no stdin to close: send Ctrl-D (0x04) as input instead');
    }
    this.command.stdin.end();
  }

  resize(cols: number, rows: number): void {
    this.requireRunning();
    if (!this.spec.tty) throw new GodelError('INVALID_ARGUMENT', 'this session has no terminal to resize');
    this.cols = cols;
    this.rows = rows;
    this.command.resize(cols, rows);
  }

  signal(name: NodeJS.Signals): void {
    this.requireRunning();
    this.command.signal(name);
  }

  /** Kills the command with everything it started (a lifetime that ran out); a no-op once it has exited. */
  kill(): void {
    if (this.running) this.command.kill('SIGKILL');
  }

  private requireRunning(): void {
    if (!this.running) {
      throw new GodelError('SESSION_EXITED', `session ${this.id} has exited (${this.exit!.signal || `exit code ${this.exit!.exitCode}`})`);
    }
  }

  private forward(stream: Readable, kind: OutputKind): void {
    stream.on('data', (data: Buffer) => {
      this.ring.push(kind, data);
      for (const [a, state] of this.attachments) this.send(a, state, kind === 'stdout' ? { stdout: data } : { stderr: data });
    });
  }

  private send(a: Attachment, state: AttachmentState, event: SessionEvent): void {
    const bytes = 'stdout' in event ? event.stdout.length : 'stderr' in event ? event.stderr.length : 0;
    state.inFlight += bytes;
    if (state.inFlight > HIGH_WATERMARK) state.saturated = true;
    const done = (): void => {
      state.inFlight -= bytes;
      if (state.saturated && state.inFlight < LOW_WATERMARK) state.saturated = false;
      this.updateFlow();
    };
    if (state.held) state.held.push({ event, done });
    else a.send(event, done);
    this.updateFlow();
  }

  /** Output flows while no attached client is saturated. */
  private updateFlow(): void {
    const pause = [...this.attachments.values()].some((s) => s.saturated);
    if (pause === this.paused) return;
    this.paused = pause;
    for (const s of [this.command.stdout, this.command.stderr]) {
      if (!s) continue;
      if (pause) s.pause();
      else s.resume();
    }
  }
}

/** Accepts "SIGTERM" or "TERM" (any case); returns the canonical name or throws INVALID_SIGNAL. */
export function parseSignal(name: string): NodeJS.Signals {
  const upper = name.toUpperCase();
  const full = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  if (!Object.prototype.hasOwnProperty.call(constants.signals, full)) {
    throw new GodelError('INVALID_SIGNAL', `"${name}" is not a signal name (for example SIGTERM, SIGINT, SIGHUP, SIGUSR1)`);
  }
  return full as NodeJS.Signals;
}
