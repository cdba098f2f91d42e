// A test-side handle on an Exec.Session or Exec.Attach call: collects output, waits for text, sends input.
import type * as grpc from '@grpc/grpc-js';
import type { ExecEvent, GodelClient, SessionInput } from '../../ipc/client.js';
import { GodelClientError, toClientError } from '../../ipc/client.js';

export class TestSession {
  readonly call: grpc.ClientDuplexStream<SessionInput, ExecEvent>;
  output = Buffer.alloc(0);
  stderr = Buffer.alloc(0);
  sessionId = '';
  pid = 0;
  tty = false;
  readonly started: Promise<void>;
  /** Resolves with the exit status, or with the error status the call ended with. */
  readonly ended: Promise<{ exitCode: number; signal: string } | GodelClientError>;
  private waiters: Array<() => void> = [];

  constructor(client: GodelClient, first: SessionInput, kind: 'session' | 'attach' = 'session') {
    this.call = kind === 'session' ? client.session() : client.attach();
    let exit: { exitCode: number; signal: string } | undefined;
    this.started = new Promise((resolve) => {
      this.call.on('data', (ev: ExecEvent) => {
        if (ev.started) {
          this.sessionId = ev.started.sessionId;
          this.pid = ev.started.pid;
          this.tty = ev.started.tty;
          resolve();
        } else if (ev.stdout) this.output = Buffer.concat([this.output, ev.stdout]);
        else if (ev.stderr) this.stderr = Buffer.concat([this.stderr, ev.stderr]);
        else if (ev.exited) exit = { exitCode: ev.exited.exitCode, signal: ev.exited.signal };
        for (const w of this.waiters) w();
      });
    });
    this.ended = new Promise((resolve) => {
      this.call.on('error', (err) => resolve(toClientError(err, client.socket)));
      this.call.on('end', () => resolve(exit ?? new GodelClientError('ended without an exit status', 'INTERNAL', 13)));
    });
    this.call.write(first);
  }

  get text(): string {
    return this.output.toString('latin1');
  }

  send(input: SessionInput): void {
    this.call.write(input);
  }

  type(text: string): void {
    this.call.write({ stdin: Buffer.from(text, 'latin1') });
  }

  /** Waits until the output matches. */
  waitFor(re: RegExp, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (re.test(this.text)) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== onData);
          resolve();
          return true;
        }
        return false;
      };
      const onData = (): void => { check(); };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== onData);
        reject(new Error(`timed out waiting for ${re} in output: ${JSON.stringify(this.text.slice(-500))}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(onData);
    });
  }

  /** Goes away without ending the session, as a client that crashed or lost its connection. */
  disconnect(): void {
    this.call.cancel();
  }
}
