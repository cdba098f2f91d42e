// The scripted task each real agent CLI is given in the tests: one tool call, with the CLI's own tool,
// that writes a file, then a final text. The tool names are the CLIs' own (checked against the pinned
// versions in tests/agent-runtimes.test.ts): claude's Write, pi's write, codex's exec_command.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { FakeTurn } from './fake-models/fake-models.js';

export type RuntimeName = 'claude' | 'pi' | 'codex';

export interface AgentTask {
  /** A model of the daemon's price table, served by the provider of kind `api`. */
  model: string;
  api: 'anthropic' | 'openai';
  /** The turns that make the CLI write `content` into `file` (an absolute path under /workspace). */
  script(file: string, content: string): FakeTurn[];
  finalText: string;
}

const FINAL = 'I wrote the file.';
const done: FakeTurn = { text: FINAL, usage: { input: 1200, output: 40, cacheRead: 300 } };
const usage = { input: 1000, output: 500, cacheRead: 200, cacheWrite: 100 };

export const AGENT_TASKS: Record<RuntimeName, AgentTask> = {
  claude: {
    model: 'claude-sonnet-4-5', api: 'anthropic', finalText: FINAL,
    script: (file, content) => [{ toolCalls: [{ name: 'Write', input: { file_path: file, content } }], usage }, done],
  },
  pi: {
    model: 'gpt-5', api: 'openai', finalText: FINAL,
    script: (file, content) => [{ toolCalls: [{ name: 'write', input: { path: file, content } }], usage }, done],
  },
  codex: {
    model: 'gpt-5-codex', api: 'openai', finalText: FINAL,
    // printf's format is the content itself (the tests' contents hold no % or ').
    script: (file, content) => [{ toolCalls: [{ name: 'exec_command', input: { cmd: `printf '${content.replace(/\n/g, '\\n')}' > ${file}` } }], usage: { input: 1000, output: 500, cacheRead: 200 } }, done],
  },
};

/** What the fake reported as output tokens for the requests it answered (turn index per request; undefined: its exhausted answer, 1 token). */
export function scriptedOutput(script: FakeTurn[], turns: Array<number | undefined>): number {
  return turns.reduce<number>((sum, i) => {
    const turn = i === undefined ? undefined : script[i];
    if (i === undefined) return sum + 1;
    return sum + (turn && 'usage' in turn ? turn.usage?.output ?? 5 : 0);
  }, 0);
}

/** A gateway token as it stands in an environment: VAR=godel-agent-<32 base64url characters>. */
const TOKEN_RE = /=(godel-agent-[A-Za-z0-9_-]{32})(?:\0|$)/;

/**
 * The host pid of a running agent's CLI: the process inside its sandbox (its own pid namespace, not the
 * host's, where the exec helper that started it also carries its environment) that holds a gateway token.
 */
export function agentCliPid(sandboxId: string): string | undefined {
  const hostNs = readlinkSync('/proc/self/ns/pid');
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    let env: string;
    let ns: string;
    try {
      env = readFileSync(`/proc/${pid}/environ`, 'utf8');
      ns = readlinkSync(`/proc/${pid}/ns/pid`);
    } catch {
      continue; // Gone meanwhile, or not ours to read.
    }
    if (ns !== hostNs && env.split('\0').includes(`GODEL_SANDBOX_ID=${sandboxId}`) && TOKEN_RE.test(env)) return pid;
  }
  return undefined;
}

/** The gateway token of a running agent, read on the host from its CLI's environment (root reads any). */
export function agentToken(sandboxId: string): string | undefined {
  const pid = agentCliPid(sandboxId);
  return pid ? TOKEN_RE.exec(readFileSync(`/proc/${pid}/environ`, 'utf8'))?.[1] : undefined;
}
