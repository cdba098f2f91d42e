// Exec service handlers. Run streams started, then stdout/stderr as they come (pausing the command when
// the client reads slower than it writes), then exited. Session and Attach connect a bidirectional call
// to a session owned by the exec manager; the call ending never ends the session.
import { status as grpcStatus, type ServerDuplexStream, type ServerWritableStream, type handleBidiStreamingCall } from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY } from '../../../ipc/errors.js';
import type { Readable } from 'node:stream';
import type { ExecHandlers } from '../../../ipc/generated/godel/v1/Exec.js';
import type { ExecEvent } from '../../../ipc/generated/godel/v1/ExecEvent.js';
import type { RunRequest__Output } from '../../../ipc/generated/godel/v1/RunRequest.js';
import type { SessionInput__Output } from '../../../ipc/generated/godel/v1/SessionInput.js';
import type { SessionInfo } from '../../../ipc/generated/godel/v1/SessionInfo.js';
import { GodelError } from '../../errors.js';
import type { ExecManager } from '../../exec/exec-manager.js';
import { TERMINAL_LIMITS } from '../../exec/pty.js';
import { parseSignal, type Attachment, type Session } from '../../exec/session.js';
import type { Observer } from '../observer.js';
import { validateArgv, validateEnv, validateId, validateSandboxPath, validateTimeout } from '../../validation.js';
import { timestamp } from '../convert.js';
import { serverStream, toServiceError, unary, writeWithBackpressure } from '../respond.js';

type RunCall = ServerWritableStream<RunRequest__Output, ExecEvent>;
type SessionCall = ServerDuplexStream<SessionInput__Output, ExecEvent>;

const TAG_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DEFAULT_COLS = 80;
const DEFAULT_ROWS = 24;

export function execHandlers(exec: ExecManager, obs: Observer): ExecHandlers {
  return {
    Run: serverStream(obs, 'Exec.Run', async (call: RunCall) => {
      const req = call.request;
      const run = exec.start({
        sandboxId: validateId(req.sandboxId),
        argv: validateArgv(req.argv),
        env: validateEnv(req.env),
        cwd: req.cwd ? validateSandboxPath(req.cwd, 'INVALID_CWD') : '',
        timeoutMs: validateTimeout(req.timeout),
      });
      const { command } = run;
      call.on('cancelled', () => command.kill('SIGKILL'));
      command.stdin.on('error', () => undefined); // A command that exits without reading its stdin closes the pipe early.
      command.stdin.end(req.stdin.length ? req.stdin : undefined);
      // Output is read from the first instant (an unread pipe is discarded when the process exits) but
      // only sent after `started`.
      const started = command.pid.then((pid) => writeWithBackpressure(call, { started: { pid, sessionId: '', tty: false } }));
      await Promise.all([pump(call, command.stdout, 'stdout', started), pump(call, command.stderr!, 'stderr', started)]);
      await started;
      const r = await run.result;
      await writeWithBackpressure(call, { exited: { exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut } });
    }, (req) => req.sandboxId),

    Session: interactive(obs, 'Exec.Session', async (msg) => {
      const start = msg.start;
      if (!start) throw new GodelError('EXPECTED_START', 'the first message of a session must be `start`');
      if (start.tag && !TAG_RE.test(start.tag)) throw new GodelError('INVALID_TAG', 'a tag is 1-64 letters, digits and . _ -, starting with a letter or digit');
      const session = exec.startSession({
        sandboxId: validateId(start.sandboxId),
        argv: validateArgv(start.argv),
        env: validateEnv(start.env),
        cwd: start.cwd ? validateSandboxPath(start.cwd, 'INVALID_CWD') : '',
        tty: start.tty,
        cols: start.tty ? validateSize(start.cols || DEFAULT_COLS, start.rows || DEFAULT_ROWS)[0] : 0,
        rows: start.tty ? validateSize(start.cols || DEFAULT_COLS, start.rows || DEFAULT_ROWS)[1] : 0,
        tag: start.tag,
      });
      // "Replay" of a session just started is everything it wrote before this call was attached to it
      // (attaching waits for the pid), so none of its first output is lost.
      return { session, replay: true };
    }),

    Attach: interactive(obs, 'Exec.Attach', async (msg) => {
      const a = msg.attach;
      if (!a) throw new GodelError('EXPECTED_ATTACH', 'the first message of Attach must be `attach`');
      const session = exec.findSession({
        sessionId: a.sessionId || undefined,
        sandboxId: a.sandboxId ? validateId(a.sandboxId) : undefined,
        tag: a.tag || undefined,
      });
      return { session, replay: !a.noReplay };
    }),

    ListSessions: unary(obs, 'Exec.ListSessions', async (req) => ({
      sessions: exec.listSessions(validateId(req.sandboxId)).map(toSessionInfo),
    }), (req) => req.sandboxId),

    Signal: unary(obs, 'Exec.Signal', async (req) => {
      const signal = parseSignal(req.signal);
      exec.findSession({ sessionId: req.sessionId || undefined, sandboxId: req.sandboxId ? validateId(req.sandboxId) : undefined, tag: req.tag || undefined })
        .signal(signal);
      return {};
    }, (req) => req.sandboxId || undefined),
  };
}

