// The guest agent of a microvm sandbox: runs inside the VM (as root, started by the guest's init) and
// does what godel-exec does for a process sandbox: runs commands as the sandbox user (uid 1000) in
// /workspace, with pipes or a pty (node-pty), and reports their output and exit. It speaks the protocol
// in guest/protocol.ts over the virtio-serial port /dev/virtio-ports/godel.agent, and survives the
// host side going away (a daemon restart): it reopens the port and carries on.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, read, readFileSync, readdirSync } from 'node:fs';
import { constants, release } from 'node:os';
import { createRequire } from 'node:module';
import { LineReader } from './lines.js';
import { PortWriter } from './port-writer.js';
import { AGENT_PORT_NAME, AGENT_VERSION, AckBatcher, FLOW_WINDOW, type GuestMessage, type HostMessage } from './protocol.js';
import { serveLoopbackPorts } from './loopback-ports.js';
import { EGRESS_PORTS, EGRESS_PORT_NAME, GATEWAY_PORTS, GATEWAY_PORT_NAME } from './port-mux.js';

/** The agent's port, found by name: without udev there is no /dev/virtio-ports/ symlink. */
function portPath(): string {
  for (const dev of readdirSync('/sys/class/virtio-ports')) {
    if (readFileSync(`/sys/class/virtio-ports/${dev}/name`, 'utf8').trim() === AGENT_PORT_NAME) return `/dev/${dev}`;
  }
  throw new Error(`no virtio-serial port named ${AGENT_PORT_NAME}`);
}
const SANDBOX_UID = 1000;
const SANDBOX_GID = 1000;

interface PtyLike {
  pid: number;
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
  pause(): void;
  resume(): void;
  onData(fn: (d: string) => void): void;
  onExit(fn: (e: { exitCode: number; signal?: number }) => void): void;
}
const pty = createRequire(import.meta.url)('node-pty') as { spawn(file: string, args: string[], opts: Record<string, unknown>): PtyLike };

interface Command {
  child?: ChildProcess;
  term?: PtyLike;
  /** Whether the host keeps to FLOW_WINDOW for this command (it asked in its exec). */
  flow: boolean;
  /** Output sent to the host that its reader has not taken yet. */
  unread: number;
  /** Whether the command's output is paused because `unread` reached the window. */
  paused: boolean;
}

const commands = new Map<number, Command>();
let out: ((line: string) => void) | undefined;

function send(m: GuestMessage): void {
  out?.(`${JSON.stringify(m)}\n`);
}

function signalName(n: number | undefined): string {
  if (!n) return '';
  return Object.entries(constants.signals).find(([, v]) => v === n)?.[0] ?? `SIG${n}`;
}

/** Sends a command's output; past the window, stops reading more of it until the host catches up. */
function output(id: number, c: Command, stream: 'stdout' | 'stderr', d: Buffer): void {
  send({ t: 'out', id, stream, data: d.toString('base64') });
  if (!c.flow) return;
  c.unread += d.length;
  if (c.unread < FLOW_WINDOW || c.paused) return;
  c.paused = true;
  c.term?.pause();
  c.child?.stdout?.pause();
  c.child?.stderr?.pause();
}

function resume(c: Command): void {
  c.paused = false;
  c.term?.resume();
  c.child?.stdout?.resume();
  c.child?.stderr?.resume();
}

function outputRead(c: Command, n: number): void {
  c.unread = Math.max(0, c.unread - n);
  // Half the window: a reader taking a chunk at a time does not flip the command on and off per chunk.
  if (c.paused && c.unread < FLOW_WINDOW / 2) resume(c);
}

/** Input written into commands, acknowledged to the host once per command per turn of the event loop. */
const written = new AckBatcher((id, n) => send({ t: 'stdin-written', id, n }));

function stdinWritten(id: number, n: number): void {
  written.add(id, n);
}

/**
 * The host went away (a daemon restart): it has forgotten these commands' streams, so nothing will
 * acknowledge their output. They run on unthrottled, as they did before flow control, their output dropped.
 */
