// The exec manager starts commands in sandboxes and owns them while they run: one-shot runs (Exec.Run)
// and interactive sessions, which outlive the clients that started them and are kept for a while after
// they end so that a client can still read how they ended. It composes each command's environment,
// enforces timeouts, and kills what is left when the daemon stops.
import type { Template } from '../config/config.js';
import { GodelError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RunningCommand } from '../providers/provider.js';
import { WORKSPACE } from '../providers/process/process-provider.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import type { SandboxRecord } from '../store/store.js';
import { Session } from './session.js';
import { newIdBeside } from '../ids.js';
import { proxyEnv } from '../egress/sandbox-side.js';
import { isAllowList } from '../egress/policy.js';


/** Finished sessions are kept this long, so a client that comes back can read the exit status. */
export const FINISHED_SESSION_RETENTION_MS = 10 * 60 * 1000;
/** Running sessions per sandbox. */
export const MAX_SESSIONS_PER_SANDBOX = 64;
const SWEEP_MS = 10_000;

export interface CommandSpec {
  sandboxId: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface RunSpec extends CommandSpec {
  timeoutMs: number;
}

export interface SessionStartSpec extends CommandSpec {
  tty: boolean;
  cols: number;
  rows: number;
  tag: string;
}

export interface Run {
  command: RunningCommand;
  sandbox: SandboxRecord;
  /** Resolves when the command ends, saying whether the daemon killed it for its timeout. */
  result: Promise<{ exitCode: number; signal: string; timedOut: boolean }>;
}

export class ExecManager {
  /** Commands running (runs and sessions), with the sandbox each runs in. */
  private readonly running = new Map<RunningCommand, string>();
  /** Of those, the one-shot runs: they keep a sandbox in use (a detached session does not). */
  private readonly runs = new Set<RunningCommand>();
  private readonly sessions = new Map<string, Session>();
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(private readonly sandboxes: SandboxManager, private readonly log: Logger) {
    sandboxes.setBusyProbe((id) => this.isBusy(id));
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
    // A deleted sandbox takes its processes with it; forget its sessions too.
    this.unsubscribe = sandboxes.onEvent(({ event }) => {
      if (event.type !== 'deleted') return;
      for (const s of this.sessions.values()) if (s.spec.sandboxId === event.sandboxId) this.sessions.delete(s.id);
    });
  }

  start(spec: RunSpec): Run {
    const { command, sandbox } = this.spawn(spec);
    this.running.set(command, spec.sandboxId);
    this.runs.add(command);
    let timedOut = false;
    const timer = spec.timeoutMs > 0 ? setTimeout(() => { timedOut = true; command.kill('SIGKILL'); }, spec.timeoutMs) : undefined;
    const result = command.exited.then((r) => ({ ...r, timedOut })).finally(() => {
      clearTimeout(timer);
      this.running.delete(command);
      this.runs.delete(command);
    });
    return { command, sandbox, result };
  }

  startSession(spec: SessionStartSpec): Session {
    const mine = [...this.sessions.values()].filter((s) => s.spec.sandboxId === spec.sandboxId && s.running);
    if (mine.length >= MAX_SESSIONS_PER_SANDBOX) {
      throw new GodelError('TOO_MANY_SESSIONS', `sandbox ${spec.sandboxId} already runs ${MAX_SESSIONS_PER_SANDBOX} sessions`);
    }
    if (spec.tag && mine.some((s) => s.spec.tag === spec.tag)) {
      throw new GodelError('SESSION_TAG_IN_USE', `sandbox ${spec.sandboxId} already has a running session tagged "${spec.tag}"`);
    }
    const { command } = this.spawn({ ...spec }, spec.tty ? { cols: spec.cols, rows: spec.rows } : undefined);
    const session = new Session({
      id: newIdBeside('ss', spec.sandboxId), sandboxId: spec.sandboxId, tag: spec.tag, argv: spec.argv, tty: spec.tty, cols: spec.cols, rows: spec.rows,
    }, command);
    this.sessions.set(session.id, session);
    this.running.set(command, spec.sandboxId);
    void session.done.then(() => {
      this.running.delete(command);
      this.log.info({ sandbox: spec.sandboxId, session: session.id, exitCode: session.exit?.exitCode, signal: session.exit?.signal }, 'session ended');
    });
    this.log.info({ sandbox: spec.sandboxId, session: session.id, tag: spec.tag || undefined, tty: spec.tty }, 'session started');
    return session;
  }

