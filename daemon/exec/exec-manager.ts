// The exec manager starts commands in sandboxes and owns them while they run: it composes their
// environment, enforces their timeout, and kills what is left when the daemon stops.
import type { Logger } from '../log.js';
import type { RunningCommand } from '../providers/provider.js';
import { WORKSPACE } from '../providers/process/process-provider.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import type { Template } from '../config/config.js';
import type { SandboxRecord } from '../store/store.js';

export interface RunSpec {
  sandboxId: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
}

export interface Run {
  command: RunningCommand;
  sandbox: SandboxRecord;
  /** Resolves when the command ends, saying whether the daemon killed it for its timeout. */
  result: Promise<{ exitCode: number; signal: string; timedOut: boolean }>;
}

export class ExecManager {
  private readonly running = new Set<RunningCommand>();

  constructor(private readonly sandboxes: SandboxManager, private readonly log: Logger) {}

  start(spec: RunSpec): Run {
    const { sandbox, provider } = this.sandboxes.runnable(spec.sandboxId);
    const template = this.sandboxes.template(sandbox.template);
    const command = provider.exec(sandbox.handle!, {
      argv: spec.argv,
      env: composeEnv(template, sandbox, spec.env),
      cwd: spec.cwd || WORKSPACE,
    });
    this.running.add(command);
    let timedOut = false;
    const timer = spec.timeoutMs > 0 ? setTimeout(() => { timedOut = true; command.kill('SIGKILL'); }, spec.timeoutMs) : undefined;
    const result = command.exited.then((r) => ({ ...r, timedOut })).finally(() => {
      clearTimeout(timer);
      this.running.delete(command);
    });
    this.log.debug({ sandbox: sandbox.id, argv0: spec.argv[0] }, 'command started');
    return { command, sandbox, result };
  }

  /** Kills every command still running; the sandboxes themselves keep running. */
  stop(): void {
    for (const c of this.running) c.kill('SIGKILL');
  }
}

/** Base environment, then the template's, the sandbox's, and the command's own, later ones winning. */
function composeEnv(template: Template, sandbox: SandboxRecord, own: Record<string, string>): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: WORKSPACE,
    USER: 'user',
    LANG: 'C.UTF-8',
    HOSTNAME: sandbox.id,
    GODEL_SANDBOX_ID: sandbox.id,
    ...template.spec.env,
    ...sandbox.env,
    ...own,
  };
}