function hostGone(): void {
  for (const c of commands.values()) {
    if (!c.flow) continue;
    c.flow = false;
    c.unread = 0;
    if (c.paused) resume(c);
  }
}

function exec(m: Extract<HostMessage, { t: 'exec' }>): void {
  const env = { ...m.env };
  const cwd = m.cwd || '/workspace';
  const flow = m.flow === true;
  if (m.tty) {
    let term: PtyLike;
    try {
      term = pty.spawn(m.argv[0]!, m.argv.slice(1), { name: env.TERM ?? 'xterm-256color', cols: m.tty.cols, rows: m.tty.rows, cwd, env, uid: SANDBOX_UID, gid: SANDBOX_GID });
    } catch (err) {
      send({ t: 'error', id: m.id, message: (err as Error).message });
      send({ t: 'exited', id: m.id, exitCode: 127, signal: '' });
      return;
    }
    const c: Command = { term, flow, unread: 0, paused: false };
    commands.set(m.id, c);
    send({ t: 'started', id: m.id, pid: term.pid, ...(flow ? { flow: true as const } : {}) });
    term.onData((d) => output(m.id, c, 'stdout', Buffer.from(d, 'utf8')));
    term.onExit(({ exitCode, signal }) => {
      commands.delete(m.id);
      send({ t: 'exited', id: m.id, exitCode: signal ? -1 : exitCode, signal: signal ? signalName(signal) : '' });
    });
    return;
  }
  const child = spawn(m.argv[0]!, m.argv.slice(1), { cwd, env, uid: SANDBOX_UID, gid: SANDBOX_GID, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const c: Command = { child, flow, unread: 0, paused: false };
  commands.set(m.id, c);
  let reported = false;
  child.once('spawn', () => { reported = true; send({ t: 'started', id: m.id, pid: child.pid!, ...(flow ? { flow: true as const } : {}) }); });
  child.stdout!.on('data', (d: Buffer) => output(m.id, c, 'stdout', d));
  child.stderr!.on('data', (d: Buffer) => output(m.id, c, 'stderr', d));
  child.stdin!.on('error', () => undefined); // A command that exits without reading its input.
  child.once('error', (err) => {
    if (reported) return;
    commands.delete(m.id);
    send({ t: 'out', id: m.id, stream: 'stderr', data: Buffer.from(`godel-agent: cannot run ${m.argv[0]}: ${err.message}\n`).toString('base64') });
    send({ t: 'exited', id: m.id, exitCode: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : 126, signal: '' });
  });
  child.once('close', (code, signal) => {
    if (!reported) return;
    commands.delete(m.id);
    send({ t: 'exited', id: m.id, exitCode: signal ? -1 : code ?? -1, signal: signal ?? '' });
  });
}

function handle(m: HostMessage): void {
  if (held && m.t !== 'sync') {
    held.push(m);
    return;
  }
  const c = 'id' in m ? commands.get(m.id) : undefined;
  switch (m.t) {
    case 'ping':
      send({ t: 'pong', id: m.id, kernel: release(), agent: AGENT_VERSION });
      return;
    case 'exec':
      exec(m);
      return;
    case 'stdin': {
      if (!c) return;
      const data = Buffer.from(m.data, 'base64');
      if (c.term) {
        // node-pty's write takes no callback: a terminal's input counts as written once handed to it.
        c.term.write(data);
        if (c.flow) stdinWritten(m.id, data.length);
      } else {
        // Acknowledged once in the pipe (or failed: the command closed its input), not when received.
        c.child?.stdin?.write(data, () => { if (c.flow) stdinWritten(m.id, data.length); });
      }
      return;
    }
    case 'output-read':
      if (c) outputRead(c, m.n);
      return;
    case 'close-stdin':
      if (c?.term) c.term.write('\u0004');
      else c?.child?.stdin?.end();
      return;
    case 'resize':
      c?.term?.resize(m.cols, m.rows);
      return;
    case 'signal': {
      const pid = c?.term?.pid ?? c?.child?.pid;
      if (!pid) return;
      try {
        process.kill(m.group ? -pid : pid, m.signal as NodeJS.Signals);
      } catch {
        // Already gone: its exit is on its way.
      }
      return;
    }
    case 'sync':
      sync(m);
      return;
  }
}

/**
 * The helper (guest/native/godel-guest-helper.c) that sets the clock and reseeds the kernel's generator;
 * started once, so that a sync on the handoff's path costs a line each way, not a process start.
 */
const helper = spawn('/opt/godel-agent/godel-guest-helper', [], { stdio: ['pipe', 'pipe', 'inherit'] });
helper.on('error', (err) => process.stderr.write(`godel-agent: helper: ${err.message}\n`));
const helperWaiters: Array<(answer: string) => void> = [];
let helperOut = '';
helper.stdout!.on('data', (d: Buffer) => {
  helperOut += d.toString();
  let nl: number;
  while ((nl = helperOut.indexOf('\n')) >= 0) {
    const answer = helperOut.slice(0, nl);
    helperOut = helperOut.slice(nl + 1);
    helperWaiters.shift()?.(answer);
  }
});

/**
 * Sets the clock from the host and reseeds the generator with the host's entropy, so clones differ.
 * Messages that arrive meanwhile wait: the host need not wait for the answer (a handoff does not), and
 * still no command of the new owner runs on the old clock or the shared generator.
 */
let held: HostMessage[] | undefined;

function sync(m: Extract<HostMessage, { t: 'sync' }>): void {
  held ??= [];
  helperWaiters.push((answer) => {
    if (answer === 'ok') send({ t: 'synced', id: m.id });
    else send({ t: 'error', id: m.id, message: `sync: ${answer}` });
    if (helperWaiters.length === 0) {
      const waiting = held ?? [];
      held = undefined;
      for (const next of waiting) handle(next);
    }
  });
  helper.stdin!.write(`sync ${Math.round(m.timeMs)} ${Buffer.from(m.entropy, 'base64').toString('hex')}\n`);
}

/**
 * Opens the port once and serves it for good, with plain reads and writes on its descriptor (Node's
 * file streams close a descriptor they are done with, and the port may only be opened once at a time).
 * While no host is connected (before the daemon first connects, and while it restarts) a read returns
 * end-of-file at once: the reader tries again a little later. Output meant for a host that went away
 * is dropped.
 */
function serve(): void {
  let fd: number;
  try {
    fd = openSync(portPath(), 'r+');
  } catch (err) {
    process.stderr.write(`godel-agent: ${(err as Error).message}\n`);
    setTimeout(serve, 200);
    return;
  }
  const writer = new PortWriter(fd);
  out = (line: string) => writer.send(Buffer.from(line));
  const buf = Buffer.alloc(256 * 1024);
  const lines = new LineReader();
  const readMore = (): void => {
    read(fd, buf, 0, buf.length, null, (err, n) => {
      if (err || n === 0) {
        lines.reset(); // A host that reconnects starts with a fresh line.
        hostGone();
        setTimeout(readMore, 50);
        return;
      }
      lines.push(buf.subarray(0, n), (line) => {
        if (!line) return;
        try {
          handle(JSON.parse(line) as HostMessage);
        } catch (e) {
          process.stderr.write(`godel-agent: bad message: ${(e as Error).message}\n`);
        }
      });
      readMore();
    });
  };
  readMore();
}

process.on('uncaughtException', (err) => process.stderr.write(`godel-agent: ${err.stack ?? err.message}\n`));
serve();
const log = (line: string): void => { process.stderr.write(`${line}\n`); };
serveLoopbackPorts(EGRESS_PORT_NAME, EGRESS_PORTS, log);
serveLoopbackPorts(GATEWAY_PORT_NAME, GATEWAY_PORTS, log);
