// One agent while it runs: its CLI's process in the sandbox, the stream of normalized events it makes
// (kept in memory while it runs, stored as it goes), the prompts given to it, and how it ended. The agent
// manager creates it, meters it (the gateway's calls) and decides its budget; this class owns the process.
import type { RunningCommand } from '../providers/provider.js';
import type { AgentEventRecord, AgentRecord } from '../store/store.js';
import { SCHEMA_VERSION } from '../store/store.js';
import type { AgentEvent, EndReason, EventParser, LaunchOptions, Runtime, Usage } from './types.js';

/** The stored form of an event: the normalized event, or one the daemon adds (the start, a follow-up prompt). */
export type StoredEvent =
  | AgentEvent
  | { type: 'started' }
  | { type: 'prompt'; text: string }
  | { type: 'notice'; text: string }
  | { type: 'usage'; usage: Usage; model: string; source: 'gateway' | 'cli'; raw?: string }
  /** The end as the manager makes it: with the number of model calls the gateway metered. */
  | { type: 'end'; reason: EndReason; exitCode: number; message: string; totals: Usage; requests: number };

/** A CLI's line longer than this is cut (a tool result holding a whole file), in the stored raw too. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;
const MAX_RAW_CHARS = 64 * 1024;
/** Events kept per agent; past this they are counted, not kept (a runaway CLI cannot fill the store). */
export const MAX_EVENTS = 100_000;
/** From SIGTERM to SIGKILL when an agent is stopped. */
const KILL_GRACE_MS = 3000;
/** After the last prompt is answered and stdin is closed, how long a CLI gets to exit by itself. */
const EXIT_GRACE_MS = 5000;
/** Stderr kept for the end message of a CLI that failed. */
const STDERR_TAIL_BYTES = 4096;

export interface AgentEnding {
  reason: EndReason;
  exitCode: number;
  message: string;
}

export class RunningAgent {
  /** Every event so far, in order (seq = index + 1). */
  readonly events: AgentEventRecord[] = [];
  /** Events not yet written to the store. */
  unsaved: AgentEventRecord[] = [];
  private readonly waiters = new Set<() => void>();
  private parser: EventParser | undefined;
  private command: RunningCommand | undefined;
  private stderrTail = '';
  /** Prompts written to the CLI, and answers (turn ends) it has given. */
  private promptsWritten = 0;
  private turnsEnded = 0;
  private stdinClosed = false;
  private waitTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  /** Set once: why the agent is being stopped from outside (abort, budget, its sandbox gone, the daemon stopping). */
  private stopping: AgentEnding | undefined;
  private dropped = 0;
  ended = false;
  /** Resolves with how the CLI ended (before the end event is made). */
  readonly exited: Promise<{ exitCode: number; signal: string; reported?: { reason: EndReason; message: string } }>;
  private resolveExited!: (r: { exitCode: number; signal: string; reported?: { reason: EndReason; message: string } }) => void;

  constructor(readonly rec: AgentRecord, readonly runtime: Runtime, private readonly waitMs: number, private readonly onChange: () => void) {
    this.exited = new Promise((resolve) => { this.resolveExited = resolve; });
  }

  get lastSeq(): number {
    return this.events.length ? this.events[this.events.length - 1]!.seq : this.rec.events;
  }

  /** Adds an event to the stream, wakes attached clients, and marks it for the store. */
  push(event: StoredEvent): void {
    if (this.events.length >= MAX_EVENTS) {
      this.dropped++;
      return;
    }
    const e: AgentEventRecord = { v: SCHEMA_VERSION, seq: this.lastSeq + 1, time: Date.now(), event };
    this.events.push(e);
    this.unsaved.push(e);
    this.rec.events = e.seq;
    this.wake();
    this.onChange();
  }

  /** Resolves on the next event or the end (for a client streaming the agent live). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  private wake(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }

  /** Runs the CLI: reads its output into events and gives it the first prompt. */
  attach(command: RunningCommand, prompt: string, launch: LaunchOptions): void {
    this.command = command;
    this.parser = this.runtime.parser(launch);
    command.stdin.on('error', () => undefined); // A CLI that exits without reading its stdin closes the pipe early.
    readLines(command.stdout, (line) => this.line(line), (this.runtime.ignoredLines ?? []).map((p) => Buffer.from(p)));
    command.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    const first = this.runtime.firstInput(prompt);
    this.promptsWritten = 1;
    command.stdin.write(first.data);
    if (first.closeStdin) this.closeStdin();
    void command.exited.then((r) => {
      clearTimeout(this.waitTimer);
      clearTimeout(this.killTimer);
      const { reported, events } = this.parser!.finish();
      for (const e of events) this.pushParsed(e);
      this.resolveExited({ ...r, ...(reported ? { reported } : {}) });
    });
  }

  /** A follow-up prompt: written at once (the CLIs queue prompts given while they work). */
  followUp(prompt: string): void {
    if (!this.command || this.stdinClosed || this.stopping) throw new Error('the agent is no longer taking prompts');
    clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    this.promptsWritten++;
    this.rec.prompts++;
    this.push({ type: 'prompt', text: prompt });
    this.command.stdin.write(this.runtime.followUp(prompt));
  }

