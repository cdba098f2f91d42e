// godelctl agent, usage and budget: agents as people run them. `agent run` prints a readable transcript
// (text as it streams, one line per tool call, the spend at the end) or, with -o json, the normalized
// events as JSON lines; Ctrl-C aborts the agent, and the exit code says how it ended.
import { Option, type Command } from 'commander';
import { toClientError, type Agent, type AgentEvent, type GodelClient } from '../ipc/client.js';
import type { ClientReadableStream } from '@grpc/grpc-js';
import { formatTime, parsePairs, printTable } from './format.js';

type Action = <A extends unknown[]>(fn: (c: GodelClient, ...args: A) => Promise<number | void>, errorExit?: number) => (...args: A) => Promise<void>;

interface Io {
  action: Action;
  json: (v: unknown) => void;
  output: () => 'table' | 'json';
}

/** How an agent ended, as godelctl's exit code: done 0, an error 2, a spent budget 3, aborted 130 (as Ctrl-C). */
export const AGENT_EXIT: Record<string, number> = { done: 0, error: 2, budget: 3, aborted: 130 };

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface RunOptions {
  runtime: string;
  template: string;
  sandbox?: string;
  model: string;
  budget?: string;
  env: string[];
  label: string[];
  wait: string;
  workdir: string;
  swarm?: string;
  swarmBudget?: string;
  detach?: boolean;
}

function usd(n: number): string {
  return `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`;
}

function money(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number of US dollars, not "${value}"`);
  return n;
}

function tokens(u: Agent['usage']): string {
  if (!u) return '-';
  return `${Number(u.inputTokens)} in, ${Number(u.outputTokens)} out${Number(u.cacheReadTokens) ? `, ${Number(u.cacheReadTokens)} cache read` : ''}`;
}

/** One line, cut to the terminal's width. */
function oneLine(text: string, width = process.stdout.columns || 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, Math.max(10, width - 1))}…` : flat;
}

/** Prints a stream of events as a transcript (or JSON lines); resolves with the end event, if one came. */
function follow(s: ClientReadableStream<AgentEvent>, c: GodelClient, json: boolean, onStarted?: (a: Agent) => void): Promise<AgentEvent['end'] | undefined> {
  let midText = false;
  const newline = (): void => {
    if (midText) process.stdout.write('\n');
    midText = false;
  };
  return new Promise((resolve, reject) => {
    let end: AgentEvent['end'] | undefined;
    s.on('data', (e: AgentEvent) => {
      if (e.started) onStarted?.(e.started);
      if (e.end) end = e.end;
      if (json) {
        const { raw, ...rest } = e;
        process.stdout.write(`${JSON.stringify(raw ? { ...rest, raw } : rest)}\n`);
        return;
      }
      if (e.started) process.stderr.write(`agent ${e.started.id} (${e.started.runtime}, ${e.started.model}) in sandbox ${e.started.sandboxId}\n`);
      else if (e.text) {
        process.stdout.write(e.text.text);
        midText = !e.text.text.endsWith('\n');
      } else if (e.toolCall) {
        newline();
        process.stdout.write(`${oneLine(`▸ ${e.toolCall.name} ${e.toolCall.input}`)}\n`);
      } else if (e.toolResult?.isError) {
        newline();
        process.stdout.write(`${oneLine(`  ✗ ${e.toolResult.output}`)}\n`);
      } else if (e.notice) {
        newline();
        process.stderr.write(`${oneLine(`! ${e.notice}`)}\n`);
      } else if (e.prompt && Number(e.seq) > 2) {
        newline();
        process.stdout.write(`${oneLine(`» ${e.prompt}`)}\n`);
      } else if (e.end) {
        newline();
        const t = e.end.totals;
        // A done agent's message is its last answer, already printed.
        const why = e.end.reason !== 'done' && e.end.message ? `: ${oneLine(e.end.message, 200)}` : '';
        process.stderr.write(`── ${e.end.reason}${why} · ${usd(t?.costUsd ?? 0)} · ${tokens(t)} · ${Number(t?.requests ?? 0)} model calls\n`);
      }
    });
    s.on('end', () => resolve(end));
    s.on('error', (err) => reject(toClientError(err, c.socket)));
  });
}

