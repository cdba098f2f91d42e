// A command in a pod, over the API server's exec WebSocket (the v5 channel protocol, v4 when that is all
// the server speaks): channel 0 stdin, 1 stdout, 2 stderr, 3 the Status that ends it, 4 terminal
// resizes, and on v5 255 to close a stream (stdin EOF). The exec API carries no environment, working
// directory or signals, so every command runs under a fixed wrapper that reports its pid first
// (`GODEL-PID <pid>` on stdout, taken off before anyone sees it), then reads a header from its stdin
// with the working directory and the environment, changes directory and execs `env -i` with them.
// Only the command's argv is in the exec URL: an API server's audit log records URLs, and the
// environment may hold secrets. Signals are sent by a second exec running `kill`.
//
// The header is lines of `\0ooo`-escaped text, decoded by the wrapper with POSIX printf's `%b`: the
// working directory, then one `NAME=value` per variable, then an empty line. Backslashes, control bytes
// (newline included) and DEL are escaped, every other byte is sent as is, so that a line holds no newline
// and a value with no such byte needs no decoding (no subshell). POSIX sh's `read` takes a pipe byte by
// byte, so the command's own stdin starts right after the header. On a terminal the wrapper first puts
// it in raw mode without echo (stty), so that the header is neither echoed nor cut at the line
// discipline's 4 KiB, and restores it before the command runs; the header is sent only once the
// wrapper has said its pid, which it does after that.
import { PassThrough, Writable, type Readable } from 'node:stream';
import { WebSocket } from 'ws';
import { GodelError, errorMessage } from '../../errors.js';
import type { ExecRequest, RunningCommand } from '../provider.js';
import { CONTAINER } from './pod-spec.js';

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
// $1... is the command's argv; after the header the environment is put before it, for env.
const WRAPPER = [
  's=; if [ -t 0 ]; then s=$(stty -g) && stty raw -echo || { echo "godel: the exec wrapper needs stty on a terminal" >&2; exit 126; }; fi',
  'printf "GODEL-PID %s\\n" "$$"',
  'd() { case $1 in *\\\\*) v=$(printf "%bx" "$1"); v=${v%x} ;; *) v=$1 ;; esac; }',
  'IFS= read -r l || exit 126; d "$l"; dir=$v; n=$#',
  'while :; do IFS= read -r l || exit 126; [ -n "$l" ] || break; d "$l"; set -- "$@" "$v"; done',
  'while [ "$n" -gt 0 ]; do set -- "$@" "$1"; shift; n=$((n - 1)); done',
  'if [ -n "$s" ]; then stty "$s"; fi',
  'cd -- "$dir" || exit 126',
  'exec env -i "$@"',
].join('\n');
const PID_PREFIX = 'GODEL-PID ';
const MAX_PREAMBLE = 64;
/** Output buffered toward the API server before stdin writes wait. */
const SEND_HIGH_WATER = 1 << 20;
const SIGNAL_NUMBERS: Record<number, NodeJS.Signals> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 10: 'SIGUSR1',
  11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
};

export interface ExecTarget {
  /** ws:// or wss:// base of the API server. */
  base: string;
  namespace: string;
  pod: string;
  wsOptions: () => Promise<import('ws').ClientOptions>;
}

function execUrl(t: ExecTarget, argv: string[], tty: boolean): string {
  const q = new URLSearchParams();
  for (const a of argv) q.append('command', a);
  q.set('container', CONTAINER);
  q.set('stdin', 'true');
  q.set('stdout', 'true');
  q.set('stderr', tty ? 'false' : 'true');
  q.set('tty', tty ? 'true' : 'false');
  return `${t.base}/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}/exec?${q}`;
}

/** The exit in a channel-3 Status: 128+N from the runtime is taken as signal N, as a shell reports it. */
export function exitFromStatus(st: { status?: string; reason?: string; message?: string; details?: { causes?: Array<{ reason?: string; message?: string }> } }): { exitCode: number; signal: string } {
  if (st.status === 'Success') return { exitCode: 0, signal: '' };
  const cause = st.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (st.reason === 'NonZeroExitCode' && cause) {
    const code = Number(cause.message);
    const sig = code > 128 ? SIGNAL_NUMBERS[code - 128] : undefined;
    return sig ? { exitCode: -1, signal: sig } : { exitCode: code, signal: '' };
  }
  throw new GodelError('PROVIDER_FAILED', `the exec in the pod failed: ${st.message ?? st.reason ?? 'no reason given'}`);
}