/**
 * A bidirectional call attached to a session. `first` turns the first message into the session to attach
 * to; later messages are input. The call ends when the session does, or with an error status for bad
 * input; either way the session carries on without this client.
 */
function interactive(
  obs: Observer,
  method: string,
  first: (msg: SessionInput__Output) => Promise<{ session: Session; replay: boolean }>,
): handleBidiStreamingCall<SessionInput__Output, ExecEvent> {
  return (call: SessionCall) => {
    const startedAt = Date.now();
    let session: Session | undefined;
    let attachment: Attachment | undefined;
    let over = false;
    const finish = (status: string, code?: string): void => {
      over = true;
      if (session && attachment) session.detach(attachment);
      obs.request({ method, sandbox: session?.spec.sandboxId, peer: obs.peerOf(call), ms: Date.now() - startedAt, status, code });
    };
    const fail = (err: unknown): void => {
      if (over) return;
      const e = toServiceError(err, obs.log, method);
      finish(grpcStatus[e.code!] ?? String(e.code), e.metadata?.get(ERROR_CODE_METADATA_KEY)[0] as string | undefined);
      if (!call.cancelled) call.emit('error', e);
    };
    let queue = Promise.resolve();
    call.on('data', (msg: SessionInput__Output) => {
      queue = queue.then(async () => {
        if (over) return;
        if (!session) {
          const target = await first(msg);
          session = target.session;
          attachment = {
            send: (event, done) => {
              if (over || call.cancelled) done();
              else call.write(event, () => done());
            },
            end: () => {
              if (over) return;
              finish('OK');
              call.end();
            },
          };
          await session.attach(attachment, target.replay);
        } else if (msg.input === 'stdin') {
          // Nothing more is read from the client while the command's input is full: HTTP/2's flow
          // control holds the client back.
          if (!session.write(msg.stdin!)) {
            call.pause();
            await session.drained().finally(() => call.resume());
          }
        } else {
          applyInput(session, msg);
        }
      }).catch(fail);
    });
    call.on('error', () => undefined); // The client's side failing is the same as it going away: see 'cancelled'.
    call.on('cancelled', () => {
      if (!over) finish('CANCELLED');
    });
  };
}

function applyInput(session: Session, msg: SessionInput__Output): void {
  switch (msg.input) {
    case 'resize': {
      const [cols, rows] = validateSize(msg.resize!.cols, msg.resize!.rows);
      session.resize(cols, rows);
      break;
    }
    case 'signal': session.signal(parseSignal(msg.signal!)); break;
    case 'closeStdin': session.closeStdin(); break;
    default: throw new GodelError('INVALID_ARGUMENT', `\`${msg.input ?? 'empty'}\` is only valid as the first message`);
  }
}

function validateSize(cols: number, rows: number): [number, number] {
  if (cols < 1 || rows < 1 || cols > TERMINAL_LIMITS.maxCols || rows > TERMINAL_LIMITS.maxRows) {
    throw new GodelError('INVALID_TERMINAL_SIZE', `terminal size ${cols}x${rows} is out of range (1-${TERMINAL_LIMITS.maxCols} columns, 1-${TERMINAL_LIMITS.maxRows} rows)`);
  }
  return [cols, rows];
}

function toSessionInfo(s: Session): SessionInfo {
  return {
    sessionId: s.id, sandboxId: s.spec.sandboxId, tag: s.spec.tag, argv: s.spec.argv, tty: s.spec.tty, cols: s.cols, rows: s.rows,
    pid: s.pid, running: s.running, exitCode: s.exit?.exitCode ?? 0, signal: s.exit?.signal ?? '',
    startedAt: timestamp(s.startedAt), endedAt: timestamp(s.endedAt), attached: s.attachedCount,
  };
}

/** Forwards one output stream, pausing it while the client's buffer is full. */
async function pump(call: RunCall, stream: Readable, kind: 'stdout' | 'stderr', after: Promise<unknown>): Promise<void> {
  for await (const chunk of stream) {
    await after;
    if (!(await writeWithBackpressure(call, { [kind]: chunk as Buffer }))) {
      stream.destroy();
      return;
    }
  }
}