  /** A session by id, or by sandbox and tag (the running one with that tag, else the latest). */
  findSession(ref: { sessionId?: string; sandboxId?: string; tag?: string }): Session {
    if (ref.sessionId) {
      const s = this.sessions.get(ref.sessionId);
      if (!s) throw new GodelError('SESSION_NOT_FOUND', `no session with id ${ref.sessionId}`);
      return s;
    }
    if (!ref.sandboxId || !ref.tag) throw new GodelError('INVALID_ARGUMENT', 'give a session id, or a sandbox id and a tag');
    this.sandboxes.get(ref.sandboxId);
    const tagged = [...this.sessions.values()].filter((s) => s.spec.sandboxId === ref.sandboxId && s.spec.tag === ref.tag);
    const s = tagged.find((x) => x.running) ?? tagged.sort((a, b) => b.startedAt - a.startedAt)[0];
    if (!s) throw new GodelError('SESSION_NOT_FOUND', `sandbox ${ref.sandboxId} has no session tagged "${ref.tag}"`);
    return s;
  }

  listSessions(sandboxId: string): Session[] {
    this.sandboxes.get(sandboxId);
    return [...this.sessions.values()].filter((s) => s.spec.sandboxId === sandboxId).sort((a, b) => a.startedAt - b.startedAt);
  }

  sessionCounts(): { running: number; finished: number } {
    let running = 0;
    for (const s of this.sessions.values()) if (s.running) running++;
    return { running, finished: this.sessions.size - running };
  }

  runningCount(): number {
    return this.running.size;
  }

  /** In use: a command runs in the sandbox, or a client is attached to one of its sessions. */
  isBusy(sandboxId: string): boolean {
    for (const c of this.runs) if (this.running.get(c) === sandboxId) return true;
    for (const s of this.sessions.values()) if (s.spec.sandboxId === sandboxId && s.attachedCount > 0) return true;
    return false;
  }

  /** Kills every command and session still running; the sandboxes themselves keep running. */
  stop(): void {
    clearInterval(this.sweepTimer);
    this.unsubscribe();
    for (const c of this.running.keys()) c.kill('SIGKILL');
  }

  private spawn(spec: CommandSpec, tty?: { cols: number; rows: number }): { command: RunningCommand; sandbox: SandboxRecord } {
    const { sandbox, provider } = this.sandboxes.runnable(spec.sandboxId);
    const template = this.sandboxes.template(sandbox.template);
    const command = provider.exec(sandbox.handle!, {
      argv: spec.argv,
      env: composeEnv(template, sandbox, spec.env, !!tty),
      cwd: spec.cwd || WORKSPACE,
      tty,
    });
    return { command, sandbox };
  }

  private sweep(): void {
    const cutoff = Date.now() - FINISHED_SESSION_RETENTION_MS;
    for (const s of this.sessions.values()) if (s.endedAt !== undefined && s.endedAt < cutoff) this.sessions.delete(s.id);
  }
}

/** Base environment, then the template's, the sandbox's, and the command's own, later ones winning. */
function composeEnv(template: Template, sandbox: SandboxRecord, own: Record<string, string>, tty: boolean): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: WORKSPACE,
    USER: 'user',
    LANG: 'C.UTF-8',
    HOSTNAME: sandbox.id,
    GODEL_SANDBOX_ID: sandbox.id,
    ...(tty ? { TERM: 'xterm-256color' } : {}),
    ...(isAllowList(sandbox.network) ? proxyEnv() : {}),
    ...template.spec.env,
    ...sandbox.env,
    ...own,
  };
}