export class PodCommand implements RunningCommand {
  readonly stdout: Readable;
  readonly stderr: Readable | null;
  readonly stdin: Writable;
  readonly pid: Promise<number>;
  readonly exited: Promise<{ exitCode: number; signal: string }>;
  private ws: WebSocket | undefined;
  private streamError = '';
  private podPid = 0;
  private ended = false;
  /** Frames for the server held until the socket is open and the command has said its pid. */
  private readonly queue: Buffer[] = [];
  private flushed = false;
  /** The stdin frame with the working directory and environment, sent first once the wrapper said its pid. */
  private header: Buffer | undefined;
  private stdinEnded = false;
  private preamble: Buffer | undefined = Buffer.alloc(0);
  private resolvePid!: (pid: number) => void;
  private drainWaiters: Array<() => void> = [];
  private readonly out = new PassThrough({ highWaterMark: 1 << 20 });
  private readonly err: PassThrough | null;

  constructor(private readonly target: ExecTarget, req: ExecRequest, private readonly signalSender: (argv: string[]) => Promise<void>) {
    const tty = !!req.tty;
    this.err = tty ? null : new PassThrough({ highWaterMark: 1 << 20 });
    this.stdout = this.out;
    this.stderr = this.err;
    this.pid = new Promise((r) => { this.resolvePid = r; });
    this.stdin = new Writable({
      highWaterMark: 1 << 20,
      write: (chunk: Buffer, _enc, cb) => this.sendFrame(0, chunk, cb),
      final: (cb) => {
        this.stdinEnded = true;
        if (this.flushed) this.closeStdin();
        cb();
      },
    });
    this.header = execHeader(req.cwd || '/workspace', req.env);
    // The terminal's size goes first of all, with the header (the wrapper may say its pid in the upgrade's own read).
    if (req.tty) this.queue.push(resizeFrame(req.tty.cols, req.tty.rows));
    const argv = ['/bin/sh', '-c', WRAPPER, 'godel-exec', ...req.argv];
    this.exited = this.run(execUrl(target, argv, tty));
    // Nobody may be waiting on it when a connection fails before it starts: the exit carries the error.
    this.exited.catch(() => undefined);
  }