/** Streams an agent until its end; the first Ctrl-C aborts it (and keeps streaming to its end), a second leaves. */
async function streamWithAbort(c: GodelClient, s: ClientReadableStream<AgentEvent>, json: boolean): Promise<number> {
  let agentId = '';
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1 || !agentId) {
      s.cancel();
      process.exit(130);
    }
    process.stderr.write(`\naborting agent ${agentId} (Ctrl-C again to leave it running)\n`);
    c.abortAgent(agentId).catch((err: unknown) => process.stderr.write(`godelctl: ${(err as Error).message}\n`));
  };
  process.on('SIGINT', onSigint);
  try {
    const end = await follow(s, c, json, (a) => { agentId = a.id; });
    return end ? AGENT_EXIT[end.reason] ?? 2 : 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function registerAgentCommands(program: Command, io: Io): void {
  const agent = program.command('agent').description('run agent CLIs (pi, claude, codex) in sandboxes, behind the model gateway');

  agent.command('run')
    .description('start an agent on a prompt and print its transcript; Ctrl-C aborts it. Exit code: 0 done, 2 error, 3 budget, 130 aborted')
    .argument('<prompt...>')
    .addOption(new Option('-r, --runtime <name>', 'agent CLI').choices(['pi', 'claude', 'codex']).default('claude'))
    .option('-t, --template <name>', 'template of the new sandbox', 'default')
    .option('--sandbox <id>', 'run in this sandbox instead of a new one')
    .option('-m, --model <name>', 'model (default: the runtime\'s default in the daemon\'s config)', '')
    .option('-b, --budget <usd>', 'the most the agent may spend, in US dollars')
    .option('-e, --env <KEY=VALUE>', 'environment variable for the CLI (repeatable)', collect, [])
    .option('-l, --label <key=value>', 'label of the agent and its sandbox (repeatable)', collect, [])
    .option('--wait <seconds>', 'after answering, wait this long for a follow-up (agent send) before ending', '0')
    .option('-w, --workdir <dir>', 'where the agent works inside the sandbox', '')
    .option('--swarm <count>', 'run COUNT agents on the same prompt, each in its own sandbox; prints a line per agent as it ends')
    .option('--swarm-budget <usd>', 'with --swarm: a budget the whole swarm shares')
    .option('-d, --detach', 'print the agent id and leave it running')
    .action(io.action(async (c, words: string[], opts: RunOptions) => {
      const budget = opts.budget !== undefined ? money(opts.budget, '--budget') : undefined;
      const wait = Number(opts.wait);
      if (!Number.isInteger(wait) || wait < 0) throw new Error(`--wait must be a whole number of seconds, not "${opts.wait}"`);
      const base = {
        runtime: opts.runtime, model: opts.model, prompt: words.join(' '), env: parsePairs(opts.env, '--env'), labels: parsePairs(opts.label, '--label'),
        waitSeconds: wait, workdir: opts.workdir, ...(budget !== undefined ? { budgetUsd: budget } : {}),
        ...(opts.sandbox ? { sandboxId: opts.sandbox } : { template: opts.template }),
      };
      if (opts.swarm !== undefined) return runSwarm(c, io, base, opts);
      const s = c.runAgent(base);
      if (opts.detach) {
        const id = await new Promise<string>((resolve, reject) => {
          s.on('data', (e: AgentEvent) => { if (e.started) { resolve(e.started.id); s.cancel(); } });
          s.on('error', (err) => reject(toClientError(err, c.socket)));
        });
        process.stdout.write(`${id}\n`);
        return 0;
      }
      return streamWithAbort(c, s, io.output() === 'json');
    }));

  agent.command('attach')
    .description('print an agent\'s transcript so far, then follow it live to its end; Ctrl-C aborts it')
    .argument('<agent>')
    .option('--no-replay', 'only what comes next')
    .action(io.action(async (c, id: string, opts: { replay: boolean }) => streamWithAbort(c, c.attachAgent({ agentId: id, noReplay: !opts.replay }), io.output() === 'json')));

  agent.command('send')
    .description('give a running agent a follow-up prompt (pi, claude)')
    .argument('<agent>')
    .argument('<prompt...>')
    .action(io.action(async (c, id: string, words: string[]) => {
      const a = await c.sendAgent(id, words.join(' '));
      if (io.output() === 'json') io.json(a);
      else process.stdout.write(`${a.id}: prompt ${a.prompts} given\n`);
    }));

  agent.command('abort')
    .description('stop a running agent')
    .argument('<agent>')
    .action(io.action(async (c, id: string) => {
      const a = await c.abortAgent(id);
      if (io.output() === 'json') io.json(a);
      else process.stdout.write(`${a.id}: aborting\n`);
    }));

  agent.command('inspect')
    .description('show an agent as JSON')
    .argument('<agent>')
    .action(io.action(async (c, id: string) => { io.json(await c.getAgent(id)); }));

  agent.command('ls')
    .description('list agents: state, model, spend')
    .option('-l, --label <key=value>', 'only agents with this label (repeatable)', collect, [])
    .option('--swarm <id>', 'only this swarm\'s agents', '')
    .option('--running', 'only agents still running')
    .action(io.action(async (c, opts: { label: string[]; swarm: string; running?: boolean }) => {
      const list = await c.listAgents({ labelSelector: parsePairs(opts.label, '--label'), swarmId: opts.swarm, running: !!opts.running });
      if (io.output() === 'json') { io.json(list); return; }
      printTable(['AGENT', 'RUNTIME', 'MODEL', 'STATE', 'SPENT', 'BUDGET', 'SANDBOX', 'CREATED'], list.map((a) => [
        a.id, a.runtime, a.model, a.state === 'AGENT_ENDED' ? `ended (${a.endReason})` : a.state.replace('AGENT_', '').toLowerCase(),
        usd(a.usage?.costUsd ?? 0), a.budgetUsd ? usd(a.budgetUsd) : '-', a.sandboxId, formatTime(a.createdAt),
      ]));
    }));

  program.command('usage')
    .description('what agents spent: all of them, one agent, a label\'s or a swarm\'s, over every node of a federation that answers')
    .option('--agent <id>', 'one agent', '')
    .option('--label <key=value>', 'agents with this label', '')
    .option('--swarm <id>', 'one swarm\'s agents', '')
    .action(io.action(async (c, opts: { agent: string; label: string; swarm: string }) => {
      const u = await c.usage({ agentId: opts.agent, label: opts.label, swarmId: opts.swarm });
      // Said in either output: a sum without some nodes' agents must not pass for the whole.
      if (u.unreachableNodes.length) process.stderr.write(`godelctl: unreachable, their agents are not counted: ${u.unreachableNodes.join(', ')}\n`);
      if (io.output() === 'json') { io.json(u); return; }
      printTable(['MODEL', 'CALLS', 'INPUT', 'OUTPUT', 'CACHE_READ', 'CACHE_WRITE', 'COST'], [
        ...u.models.map((m) => [m.model, String(m.usage?.requests ?? 0), String(m.usage?.inputTokens ?? 0), String(m.usage?.outputTokens ?? 0),
          String(m.usage?.cacheReadTokens ?? 0), String(m.usage?.cacheWriteTokens ?? 0), usd(m.usage?.costUsd ?? 0)]),
        ['total', String(u.total?.requests ?? 0), String(u.total?.inputTokens ?? 0), String(u.total?.outputTokens ?? 0),
          String(u.total?.cacheReadTokens ?? 0), String(u.total?.cacheWriteTokens ?? 0), usd(u.total?.costUsd ?? 0)],
      ]);
      const on = u.nodes.length > 1 ? ` on ${u.nodes.length} nodes (${u.nodes.join(', ')})` : '';
      process.stdout.write(`${u.agents} agents${on}${u.budgetUsd ? `, budget ${usd(u.budgetUsd)}` : ''}\n`);
    }));

  program.command('budget')
    .description('set a budget shared by the agents with a label, or of a swarm (0 removes it)')
    .argument('<usd>')
    .option('--label <key=value>', 'agents with this label', '')
    .option('--swarm <id>', 'a swarm\'s agents', '')
    .action(io.action(async (c, amount: string, opts: { label: string; swarm: string }) => {
      const n = Number(amount);
      if (!Number.isFinite(n) || n < 0) throw new Error(`the budget must be a number of US dollars, 0 or more, not "${amount}"`);
      const b = await c.setBudget({ label: opts.label, swarmId: opts.swarm, budgetUsd: n });
      if (io.output() === 'json') io.json(b);
      else process.stdout.write(`${opts.label || `swarm ${opts.swarm}`}: budget ${b.budgetUsd ? usd(b.budgetUsd) : 'none'}, spent ${usd(b.spentUsd)}\n`);
    }));
}

/**
 * --swarm N: a swarm of N sandboxes placed over the federation (warm pools first: Swarm.Spawn), and an
 * agent on the same prompt in each, on the member's own node; a line per agent as each ends.
 */
async function runSwarm(c: GodelClient, io: Io, base: Parameters<GodelClient['runAgent']>[0], opts: RunOptions): Promise<number> {
  const n = Number(opts.swarm);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`--swarm must be a whole number from 1 to 1000, not "${opts.swarm}"`);
  if (opts.sandbox) throw new Error('--swarm places sandboxes of its own; it does not take --sandbox');
  const swarmBudget = opts.swarmBudget !== undefined ? money(opts.swarmBudget, '--swarm-budget') : undefined;
  const { sandboxes, done } = await c.spawnSwarmCollect({ template: opts.template, count: n, labels: base.labels ?? {}, allOrNothing: true });
  const swarmId = done.swarmId;
  // Set on this node, the budget reaches the swarm's other nodes before setBudget returns (daemon/agents/budget-book.ts).
  if (swarmBudget !== undefined) await c.setBudget({ swarmId, budgetUsd: swarmBudget });
  if (io.output() !== 'json') {
    process.stderr.write(`swarm ${swarmId}: ${n} agents on ${done.placements.map((p) => `${p.node} (${p.count}, ${p.warm} warm)`).join(', ')}\n`);
  }
  const onSigint = (): void => {
    process.stderr.write(`\naborting swarm ${swarmId}\n`);
    void Promise.all(ids.map((id) => c.abortAgent(id).catch((err: unknown) => process.stderr.write(`godelctl: ${id}: ${(err as Error).message}\n`))));
  };
  const ids: string[] = [];
  process.on('SIGINT', onSigint);
  let failed = 0;
  let total = 0;
  try {
    await Promise.all(sandboxes.map(async (sb) => {
      const { template: _template, ...rest } = base;
      const s = c.runAgent({ ...rest, sandboxId: sb.id, swarmId });
      let agent: Agent | undefined;
      let end: AgentEvent['end'] | undefined;
      try {
        end = await new Promise<AgentEvent['end'] | undefined>((resolve, reject) => {
          let last: AgentEvent['end'] | undefined;
          s.on('data', (e: AgentEvent) => {
            if (e.started) { agent = e.started; ids.push(e.started.id); }
            if (e.end) last = e.end;
          });
          s.on('end', () => resolve(last));
          s.on('error', (err) => reject(toClientError(err, c.socket)));
        });
      } catch (err) {
        failed++;
        process.stderr.write(`godelctl: ${sb.id}: ${(err as Error).message}\n`);
        return;
      }
      const cost = end?.totals?.costUsd ?? 0;
      total += cost;
      if (end?.reason !== 'done') failed++;
      if (io.output() === 'json') process.stdout.write(`${JSON.stringify({ agent: agent?.id, sandbox: sb.id, node: sb.node, ...end })}\n`);
      else process.stdout.write(`${agent?.id ?? '?'}  ${sb.node}  ${end?.reason ?? 'lost'}  ${usd(cost)}${end?.reason !== 'done' && end?.message ? `  ${oneLine(end.message, 80)}` : ''}\n`);
    }));
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (io.output() !== 'json') process.stderr.write(`swarm ${swarmId}: ${n - failed} done, ${failed} not, ${usd(total)} in all; its sandboxes stay (godelctl swarm rm ${swarmId})\n`);
  return failed ? 2 : 0;
}