  /** Whether Send may still reach the CLI. */
  takesFollowUps(): boolean {
    return !!this.command && !this.stdinClosed && !this.stopping && !this.ended;
  }

  /** Stops the CLI for `why` (the first reason given is the one it ends with). */
  stop(why: AgentEnding): void {
    if (this.ended) return;
    this.stopping ??= why;
    const c = this.command;
    if (!c) return;
    const abort = this.runtime.abortInput?.();
    if (abort && !this.stdinClosed) c.stdin.write(abort);
    this.closeStdin();
    c.kill('SIGTERM');
    this.killTimer ??= setTimeout(() => c.kill('SIGKILL'), KILL_GRACE_MS);
    this.killTimer.unref();
  }

  /** Why the agent was stopped from outside, if it was. */
  stoppedFor(): AgentEnding | undefined {
    return this.stopping;
  }

  stderr(): string {
    return this.stderrTail.trim();
  }

  droppedEvents(): number {
    return this.dropped;
  }

  finish(): void {
    this.ended = true;
    clearTimeout(this.waitTimer);
    clearTimeout(this.killTimer);
    this.wake();
  }

  private line(text: string): void {
    const parser = this.parser!;
    const wasIdle = parser.idle?.() ?? false;
    let parsed: AgentEvent[];
    try {
      parsed = parser.line(text);
    } catch {
      // A parser must not throw; if one does, the line is kept as it came and the agent goes on.
      parsed = [{ type: 'raw', raw: text }];
    }
    for (const e of parsed) this.pushParsed(e);
    // The CLI has answered the prompt it was working on (claude's result, pi's agent_end).
    if (!wasIdle && parser.idle?.()) this.pushParsed({ type: 'turn_end' });
  }

  private pushParsed(e: AgentEvent): void {
    const raw = 'raw' in e && typeof e.raw === 'string' && e.raw.length > MAX_RAW_CHARS ? `${e.raw.slice(0, MAX_RAW_CHARS)}…` : undefined;
    const event = raw ? { ...e, raw } : e;
    if (event.type === 'usage') this.push({ ...event, source: 'cli' });
    else this.push(event);
    if (event.type === 'turn_end') this.turnEnded();
  }

  /** Every prompt answered: wait for a follow-up as long as asked, then let the CLI end. */
  private turnEnded(): void {
    this.turnsEnded++;
    if (this.turnsEnded < this.promptsWritten || this.stdinClosed) return;
    if (this.waitMs <= 0) {
      this.endInput();
      return;
    }
    clearTimeout(this.waitTimer);
    this.waitTimer = setTimeout(() => this.endInput(), this.waitMs);
    this.waitTimer.unref();
  }

  /** No more prompts: the CLI's stdin is closed and it exits by itself, or is stopped after a grace period. */
  private endInput(): void {
    const c = this.command;
    if (!c || this.stdinClosed) return;
    this.closeStdin();
    this.killTimer ??= setTimeout(() => {
      c.kill('SIGTERM');
      this.killTimer = setTimeout(() => c.kill('SIGKILL'), KILL_GRACE_MS);
      this.killTimer.unref();
    }, EXIT_GRACE_MS);
    this.killTimer.unref();
  }

  private closeStdin(): void {
    if (this.stdinClosed) return;
    this.stdinClosed = true;
    this.command?.stdin.end();
  }
}

/**
 * Calls `onLine` for each newline-terminated line (and a last unterminated one), cutting overlong lines.
 * A line that starts with one of `ignore` is dropped as it streams by, never assembled or decoded: pi
 * repeats its whole message in a line per token (24.8 MB for a 2,000-token answer), and its parser drops
 * those lines anyway.
 */
export function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void, ignore: readonly Buffer[] = []): void {
  const decideAt = Math.max(0, ...ignore.map((p) => p.length));
  let parts: Buffer[] = [];
  let size = 0;
  let cut = false;
  let skip = false;
  let decided = ignore.length === 0;
  const decide = (): void => {
    decided = true;
    const head = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    skip = ignore.some((p) => head.length >= p.length && head.compare(p, 0, p.length, 0, p.length) === 0);
    if (skip) {
      parts = [];
      size = 0;
    }
  };
  const add = (piece: Buffer): void => {
    if (skip || cut || piece.length === 0) return;
    if (size + piece.length > MAX_LINE_BYTES) {
      parts.push(piece.subarray(0, MAX_LINE_BYTES - size));
      size = MAX_LINE_BYTES;
      cut = true;
    } else {
      parts.push(piece);
      size += piece.length;
    }
    if (!decided && size >= decideAt) decide();
  };
  const end = (): void => {
    if (!decided && parts.length) decide();
    if (!skip) onLine(Buffer.concat(parts).toString('utf8'));
    parts = [];
    size = 0;
    cut = false;
    skip = false;
    decided = ignore.length === 0;
  };
  stream.on('data', (chunk: Buffer) => {
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      add(chunk.subarray(start, i));
      end();
      start = i + 1;
    }
    if (start < chunk.length) add(chunk.subarray(start));
  });
  stream.on('end', () => {
    if (parts.length) end();
  });
}