  private async run(url: string): Promise<{ exitCode: number; signal: string }> {
    let status: { exitCode: number; signal: string } | undefined;
    let statusError: Error | undefined;
    try {
      const ws = new WebSocket(url, PROTOCOLS, await this.target.wsOptions());
      this.ws = ws;
      // Every listener goes on before the open. Frames that came in one read with the upgrade's answer
      // (a loaded server's first output often does) are emitted before code after an awaited 'open'
      // resumes, and a lost `GODEL-PID` line would leave the wrapper waiting for its header for good.
      const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      ws.on('message', (data: Buffer) => {
        if (!data.length) return;
        const ch = data[0]!;
        const payload = data.subarray(1);
        if (ch === 1) this.output(this.out, payload, true);
        else if (ch === 2 && this.err) this.output(this.err, payload, false);
        else if (ch === 3 && payload.length) {
          try {
            status = exitFromStatus(JSON.parse(payload.toString()) as Parameters<typeof exitFromStatus>[0]);
          } catch (e) {
            statusError = e instanceof GodelError ? e : new GodelError('PROVIDER_FAILED', `the exec stream sent an unreadable status: ${errorMessage(e)}`);
          }
        }
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (d: Buffer) => { body += d.toString(); });
          res.on('end', () => {
            let message = body.slice(0, 300);
            try { message = (JSON.parse(body) as { message?: string }).message ?? message; } catch { /* a body that is not a Status: shown as is */ }
            const code = res.statusCode === 401 || (res.statusCode ?? 0) >= 500 ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_FAILED';
            reject(new GodelError(code, `exec in pod ${this.target.pod} refused (${res.statusCode}): ${message}`));
          });
        });
        ws.once('error', (e) => reject(new GodelError('PROVIDER_UNAVAILABLE', `cannot open the exec stream to pod ${this.target.pod}: ${e.message}`)));
      });
      // After the open, a socket error ends in `close`, which says whether the Status came first.
      ws.on('error', (e) => this.streamError = e.message);
      if (!PROTOCOLS.includes(ws.protocol)) throw new GodelError('PROVIDER_FAILED', `the API server chose exec subprotocol "${ws.protocol}", which godeld does not speak`);
      const { code, reason } = await closed;
      if (!status && !statusError) {
        throw new GodelError('PROVIDER_FAILED', `the exec stream to pod ${this.target.pod} closed without an exit status (WebSocket close ${code}${reason ? ` ${reason}` : ''}${this.streamError ? `, ${this.streamError}` : ''}): the pod or its node may be gone`);
      }
      if (statusError) throw statusError;
      return status!;
    } finally {
      this.ended = true;
      this.flushPreamble();
      this.resolvePid(this.podPid);
      this.out.end();
      this.err?.end();
      for (const w of this.drainWaiters.splice(0)) w();
    }
  }

  /** Output goes to its stream; stdout's first line is the wrapper's pid, which is taken off. Backpressure pauses the socket. */
  private output(stream: PassThrough, payload: Buffer, isStdout: boolean): void {
    if (isStdout && this.preamble) {
      this.preamble = Buffer.concat([this.preamble, payload]);
      const nl = this.preamble.indexOf(0x0a);
      const text = this.preamble.toString('latin1');
      if (nl < 0 && this.preamble.length < MAX_PREAMBLE && PID_PREFIX.startsWith(text.slice(0, PID_PREFIX.length))) return;
      const line = nl >= 0 ? text.slice(0, nl).replace(/\r$/, '') : '';
      if (line.startsWith(PID_PREFIX) && /^\d+$/.test(line.slice(PID_PREFIX.length))) {
        this.podPid = Number(line.slice(PID_PREFIX.length));
        payload = this.preamble.subarray(nl + 1);
        this.preamble = undefined;
        this.resolvePid(this.podPid);
        this.flush();
      } else {
        payload = this.preamble;
        this.preamble = undefined;
        this.flush();
      }
      if (!payload.length) return;
    }
    if (!stream.write(payload)) {
      this.ws?.pause();
      stream.once('drain', () => this.ws?.resume());
    }
  }

  private flushPreamble(): void {
    if (this.preamble?.length) this.out.write(this.preamble);
    this.preamble = undefined;
  }

  /**
   * Sends what waited for the command to start. The header goes only to a wrapper that said its pid:
   * anything else on stdout means it is not running (no sh, say), and on a terminal whose echo it did
   * not turn off the header would come back as output.
   */
  private flush(): void {
    if (this.flushed) return;
    this.flushed = true;
    if (this.header && this.podPid) this.ws?.send(this.header);
    this.header = undefined;
    for (const f of this.queue.splice(0)) this.ws?.send(f);
    if (this.stdinEnded) this.closeStdin();
  }

  /** Only v5 can close stdin alone; on v4 the command keeps its stdin until it exits. */
  private closeStdin(): void {
    // ws.protocol, not a field set after the open: this may run before code awaiting the open resumes.
    if (this.ws?.protocol === 'v5.channel.k8s.io' && this.ws.readyState === WebSocket.OPEN) this.ws.send(Buffer.from([255, 0]));
  }

  private sendFrame(channel: number, payload: Buffer, cb: (err?: Error | null) => void): void {
    const frame = Buffer.concat([Buffer.from([channel]), payload]);
    if (this.ended) return cb();
    if (!this.flushed || !this.ws || this.ws.readyState !== WebSocket.OPEN) {
      this.queue.push(frame);
      return cb();
    }
    this.ws.send(frame);
    if (this.ws.bufferedAmount < SEND_HIGH_WATER) return cb();
    // Let the socket drain before taking more input (the server reads it as fast as the command does).
    const check = (): void => {
      if (this.ended || !this.ws || this.ws.bufferedAmount < SEND_HIGH_WATER) cb();
      else setTimeout(check, 5);
    };
    setTimeout(check, 5);
  }

  resize(cols: number, rows: number): void {
    if (this.ended) return;
    const frame = resizeFrame(cols, rows);
    if (this.flushed && this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
    else this.queue.push(frame);
  }

  signal(signal: NodeJS.Signals): void {
    this.sendSignal(signal, false);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.sendSignal(signal, true);
  }

  private sendSignal(signal: NodeJS.Signals, group: boolean): void {
    if (this.ended) return;
    if (!this.podPid) {
      // Not started yet: closing the stream is all there is (a real kubelet may leave the process running).
      this.ws?.terminate();
      return;
    }
    const name = signal.replace(/^SIG/, '');
    const script = group ? 'kill -s "$1" -- "-$2" 2>/dev/null || kill -s "$1" -- "$2"' : 'kill -s "$1" -- "$2"';
    void this.signalSender(['/bin/sh', '-c', script, 'godel-kill', name, String(this.podPid)]);
  }
}

/** Escapes what a header line cannot hold as is (see the top of this file). */
export function headerLine(text: string): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    out += b < 0x20 || b === 0x7f || b === 0x5c ? `\\0${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b);
  }
  return out;
}

/** The stdin frame the wrapper reads first: working directory, NAME=value lines, an empty line. */
export function execHeader(cwd: string, env: Record<string, string>): Buffer {
  const lines = [headerLine(cwd), ...Object.entries(env).map(([k, v]) => headerLine(`${k}=${v}`)), ''];
  return Buffer.concat([Buffer.from([0]), Buffer.from(`${lines.join('\n')}\n`, 'latin1')]);
}

function resizeFrame(cols: number, rows: number): Buffer {
  return Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: cols, Height: rows }))]);
}
