// A command running in an E2B sandbox, through envd's process service: started with its argv as cmd and
// args (never a shell string), its output streamed with backpressure (the Start stream is read only as
// fast as the stdout consumer drains), stdin and terminal input sent as SendInput calls in order.
import { once } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { Code, ConnectError, type Client } from '@connectrpc/connect';
import { GodelError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ExecRequest, RunningCommand } from '../provider.js';
import { Process, Signal } from '../../e2b/generated/process/process_pb.js';

/** Seconds between the keepalive events envd is asked to send on a command's stream. */
const KEEPALIVE_SECONDS = 30;

/** envd's status words for a signal ("signal: killed"), back to the signal. */
const SIGNALS: Record<string, string> = {
  killed: 'SIGKILL', terminated: 'SIGTERM', interrupt: 'SIGINT', hangup: 'SIGHUP', 'broken pipe': 'SIGPIPE', 'segmentation fault': 'SIGSEGV', aborted: 'SIGABRT',
};

export class RemoteCommand implements RunningCommand {
  readonly stdout = new PassThrough({ highWaterMark: 1024 * 1024 });
  readonly stderr: PassThrough | null;
  readonly stdin: Writable;
  readonly pid: Promise<number>;
  readonly exited: Promise<{ exitCode: number; signal: string }>;
  private readonly abort = new AbortController();
  private readonly tty: boolean;
  private ended = false;

  /** `onGone` hears that the sandbox itself is not there any more (E2B's proxy answers 502 for it). */
  constructor(private readonly client: Promise<Client<typeof Process>>, req: ExecRequest, log: Logger, onGone: () => void) {
    this.tty = !!req.tty;
    this.stderr = this.tty ? null : new PassThrough({ highWaterMark: 1024 * 1024 });
    let resolvePid!: (pid: number) => void;
    this.pid = new Promise((r) => { resolvePid = r; });
    this.exited = this.run(req, resolvePid).catch((err: unknown) => {
      // The stream broke (E2B unreachable, the sandbox gone): the command is lost to us; say so where its output goes.
      log.warn({ err: (err as Error).message }, 'lost a command in an E2B sandbox');
      if (err instanceof ConnectError && err.code === Code.Unavailable) onGone();
      (this.stderr ?? this.stdout).write(`godel: lost the command in the E2B sandbox: ${(err as Error).message}\n`);
      resolvePid(0);
      return { exitCode: 255, signal: '' };
    }).finally(() => {
      this.ended = true;
      this.stdout.end();
      this.stderr?.end();
    });
    const selector = async (): Promise<{ selector: { case: 'pid'; value: number } }> => ({ selector: { case: 'pid', value: await this.pid } });
    // Input to a command that has ended goes nowhere, as with a pipe whose reader is gone; the exit status
    // tells the rest. Other failures fail the write.
    const settle = (cb: (err?: Error | null) => void) => (err: unknown): void => {
      cb(this.ended || (err instanceof ConnectError && err.code === Code.NotFound) ? null : err as Error);
    };
    this.stdin = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        if (this.ended) {
          cb();
          return;
        }
        void (async () => {
          const c = await this.client;
          await c.sendInput({ process: await selector(), input: { input: { case: this.tty ? 'pty' : 'stdin', value: chunk } } });
        })().then(() => cb(), settle(cb));
      },
      final: (cb) => {
        if (this.tty || this.ended) {
          cb();
          return;
        }
        void (async () => (await this.client).closeStdin({ process: await selector() }))().then(() => cb(), settle(cb));
      },
    });
  }

  private async run(req: ExecRequest, resolvePid: (pid: number) => void): Promise<{ exitCode: number; signal: string }> {
    const c = await this.client;
    const stream = c.start({
      process: { cmd: req.argv[0]!, args: req.argv.slice(1), envs: req.env, ...(req.cwd ? { cwd: req.cwd } : {}) },
      ...(req.tty ? { pty: { size: { cols: req.tty.cols, rows: req.tty.rows } } } : {}),
      stdin: true,
    }, { signal: this.abort.signal, headers: { 'Keepalive-Ping-Interval': String(KEEPALIVE_SECONDS) } });
    for await (const { event } of stream) {
      const e = event?.event;
      if (e?.case === 'start') {
        resolvePid(e.value.pid);
      } else if (e?.case === 'data') {
        const out = e.value.output;
        const target = out.case === 'stderr' ? this.stderr ?? this.stdout : this.stdout;
        if (out.value && !target.write(Buffer.from(out.value))) await once(target, 'drain');
      } else if (e?.case === 'end') {
        const word = e.value.status.startsWith('signal: ') ? e.value.status.slice(8) : '';
        if (!e.value.exited && word) return { exitCode: -1, signal: SIGNALS[word] ?? `SIG${word.toUpperCase()}` };
        return { exitCode: e.value.exitCode, signal: '' };
      }
    }
    throw new Error('the command stream ended without an end event');
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.signal(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGKILL');
  }

  /** envd sends SIGTERM and SIGKILL only; on a terminal, SIGINT is the Ctrl-C a terminal would send. */
  signal(name: NodeJS.Signals): void {
    if (name === 'SIGINT' && this.tty) {
      this.stdin.write(Buffer.from([3]));
      return;
    }
    if (name !== 'SIGTERM' && name !== 'SIGKILL') throw new GodelError('NOT_SUPPORTED', `E2B sandboxes take SIGTERM and SIGKILL only, not ${name}`);
    const sig = name === 'SIGTERM' ? Signal.SIGTERM : Signal.SIGKILL;
    void (async () => {
      const c = await this.client;
      const pid = await this.pid;
      if (pid) await c.sendSignal({ process: { selector: { case: 'pid', value: pid } }, signal: sig });
    })().catch(() => undefined); // It ended meanwhile: its end event tells the rest.
  }

  resize(cols: number, rows: number): void {
    if (!this.tty) return;
    void (async () => {
      const c = await this.client;
      await c.update({ process: { selector: { case: 'pid', value: await this.pid } }, pty: { size: { cols, rows } } });
    })().catch(() => undefined);
  }
}
