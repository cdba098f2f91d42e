// `godelctl exec -i/-t` and `godelctl attach`: connects this terminal to a session, like `docker exec -it`.
// With a remote terminal and a local one, the local terminal goes to raw mode (every key, Ctrl-C included,
// goes to the remote process) and is restored on every way out; window size changes are forwarded; the
// detach keys (Ctrl-P Ctrl-Q by default) leave the session running and return here.
import { constants } from 'node:os';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { toClientError, type ExecEvent, type GodelClient, type SessionInput } from '../ipc/client.js';

export interface InteractiveOptions {
  /** Forward this process's stdin. */
  stdin: boolean;
  /** The key sequence that detaches, as bytes. */
  detachKeys: Buffer;
  /** For `exec`: the sandbox, to print how to come back after a detach. */
  sandboxId: string;
}

/** Parses docker-style detach keys: "ctrl-p,ctrl-q", "ctrl-a,d". */
export function parseDetachKeys(spec: string): Buffer {
  const bytes = spec.split(',').map((k) => {
    const key = k.trim().toLowerCase();
    const ctrl = /^ctrl-([a-z@[\\\]^_])$/.exec(key);
    if (ctrl) return ctrl[1]!.toUpperCase().charCodeAt(0) & 0x1f;
    if (key.length === 1) return key.charCodeAt(0);
    throw new Error(`invalid detach key "${k}": use letters or ctrl-<letter>, separated by commas`);
  });
  return Buffer.from(bytes);
}

/** Runs the session to its end (or a detach) and returns the exit code godelctl should exit with. */
export function interact(c: GodelClient, first: SessionInput, opts: InteractiveOptions): Promise<number> {
  const call: ClientDuplexStream<SessionInput, ExecEvent> = first.start ? c.session() : c.attach();
  const localTerminal = process.stdin.isTTY === true && opts.stdin;
  let raw = false;
  let sessionId = '';
  let exitCode = 0;
  let detached = false;

  const restore = (): void => {
    if (raw) {
      process.stdin.setRawMode(false);
      raw = false;
    }
  };
  process.once('exit', restore);

  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      restore();
      process.stdin.removeListener('data', onInput);
      process.stdout.removeListener('resize', onResize);
      for (const sig of FORWARDED) process.removeListener(sig, onSignal);
      process.stdin.pause();
      if (err) reject(toClientError(err, c.socket));
      else resolve(exitCode);
    };

    // Detach-key matching survives chunk boundaries: `matched` counts the keys seen so far.
    let matched = 0;
    const onInput = (chunk: Buffer): void => {
      if (raw) {
        for (const byte of chunk) {
          matched = byte === opts.detachKeys[matched] ? matched + 1 : byte === opts.detachKeys[0] ? 1 : 0;
          if (matched === opts.detachKeys.length) {
            detached = true;
            restore();
            process.stderr.write(`\r\nDetached from session ${sessionId}; it keeps running. Come back with: godelctl attach ${opts.sandboxId} ${sessionId}\r\n`);
            call.cancel();
            finish();
            return;
          }
        }
      }
      if (!call.write({ stdin: chunk })) {
        process.stdin.pause();
        call.once('drain', () => process.stdin.resume());
      }
    };
    const onResize = (): void => {
      if (process.stdout.columns && process.stdout.rows) call.write({ resize: { cols: process.stdout.columns, rows: process.stdout.rows } });
    };
    const onSignal = (sig: NodeJS.Signals): void => {
      call.write({ signal: sig });
    };

    call.on('data', (ev: ExecEvent) => {
      if (ev.started) {
        sessionId = ev.started.sessionId;
        if (ev.started.tty && localTerminal) {
          process.stdin.setRawMode(true);
          raw = true;
          onResize();
        }
        if (opts.stdin) {
          process.stdin.on('data', onInput);
          process.stdin.once('end', () => {
            if (!ev.started!.tty && !settled) call.write({ closeStdin: true });
          });
          process.stdin.resume();
        }
        if (ev.started.tty) process.stdout.on('resize', onResize);
        // Like docker's sig-proxy: signals sent to godelctl go to the remote process (in raw mode the
        // keyboard's Ctrl-C arrives as a byte instead, and the terminal turns it into SIGINT remotely).
        for (const sig of FORWARDED) process.on(sig, onSignal);
      } else if (ev.stdout) {
        process.stdout.write(ev.stdout);
      } else if (ev.stderr) {
        process.stderr.write(ev.stderr);
      } else if (ev.exited) {
        exitCode = ev.exited.signal ? 128 + ((constants.signals as Record<string, number>)[ev.exited.signal] ?? 0) : ev.exited.exitCode;
      }
    });
    call.on('error', (err) => {
      if (detached) finish();
      else finish(err);
    });
    call.on('end', () => finish());
    call.write(first);
  });
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** Size of this terminal for a new session's pty (80 x 24 when stdout is not a terminal). */
export function localSize(): { cols: number; rows: number } {
  return { cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
}
