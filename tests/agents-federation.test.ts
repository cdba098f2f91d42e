// Agents over a federation: `godelctl agent run --swarm N` asked of one node places the swarm's sandboxes
// over both (warm pools first) and runs an agent on each member's own node; calls naming an agent of the
// other node (Get, Attach) are forwarded to it. Real daemons over real mTLS on 127.0.0.2-3, the real claude
// CLI, and a FAKE model server on 127.0.40.3 answering both nodes' gateways. Usage of a swarm or a label,
// asked of either node, sums both nodes' agents, and names a node that does not answer.
import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GODELCTL, expectError } from './helpers/daemon.js';
import { startFederation } from './helpers/federation.js';
import { startFakeModels } from './helpers/fake-models/fake-models.js';
import { AGENT_TASKS } from './helpers/agent-tasks.js';

const run = promisify(execFile);

t.test('a swarm of agents over two nodes', async (t) => {
  const fake = await startFakeModels({ host: '127.0.40.3' });
  t.teardown(() => fake.close());
  fake.setScript([{ text: 'member done', usage: { input: 100, output: 10 } }], { repeat: true });
  const models = { providers: { anthropic: { api: 'anthropic', base_url: fake.url, api_key_env: 'GODEL_TEST_ANTHROPIC_KEY' } } };
  const { nodes } = await startFederation(t, 2, {
    pool: () => ({ min_idle: 1 }),
    extra: () => ({ models }),
    env: { GODEL_TEST_ANTHROPIC_KEY: 'sk-ant-godeltest-federated' },
  });
  const [a, b] = nodes as [typeof nodes[0], typeof nodes[0]];
  const { stdout, stderr } = await run(process.execPath, [GODELCTL, '--socket', a.daemon.socket, '-o', 'json', 'agent', 'run', '--swarm', '2', '-r', 'claude',
    '-m', AGENT_TASKS.claude.model, '-l', 'suite=federation', 'say done'], { timeout: 120_000 });
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { agent: string; sandbox: string; node: string; reason: string; totals: { costUsd: number } });
  t.equal(lines.length, 2, `a line per agent (${stderr.trim()})`);
  t.same(lines.map((l) => l.reason), ['done', 'done'], 'both done');
  t.same(new Set(lines.map((l) => l.node)), new Set([a.name, b.name]), 'one agent on each node (each had a warm sandbox)');
  for (const l of lines) {
    t.ok(l.agent.endsWith(`-${l.node}`), 'the agent id names its node');
    t.ok(l.totals.costUsd > 0, 'and its spend');
  }
  // Asked of node a, an agent of node b is answered by b.
  const remote = lines.find((l) => l.node === b.name)!;
  const got = await a.daemon.client.getAgent(remote.agent);
  t.equal(got.sandboxId, remote.sandbox);
  const replay = await a.daemon.client.collectAgentEvents(a.daemon.client.attachAgent({ agentId: remote.agent }));
  t.ok(replay.some((e) => e.text?.text.includes('member done')), 'attach is forwarded too');
  t.equal((await b.daemon.client.listAgents({})).length, 1, 'node b runs its own agent');
  const swarmId = got.swarmId;
  t.ok(swarmId, 'the agents carry the swarm id');

  // The swarm's usage, asked of either node, is both nodes' agents (each node asked for its own).
  interface UsageJson { agents: number; nodes: string[]; unreachableNodes: string[]; total: { costUsd: number; requests: number; outputTokens: number }; models: Array<{ model: string }> }
  const usage = async (via: typeof a, ...args: string[]): Promise<{ u: UsageJson; stderr: string }> => {
    const r = await run(process.execPath, [GODELCTL, '--socket', via.daemon.socket, '-o', 'json', 'usage', ...args], { timeout: 30_000 });
    return { u: JSON.parse(r.stdout) as UsageJson, stderr: r.stderr };
  };
  const own = await Promise.all([a, b].map((n) => n.daemon.client.usage({ swarmId, node: n.name })));
  t.same(own.map((u) => [u.agents, u.nodes]), [[1, [a.name]], [1, [b.name]]], 'asked for one node\'s part, each node counts its own agent');
  const spentBoth = lines.reduce((sum, l) => sum + l.totals.costUsd, 0);
  for (const via of [a, b]) {
    const { u } = await usage(via, '--swarm', swarmId);
    t.equal(u.agents, 2, `the swarm's two agents, asked of ${via.name}`);
    t.same([...u.nodes].sort(), [a.name, b.name].sort(), 'from both nodes');
    t.same(u.unreachableNodes, []);
    t.ok(Math.abs(u.total.costUsd - spentBoth) < 1e-9, `the spend of both (${u.total.costUsd} of ${spentBoth})`);
    t.equal(u.total.requests, own[0]!.total!.requests + own[1]!.total!.requests, 'and their model calls');
    t.same(u.models.map((m) => m.model), [AGENT_TASKS.claude.model]);
  }
  t.equal((await usage(b, '--label', 'suite=federation')).u.agents, 2, 'a label\'s usage spans the nodes too');
  const table = await run(process.execPath, [GODELCTL, '--socket', a.daemon.socket, 'usage', '--swarm', swarmId]);
  t.match(table.stdout, new RegExp(`^2 agents on 2 nodes \\(${a.name}, ${b.name}\\)$`, 'm'), 'the table says over which nodes');

  // A swarm budget holds on every node: set on node a, it bounds the swarm's agent on node b by what the
  // two nodes spent together. Node b's own spend, half of it, is under the budget.
  const spent = lines.reduce((sum, l) => sum + l.totals.costUsd, 0);
  const set = await a.daemon.client.setBudget({ swarmId, budgetUsd: spent * 0.75 });
  t.ok(Math.abs(set.spentUsd - spent) < 1e-9, `the swarm's spend on both nodes (${set.spentUsd} of ${spent})`);
  t.equal((await b.daemon.client.usage({ swarmId })).budgetUsd, spent * 0.75, 'node b holds the budget set on node a');
  const again = { sandboxId: remote.sandbox, runtime: 'claude', model: AGENT_TASKS.claude.model, prompt: 'again', swarmId };
  const refused = await expectError(b.daemon.client.collectAgentEvents(b.daemon.client.runAgent(again)), 'BUDGET_SPENT');
  t.match(refused.message, new RegExp(`budget of \\$[0-9.]+ for swarm ${swarmId} is spent`));
  // Removed on node a, it is gone on node b too, and b's agent runs.
  await a.daemon.client.setBudget({ swarmId, budgetUsd: 0 });
  t.equal((await b.daemon.client.usage({ swarmId })).budgetUsd, 0, 'the removal reached node b');
  const events = await b.daemon.client.collectAgentEvents(b.daemon.client.runAgent(again));
  t.equal(events.find((e) => e.end)?.end?.reason, 'done');
  await run(process.execPath, [GODELCTL, '--socket', a.daemon.socket, 'swarm', 'rm', swarmId]);

  // A node that does not answer is named, and what the others have is still summed.
  await b.daemon.stop();
  const partial = await usage(a, '--swarm', swarmId);
  t.same([partial.u.agents, partial.u.nodes, partial.u.unreachableNodes], [1, [a.name], [b.name]], 'node a\'s agent, and node b named as not answering');
  t.match(partial.stderr, `unreachable, their agents are not counted: ${b.name}`, 'godelctl says so');
});
