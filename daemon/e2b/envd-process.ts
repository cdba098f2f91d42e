// envd's process.Process service over godel's exec manager: every E2B process is a godel session (so it
// outlives the client's stream, can be reconnected to by pid or tag, and is killed with the sandbox).
// As envd does, the Start stream's Connect-Timeout-Ms is the process's lifetime, and the stream carries
// keepalive events at the interval the client asks for in Keepalive-Ping-Interval.
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ExecManager } from '../exec/exec-manager.js';
import type { Session, SessionEvent } from '../exec/session.js';
import { validateArgv, validateEnv } from '../validation.js';
import { connectErrorOf } from './errors.js';
import { EventQueue } from './event-queue.js';
import { type ProcessConfig, type ProcessEventSchema, type ProcessSelector, Process, Signal } from './generated/process/process_pb.js';
import { envdCall, resolvePath, unaryCall, type OnCall } from './envd-call.js';

type ProcessEventInit = MessageInitShape<typeof ProcessEventSchema>;
type ConfigInit = Pick<ProcessConfig, 'cmd' | 'args' | 'envs'> & { cwd?: string };

const MAX_TERMINAL = 10_000;
const MAX_TAG = 256;

export function processService(exec: ExecManager, onCall: OnCall): Partial<ServiceImpl<typeof Process>> {
  /** What each process was started with, for List; kept while the process runs. */
  const configs = new Map<string, ConfigInit>();

  const find = (sandboxId: string, sel: ProcessSelector | undefined): Session => {
    const s = sel?.selector;
    if (s?.case === 'pid') {
      const found = exec.listSessions(sandboxId).find((x) => x.running && x.pid === s.value);
      if (!found) throw new ConnectError(`process with pid ${s.value} not found`, Code.NotFound);
      return found;
    }
    if (s?.case === 'tag') {
      const found = exec.listSessions(sandboxId).find((x) => x.running && x.spec.tag === s.value);
      if (!found) throw new ConnectError(`process with tag ${s.value} not found`, Code.NotFound);
      return found;
    }
    throw new ConnectError('select the process by pid or tag', Code.InvalidArgument);
  };

  /** Streams a session's events until it ends or the client goes; the session runs on either way. */
  async function* follow(session: Session, ctx: HandlerContext, replay: boolean, expired = (): boolean => false): AsyncGenerator<{ event: ProcessEventInit }> {
    const q = new EventQueue<ProcessEventInit>();
    const attachment = { send: (e: SessionEvent, done: () => void) => q.push(toEvent(e, session.spec.tty), done), end: () => q.end() };
    const interval = Number(ctx.requestHeader.get('keepalive-ping-interval') ?? 0);
    const keepalive = interval > 0 ? setInterval(() => q.push({ event: { case: 'keepalive', value: {} } }), interval * 1000) : undefined;
    try {
      await session.attach(attachment, replay);
      for await (const event of q.drain(ctx.signal)) {
        // The stream's own timeout killed the process: the client is told its deadline passed (the SDK's
        // TimeoutError, as from envd), not that the command ended by a signal. The kill's end event can
        // reach the client before its own deadline does.
        if (event.event?.case === 'end' && expired()) throw new ConnectError('the command outlived its timeout and was killed', Code.DeadlineExceeded);
        yield { event };
      }
    } finally {
      clearInterval(keepalive);
      session.detach(attachment);
    }
  }

  const unary = <T>(method: string, ctx: HandlerContext, fn: (sandboxId: string) => T | Promise<T>): Promise<T> => unaryCall(method, ctx, onCall, fn);

  return {
    async list(_req, ctx) {
      return unary('process.List', ctx, (sandboxId) => ({
        processes: exec.listSessions(sandboxId).filter((s) => s.running).map((s) => ({
          config: configs.get(s.id) ?? { cmd: s.spec.argv[0] ?? '', args: s.spec.argv.slice(1), envs: {} },
          pid: s.pid,
          ...(s.spec.tag ? { tag: s.spec.tag } : {}),
        })),
      }));
    },

    async *start(req, ctx) {
      const { sandboxId } = envdCall(ctx);
      let session: Session;
      let timedOut = false;
      try {
        const cfg = req.process;
        if (!cfg?.cmd) throw new ConnectError('process.cmd is required', Code.InvalidArgument);
        const argv = validateArgv([cfg.cmd, ...cfg.args]);
        const env = validateEnv(cfg.envs);
        const cwd = cfg.cwd ? resolvePath(cfg.cwd) : '';
        const tag = req.tag ?? '';
        if (tag.length > MAX_TAG) throw new ConnectError(`tag is longer than ${MAX_TAG} characters`, Code.InvalidArgument);
        const size = req.pty?.size;
        const cols = size?.cols || 80;
        const rows = size?.rows || 24;
        if (cols > MAX_TERMINAL || rows > MAX_TERMINAL) throw new ConnectError(`terminal size must be at most ${MAX_TERMINAL}`, Code.InvalidArgument);
        session = exec.startSession({ sandboxId, argv, env, cwd, tty: req.pty !== undefined, cols, rows, tag });
        // envd before 0.3.0 kept stdin open always; the SDK now asks for it (stdin: true) when it wants it.
        if (req.pty === undefined && req.stdin === false) session.closeStdin();
        configs.set(session.id, { cmd: cfg.cmd, args: cfg.args, envs: cfg.envs, ...(cfg.cwd ? { cwd: cfg.cwd } : {}) });
        const lifetime = ctx.timeoutMs();
        const timer = lifetime !== undefined ? setTimeout(() => {
          timedOut = true;
          session.kill();
        }, Math.max(0, lifetime)) : undefined;
        void session.done.then(() => {
          clearTimeout(timer);
          configs.delete(session.id);
        });
        onCall('process.Start', sandboxId);
      } catch (err) {
        onCall('process.Start', sandboxId, err);
        throw connectErrorOf(err);
      }
      yield* follow(session, ctx, true, () => timedOut);
    },

    async *connect(req, ctx) {
      const { sandboxId } = envdCall(ctx);
      let session: Session;
      try {
        session = find(sandboxId, req.process);
        onCall('process.Connect', sandboxId);
      } catch (err) {
        onCall('process.Connect', sandboxId, err);
        throw connectErrorOf(err);
      }
      yield* follow(session, ctx, false);
    },

    async update(req, ctx) {
      return unary('process.Update', ctx, (sandboxId) => {
        const session = find(sandboxId, req.process);
        const size = req.pty?.size;
        if (size) {
          if (!size.cols || !size.rows || size.cols > MAX_TERMINAL || size.rows > MAX_TERMINAL) {
            throw new ConnectError(`terminal size must be from 1 to ${MAX_TERMINAL}`, Code.InvalidArgument);
          }
          session.resize(size.cols, size.rows);
        }
        return {};
      });
    },

    async sendInput(req, ctx) {
      return unary('process.SendInput', ctx, async (sandboxId) => {
        const session = find(sandboxId, req.process);
        const input = req.input?.input;
        // The answer waits while the command's input is full: a client sending input call after call is
        // held back instead of buffered here.
        if ((input?.case === 'stdin' || input?.case === 'pty') && !session.write(Buffer.from(input.value))) await session.drained();
        return {};
      });
    },

    async sendSignal(req, ctx) {
      return unary('process.SendSignal', ctx, (sandboxId) => {
        const session = find(sandboxId, req.process);
        if (req.signal === Signal.SIGKILL) session.signal('SIGKILL');
        else if (req.signal === Signal.SIGTERM) session.signal('SIGTERM');
        else throw new ConnectError('signal must be SIGNAL_SIGTERM or SIGNAL_SIGKILL', Code.InvalidArgument);
        return {};
      });
    },

    async closeStdin(req, ctx) {
      return unary('process.CloseStdin', ctx, (sandboxId) => {
        find(sandboxId, req.process).closeStdin();
        return {};
      });
    },
  };
}

function toEvent(e: SessionEvent, tty: boolean): ProcessEventInit {
  if ('started' in e) return { event: { case: 'start', value: { pid: e.started.pid } } };
  if ('stdout' in e) return { event: { case: 'data', value: { output: { case: tty ? 'pty' : 'stdout', value: e.stdout } } } };
  if ('stderr' in e) return { event: { case: 'data', value: { output: { case: 'stderr', value: e.stderr } } } };
  const { exitCode, signal } = e.exited;
  // Go's ProcessState.String(), which envd sends: "exit status 1", "signal: killed".
  return {
    event: {
      case: 'end',
      value: signal
        ? { exitCode: -1, exited: false, status: `signal: ${SIGNAL_WORDS[signal] ?? signal.toLowerCase()}` }
        : { exitCode, exited: true, status: `exit status ${exitCode}` },
    },
  };
}

const SIGNAL_WORDS: Record<string, string> = {
  SIGKILL: 'killed', SIGTERM: 'terminated', SIGINT: 'interrupt', SIGHUP: 'hangup', SIGPIPE: 'broken pipe', SIGSEGV: 'segmentation fault', SIGABRT: 'aborted',
};
