// Agents end to end: the real pi, claude and codex CLIs in real process sandboxes, their model calls going
// through godeld's model gateway to a FAKE model server on 127.0.40.1 (tests/helpers/fake-models) that
// answers from a script, tool calls included. One daemon serves every case but the ones that need their own
// (a restart, a broken CLI).
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GODELCTL, expectError, startDaemon, waitFor } from './helpers/daemon.js';
import { startFakeModels, type FakeModels } from './helpers/fake-models/fake-models.js';
import { AGENT_TASKS, agentCliPid, agentToken, scriptedOutput, type RuntimeName } from './helpers/agent-tasks.js';
import type { AgentEvent, GodelClient, RunAgentRequest } from '../ipc/client.js';
import { Store } from '../daemon/store/store.js';
import { pino } from 'pino';

const FAKE_HOST = '127.0.40.1';
const ANTHROPIC_KEY = 'sk-ant-godeltest-REALKEY-7f3a9c1e5b';
const OPENAI_KEY = 'sk-proj-godeltest-REALKEY-2d8e4f6a0c';
const KEY_ENV = { GODEL_TEST_ANTHROPIC_KEY: ANTHROPIC_KEY, GODEL_TEST_OPENAI_KEY: OPENAI_KEY };

function config(fake: FakeModels, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    templates: { default: { pool: { min_idle: 1 } } },
    models: {
      providers: {
        anthropic: { api: 'anthropic', base_url: fake.url, api_key_env: 'GODEL_TEST_ANTHROPIC_KEY' },
        openai: { api: 'openai', base_url: fake.url, api_key_env: 'GODEL_TEST_OPENAI_KEY' },
        // An upstream that is down: nothing listens there.
        down: { api: 'anthropic', base_url: 'http://127.0.40.9:9', api_key_env: 'GODEL_TEST_ANTHROPIC_KEY' },
      },
      prices: { 'down-model': { provider: 'down', input: 1, output: 1, cache_read: 0, cache_write: 0, source: 'test' } },
    },
    ...extra,
  };
}

async function runToEnd(c: GodelClient, req: RunAgentRequest): Promise<AgentEvent[]> {
  return c.collectAgentEvents(c.runAgent(req));
}

function endOf(events: AgentEvent[]): NonNullable<AgentEvent['end']> {
  const end = events.find((e) => e.end)?.end;
  if (!end) throw new Error(`no end event in ${JSON.stringify(events.map((e) => e.event))}`);
  return end;
}

/** The gateway's metered usage events (one per model call). */
function gatewayUsage(events: AgentEvent[]): Array<NonNullable<AgentEvent['usage']>> {
  return events.flatMap((e) => (e.usage && e.usage.source === 'gateway' ? [e.usage] : []));
}

/** A raw HTTP request to a gateway listener on a Unix socket, as a CLI would make it. */
function gatewayCall(socketPath: string, token: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request({ socketPath, path: '/p/anthropic/v1/messages', method: 'POST', headers: { 'x-api-key': token, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

t.test('agents', async (t) => {
  const fake = await startFakeModels({ host: FAKE_HOST });
  t.teardown(() => fake.close());
  const d = await startDaemon(t, { config: config(fake), env: KEY_ENV });
  const c = d.client;

  for (const runtime of ['claude', 'pi', 'codex'] as RuntimeName[]) {
    t.test(`${runtime}: a scripted task writes a file through the CLI's own tool, metered by the gateway`, async (t) => {
      const task = AGENT_TASKS[runtime];
      const file = `/workspace/${runtime}-hello.txt`;
      fake.requests.length = 0;
      const script = task.script(file, `hello from ${runtime}\n`);
      fake.setScript(script);
      const events = await runToEnd(c, { template: 'default', runtime, model: task.model, prompt: `write ${file}`, labels: { suite: 'agents' } });
      const started = events[0]?.started;
      t.ok(started, 'the first event is started');
      const end = endOf(events);
      t.equal(end.reason, 'done', `ended done (${end.message})`);
      t.equal(end.exitCode, 0);
      const sandboxId = started!.sandboxId;
      const out = await c.runCollect({ sandboxId, argv: ['cat', file] });
      t.equal(out.stdout.toString(), `hello from ${runtime}\n`, 'the file is there with the content the fake asked for');

      const call = events.find((e) => e.toolCall)?.toolCall;
      t.ok(call, 'a tool call was normalized');
      t.match(call!.input, runtime === 'codex' ? /hello from codex/ : new RegExp(`${runtime}-hello`), 'with its input');
      t.ok(events.some((e) => e.toolResult), 'and its result');
      t.ok(events.some((e) => e.text && e.text.text.includes(task.finalText)), 'the final text streamed');

      // What the fake sent, priced: every model call is one gateway usage event, and they add up to the totals.
      const metered = gatewayUsage(events);
      const modelCalls = fake.requests.filter((r) => r.api);
      t.equal(metered.length, modelCalls.length, 'one metered usage event per model call');
      const sum = metered.reduce((a, u) => a + Number(u.usage!.outputTokens), 0);
      t.equal(Number(end.totals!.outputTokens), sum, 'the totals are the sum of the calls');
      t.equal(Number(end.totals!.outputTokens), scriptedOutput(script, modelCalls.map((r) => r.turn)), 'and equal what the fake reported');
      t.ok(end.totals!.costUsd > 0, 'priced');

      // The real key reached the upstream; the sandbox's token did not.
      const key = task.api === 'anthropic' ? ANTHROPIC_KEY : OPENAI_KEY;
      for (const r of modelCalls) {
        const auth = String(r.headers['x-api-key'] ?? r.headers.authorization ?? '');
        t.ok(auth.includes(key), `${r.path} carried the real key`);
        t.notMatch(JSON.stringify(r.headers), /godel-agent-/, 'and no agent token');
      }
      const agent = await c.getAgent(started!.id);
      t.equal(agent.state, 'AGENT_ENDED');
      t.equal(agent.usage!.costUsd, end.totals!.costUsd, 'Get shows the same spend');
      await c.deleteSandbox(sandboxId);
    });
  }

  t.test('a budget stops an agent mid-task with reason budget', async (t) => {
    const task = AGENT_TASKS.claude;
    // Each answer costs $0.0105 at claude-sonnet-4-5's price; the budget is spent after the first.
    fake.setScript([
      { toolCalls: [{ name: 'Write', input: { file_path: '/workspace/one.txt', content: 'one\n' } }], usage: { input: 1000, output: 500 } },
      { toolCalls: [{ name: 'Write', input: { file_path: '/workspace/two.txt', content: 'two\n' } }], usage: { input: 1000, output: 500 } },
      { text: 'done', usage: { input: 1000, output: 500 } },
    ]);
    const events = await runToEnd(c, { template: 'default', runtime: 'claude', model: task.model, prompt: 'write two files', budgetUsd: 0.01 });
    const end = endOf(events);
    t.equal(end.reason, 'budget', end.message);
    t.match(end.message, /budget/);
    const sandboxId = events[0]!.started!.sandboxId;
    const ls = await c.runCollect({ sandboxId, argv: ['ls', '/workspace'] });
    t.match(ls.stdout.toString(), /one\.txt/, 'the first step ran');
    t.notMatch(ls.stdout.toString(), /two\.txt/, 'the second never did');
    t.ok(end.totals!.costUsd >= 0.01 && end.totals!.costUsd < 0.02, `spent one answer's worth ($${end.totals!.costUsd})`);
    t.ok(events.some((e) => e.notice?.includes('refused')), 'the refusal is recorded on the agent');
    await c.deleteSandbox(sandboxId);
  });

  t.test('the real key is nowhere inside the sandbox; another agent\'s token is refused', async (t) => {
    const task = AGENT_TASKS.claude;
    fake.setScript([{ text: 'waiting', usage: { input: 10, output: 5 } }], { repeat: true });
    // Two agents that stay up (waiting for a follow-up) in two sandboxes.
    const a = c.runAgent({ template: 'default', runtime: 'claude', model: task.model, prompt: 'hi', waitSeconds: 60 });
    const b = c.runAgent({ template: 'default', runtime: 'claude', model: task.model, prompt: 'hi', waitSeconds: 60 });
    const started = await Promise.all([a, b].map((s) => new Promise<NonNullable<AgentEvent['started']>>((resolve, reject) => {
      s.on('data', (e: AgentEvent) => { if (e.started) resolve(e.started); });
      s.on('error', reject);
    })));
    const [agentA, agentB] = started as [NonNullable<AgentEvent['started']>, NonNullable<AgentEvent['started']>];
    const tokenA = await waitFor('agent A\'s CLI to run', () => agentToken(agentA.sandboxId));
    // While A's agent runs: no process of its sandbox has a real key in its environment or arguments, and
    // no file the sandbox sees holds one. Looked at from the host (a scan from inside would carry the keys
    // in its own arguments): every process in the CLI's pid namespace, and the files under its root.
    const cli = agentCliPid(agentA.sandboxId)!;
    const pidNs = readlinkSync(`/proc/${cli}/ns/pid`);
    const procs = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/ns/pid`) === pidNs;
      } catch {
        return false; // Gone meanwhile.
      }
    });
    t.ok(procs.length >= 2 && procs.length < 30, `the sandbox's processes are seen (${procs.length})`);
    const texts = procs.flatMap((p) => ['environ', 'cmdline'].map((f) => {
      try {
        return readFileSync(`/proc/${p}/${f}`, 'latin1');
      } catch {
        return ''; // Gone meanwhile.
      }
    }));
    t.notOk(texts.some((x) => x.includes(ANTHROPIC_KEY) || x.includes(OPENAI_KEY)), 'no process in the sandbox has a real key in its environment or argv');
    t.ok(texts.some((x) => x.includes(tokenA)), 'the scan saw the agent\'s own token (it looked in the right places)');
    const root = `/proc/${cli}/root`;
    const grep = spawnSync('grep', ['-rlF', '-e', ANTHROPIC_KEY, '-e', OPENAI_KEY, `${root}/tmp`, `${root}/workspace`, `${root}/etc`, `${root}/.godel`], { encoding: 'utf8' });
    t.equal(grep.stdout, '', 'no file in the sandbox holds one');
    t.equal(grep.status, 1, 'grep looked and found nothing');

    // A's token on B's listener: refused as another sandbox's.
    const sockB = join(d.stateDir, 'gw', agentB.sandboxId, '4100.sock');
    const wrong = await gatewayCall(sockB, tokenA, { model: task.model, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    t.equal(wrong.status, 403, 'a token used from another sandbox is refused');
    t.match(wrong.body, /another sandbox/);
    const junk = await gatewayCall(sockB, 'godel-agent-notatoken', { model: task.model, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    t.equal(junk.status, 401, 'an unknown token is refused');
    // A ends (aborted); its token is then refused everywhere.
    await c.abortAgent(agentA.id);
    const eventsA = await c.collectAgentEvents(c.attachAgent({ agentId: agentA.id, noReplay: false }));
    t.equal(endOf(eventsA).reason, 'aborted');
    t.ok(eventsA.some((e) => e.notice?.includes(`used from sandbox ${agentB.sandboxId}`)), 'the misuse of its token is recorded on agent A');
    const after = await gatewayCall(sockB, tokenA, { model: task.model, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    t.equal(after.status, 401, 'a token of an agent that ended is refused');
    await c.abortAgent(agentB.id);
    await c.collectAgentEvents(b);
    a.cancel();
    await c.deleteSandbox(agentA.sandboxId);
    await c.deleteSandbox(agentB.sandboxId);
  });

  t.test('attach after a client disconnects replays everything, then follows live', async (t) => {
    const task = AGENT_TASKS.claude;
    fake.setScript([{ text: 'first answer', usage: { input: 10, output: 5 } }, { text: 'second answer', usage: { input: 10, output: 7 } }]);
    const s = c.runAgent({ template: 'default', runtime: 'claude', model: task.model, prompt: 'one', waitSeconds: 60 });
    const started = await new Promise<NonNullable<AgentEvent['started']>>((resolve, reject) => {
      s.on('data', (e: AgentEvent) => { if (e.started) resolve(e.started); });
      s.on('error', reject);
    });
    s.cancel(); // The client goes away; the agent does not.
    await waitFor('the first answer', async () => (await c.getAgent(started.id)).usage!.requests >= 1 || undefined, 60_000);
    const live = c.attachAgent({ agentId: started.id });
    const seen: AgentEvent[] = [];
    const gotFirst = new Promise<void>((resolve) => live.on('data', (e: AgentEvent) => { seen.push(e); if (e.text?.text.includes('first answer')) resolve(); }));
    const ended = new Promise<void>((resolve, reject) => { live.on('end', () => resolve()); live.on('error', reject); });
    await gotFirst;
    t.ok(seen[0]?.started, 'the replay starts at the beginning');
    await c.sendAgent(started.id, 'two');
    await waitFor('the second answer', () => seen.some((e) => e.text?.text.includes('second answer')) || undefined, 60_000);
    await c.abortAgent(started.id);
    await ended;
    t.ok(seen.some((e) => e.prompt === 'two'), 'the follow-up is in the stream');
    t.same(seen.map((e) => Number(e.seq)), seen.map((_e, i) => i + 1), 'every event once, in order');
    const again = await c.collectAgentEvents(c.attachAgent({ agentId: started.id, afterSeq: 2 }));
    t.equal(Number(again[0]!.seq), 3, 'after_seq skips what the client has');
    await c.deleteSandbox(started.sandboxId);
  });

  t.test('bad input gets a clear error and loses nothing', async (t) => {
    const base = { template: 'default', runtime: 'claude', prompt: 'x' };
    await expectError(runToEnd(c, { ...base, runtime: 'cobol' }), 'UNKNOWN_RUNTIME');
    await expectError(runToEnd(c, { ...base, model: 'no-such-model-9' }), 'UNKNOWN_MODEL');
    await expectError(runToEnd(c, { ...base, runtime: 'codex', model: 'claude-sonnet-4-5' }), 'UNKNOWN_MODEL');
    await expectError(runToEnd(c, { ...base, budgetUsd: 0 }), 'INVALID_BUDGET');
    await expectError(runToEnd(c, { ...base, budgetUsd: -1 }), 'INVALID_BUDGET');
    await expectError(runToEnd(c, { ...base, prompt: '  ' }), 'INVALID_PROMPT');
    await expectError(runToEnd(c, { runtime: 'claude', prompt: 'x' }), 'INVALID_ARGUMENT');
    await expectError(runToEnd(c, { ...base, labels: { 'godel.agent': 'x' } }), 'INVALID_LABEL');
    await expectError(c.getAgent('ag-0000000000000000'), 'AGENT_NOT_FOUND');
    await expectError(c.getAgent('nope'), 'INVALID_ID');
    await expectError(c.usage({ label: 'novalue' }), 'INVALID_LABEL');
    await expectError(c.setBudget({ label: 'a=b', swarmId: 's', budgetUsd: 1 }), 'INVALID_ARGUMENT');

    // codex takes no follow-up; an ended agent takes none either.
    fake.setScript(AGENT_TASKS.codex.script('/workspace/c.txt', 'c\n'));
    const codexRun = c.runAgent({ template: 'default', runtime: 'codex', model: AGENT_TASKS.codex.model, prompt: 'write' });
    const codexStarted = await new Promise<NonNullable<AgentEvent['started']>>((resolve, reject) => {
      codexRun.on('data', (e: AgentEvent) => { if (e.started) resolve(e.started); });
      codexRun.on('error', reject);
    });
    const notSupported = await c.sendAgent(codexStarted.id, 'more').then(() => 'accepted', (e: { code: string }) => e.code);
    t.ok(notSupported === 'FOLLOW_UP_NOT_SUPPORTED' || notSupported === 'AGENT_ENDED', `a follow-up to codex is refused (${notSupported})`);
    await c.collectAgentEvents(codexRun);
    await expectError(c.sendAgent(codexStarted.id, 'more'), 'AGENT_ENDED');
    await expectError(c.abortAgent(codexStarted.id), 'AGENT_ENDED');
    await c.deleteSandbox(codexStarted.sandboxId);

    // A label's budget, once spent, stops new agents before they start.
    await c.setBudget({ label: 'team=spent', budgetUsd: 0.0001 });
    fake.setScript([{ text: 'ok', usage: { input: 1000, output: 1000 } }]);
    const first = await runToEnd(c, { ...base, model: AGENT_TASKS.claude.model, labels: { team: 'spent' } });
    t.equal(endOf(first).reason, 'done', 'the first agent spends the label\'s budget');
    await expectError(runToEnd(c, { ...base, model: AGENT_TASKS.claude.model, labels: { team: 'spent' } }), 'BUDGET_SPENT');
    const usage = await c.usage({ label: 'team=spent' });
    t.equal(usage.agents, 1);
    t.equal(usage.budgetUsd, 0.0001);
    await c.deleteSandbox(first[0]!.started!.sandboxId);
    t.equal((await c.healthCheck('', 2000)), 'SERVING', 'the daemon goes on');
  });

  t.test('an upstream that is down or answers 401/429/500 ends the agent with an error; the others go on', async (t) => {
    const model = AGENT_TASKS.claude.model;
    // Claude Code retries 429s, 5xx and refused connections with backoff for minutes; one retry here.
    const env = { CLAUDE_CODE_MAX_RETRIES: '1' };
    const types: Record<number, string> = { 401: 'authentication_error', 429: 'rate_limit_error', 500: 'api_error' };
    for (const status of [401, 429, 500]) {
      fake.setScript([{ error: { status, body: { type: 'error', error: { type: types[status], message: `scripted ${status}` } } } }], { repeat: true });
      const events = await runToEnd(c, { template: 'default', runtime: 'claude', model, prompt: 'x', env });
      const end = endOf(events);
      t.equal(end.reason, 'error', `upstream ${status}: ${end.message.slice(0, 200)}`);
      t.equal(Number(end.totals!.costUsd), 0, 'nothing spent');
      await c.deleteSandbox(events[0]!.started!.sandboxId);
    }
    const down = await runToEnd(c, { template: 'default', runtime: 'claude', model: 'down-model', prompt: 'x', env });
    t.equal(endOf(down).reason, 'error', `upstream down: ${endOf(down).message.slice(0, 200)}`);
    await c.deleteSandbox(down[0]!.started!.sandboxId);
    fake.setScript([{ text: 'fine', usage: { input: 1, output: 1 } }]);
    const ok = await runToEnd(c, { template: 'default', runtime: 'claude', model, prompt: 'x' });
    t.equal(endOf(ok).reason, 'done', 'the next agent is served');
    await c.deleteSandbox(ok[0]!.started!.sandboxId);
  });

  t.test('a sandbox deleted under a running agent ends it with an error', async (t) => {
    fake.setScript([{ text: 'waiting', usage: { input: 1, output: 1 } }], { repeat: true });
    const s = c.runAgent({ template: 'default', runtime: 'claude', model: AGENT_TASKS.claude.model, prompt: 'x', waitSeconds: 60 });
    const events: AgentEvent[] = [];
    const done = new Promise<void>((resolve, reject) => { s.on('data', (e: AgentEvent) => events.push(e)); s.on('end', () => resolve()); s.on('error', reject); });
    await waitFor('the agent to answer', () => events.some((e) => e.turnEnd) || undefined, 60_000);
    await c.deleteSandbox(events[0]!.started!.sandboxId);
    await done;
    const end = endOf(events);
    t.equal(end.reason, 'error');
    t.match(end.message, /sandbox .* deleted/);
  });

  t.test('godelctl agent run, as a user runs it in a terminal: transcript, spend, Ctrl-C aborts', { skip: spawnSync('tmux', ['-V']).status !== 0 && 'tmux is not installed' }, async (t) => {
    const session = `godel-agent-${process.pid}`;
    const env = `GODEL_SOCKET=${d.socket}`;
    fake.setScript([
      { toolCalls: [{ name: 'Write', input: { file_path: '/workspace/tmux.txt', content: 'from tmux\n' } }], usage: { input: 100, output: 50 } },
      { text: 'All done here.', usage: { input: 100, output: 20 } },
    ]);
    const pane = (): string => execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '160', '-y', '40']);
    t.teardown(() => spawnSync('tmux', ['kill-session', '-t', session]));
    const cli = `${env} node ${GODELCTL} agent run -r claude -m ${AGENT_TASKS.claude.model} -b 1 "write tmux.txt"; echo "exit=$?"`;
    execFileSync('tmux', ['send-keys', '-t', session, cli, 'Enter']);
    const screen = await waitFor('the transcript to end', () => (/exit=\d+/.test(pane()) ? pane() : undefined), 90_000);
    t.match(screen, /▸ Write .*tmux\.txt/, 'the tool call on one line');
    t.match(screen, /All done here\./, 'the text');
    t.match(screen, /── done · \$0\.\d+ · \d+ in, \d+ out/, 'the spend at the end');
    t.match(screen, /exit=0/, 'exit code 0 for done');

    // A long-running agent, interrupted with Ctrl-C: aborted, exit code 130.
    fake.setScript([{ text: 'thinking', usage: { input: 1, output: 1 } }], { repeat: true });
    execFileSync('tmux', ['send-keys', '-t', session, 'clear', 'Enter']);
    execFileSync('tmux', ['send-keys', '-t', session, `${env} node ${GODELCTL} agent run -r claude -m ${AGENT_TASKS.claude.model} --wait 120 "stay"; echo "exit=$?"`, 'Enter']);
    await waitFor('the agent to answer', () => (/thinking/.test(pane()) ? true : undefined), 90_000);
    execFileSync('tmux', ['send-keys', '-t', session, 'C-c']);
    const after = await waitFor('godelctl to exit', () => (/exit=\d+/.test(pane()) ? pane() : undefined), 30_000);
    t.match(after, /aborting agent ag-/, 'Ctrl-C says it aborts');
    t.match(after, /── aborted/, 'the agent ended aborted');
    t.match(after, /exit=130/, 'exit code 130');

    // What they spent, as a person asks for it.
    const usage = execFileSync(process.execPath, [GODELCTL, '--socket', d.socket, 'usage', '--label', 'suite=agents'], { encoding: 'utf8' });
    t.match(usage, /claude-sonnet-4-5\s+\d+/, 'godelctl usage has a line per model');
    t.match(usage, /^total\s+\d+/m, 'and a total');
    const budget = execFileSync(process.execPath, [GODELCTL, '--socket', d.socket, 'budget', '5', '--label', 'suite=agents'], { encoding: 'utf8' });
    t.match(budget, /suite=agents: budget \$5\.00, spent \$0\.\d+/, 'godelctl budget sets a label\'s budget and says what it has spent');
    const ls = execFileSync(process.execPath, [GODELCTL, '--socket', d.socket, 'agent', 'ls'], { encoding: 'utf8' });
    t.match(ls, /ended \(aborted\)/, 'godelctl agent ls shows how each ended');
    const metrics = await (await fetch(`http://${d.metricsAddress()}/metrics`)).text();
    t.match(metrics, /godel_agents_ended_total\{runtime="claude",reason="aborted"\} [1-9]/, 'ended agents are counted by runtime and reason');
    t.match(metrics, /godel_model_tokens_total\{model="claude-sonnet-4-5",template="default",kind="output"\} [1-9]/, 'tokens by model and template');
    t.match(metrics, /godel_model_cost_usd_total\{model="claude-sonnet-4-5",template="default"\} 0\.\d+/, 'cost by model and template');
    t.match(metrics, /godel_model_gateway_connections_total\{via="handed"\} [1-9]/, 'the gateway accepted the CLIs\' connections on the listeners their forwarders handed over');
    t.notMatch(metrics, /ag-[0-9a-z]{16}|sb-[0-9a-z]{16}/, 'no agent or sandbox id in any label');
    for (const a of await c.listAgents({})) {
      if ((await c.listSandboxes()).some((sb) => sb.id === a.sandboxId)) await c.deleteSandbox(a.sandboxId);
    }
  });
});

t.test('agent records and events survive a daemon restart', async (t) => {
  const fake = await startFakeModels({ host: FAKE_HOST });
  t.teardown(() => fake.close());
  const d = await startDaemon(t, { config: config(fake, { templates: { default: { pool: { min_idle: 0 } } } }), env: KEY_ENV });
  fake.setScript([{ text: 'before the restart', usage: { input: 10, output: 5 } }]);
  const done = await runToEnd(d.client, { template: 'default', runtime: 'claude', model: AGENT_TASKS.claude.model, prompt: 'x', labels: { keep: 'yes' } });
  const id = done[0]!.started!.id;
  fake.setScript([{ text: 'waiting', usage: { input: 10, output: 5 } }], { repeat: true });
  const running = d.client.runAgent({ template: 'default', runtime: 'claude', model: AGENT_TASKS.claude.model, prompt: 'y', waitSeconds: 120 });
  const runningId = await new Promise<string>((resolve, reject) => { running.on('data', (e: AgentEvent) => { if (e.started) resolve(e.started.id); }); running.on('error', reject); });
  await waitFor('the second agent to answer', async () => (await d.client.getAgent(runningId)).usage!.requests >= 1 || undefined, 60_000);
  running.cancel();
  await d.restart();
  const rec = await d.client.getAgent(id);
  t.equal(rec.state, 'AGENT_ENDED');
  t.equal(rec.endReason, 'done');
  t.equal(rec.usage!.outputTokens, 5);
  const replay = await d.client.collectAgentEvents(d.client.attachAgent({ agentId: id }));
  t.same(replay.map((e) => Number(e.seq)), done.map((e) => Number(e.seq)), 'the stored events replay');
  t.ok(replay.some((e) => e.text?.text.includes('before the restart')));
  const cut = await d.client.getAgent(runningId);
  t.equal(cut.state, 'AGENT_ENDED', 'an agent that ran across the restart is ended');
  t.equal(cut.endReason, 'error');
  t.match(cut.message, /daemon stopped/);
  t.equal((await d.client.usage({ label: 'keep=yes' })).agents, 1, 'usage by label survives');

  // An agent that ended longer ago than agents.retention_days (30) is removed, events and all, at a start.
  await d.stop();
  const store = await Store.open(d.stateDir, pino({ level: 'silent' }));
  const old = (await store.loadAgents()).find((r) => r.id === id)!;
  await store.putAgent({ ...old, endedAt: Date.now() - 31 * 86_400_000 }, [], 'synced');
  await store.close();
  await d.start();
  await expectError(d.client.getAgent(id), 'AGENT_NOT_FOUND');
  t.equal((await d.client.getAgent(runningId)).state, 'AGENT_ENDED', 'a recent one stays');
  const reopened = await (async () => { await d.stop(); return Store.open(d.stateDir, pino({ level: 'silent' })); })();
  t.same(await reopened.loadAgentEvents(id, 0), [], 'its events are gone too');
  await reopened.close();
});

t.test('an agent CLI that prints garbage and crashes ends with an error, and the daemon goes on', async (t) => {
  const fake = await startFakeModels({ host: FAKE_HOST });
  t.teardown(() => fake.close());
  // A stand-in for a broken CLI install (named so): claude's and codex's binaries print junk and exit 3;
  // pi's hangs, as a CLI stuck on its first call would, to hold this daemon's one agent slot.
  const broken = mkdtempSync(join(tmpdir(), 'godel-broken-cli-'));
  chmodSync(broken, 0o755);
  t.teardown(() => rmSync(broken, { recursive: true, force: true }));
  mkdirSync(join(broken, 'node_modules', '.bin'), { recursive: true });
  for (const name of ['claude', 'codex']) {
    const p = join(broken, 'node_modules', '.bin', name);
    writeFileSync(p, '#!/bin/sh\necho "this is not json"\necho \'{"type":"no-such-event","x":1}\'\necho "broken CLI stand-in crashing" >&2\nexit 3\n', { mode: 0o755 });
  }
  writeFileSync(join(broken, 'node_modules', '.bin', 'pi'), '#!/bin/sh\nexec sleep 120\n', { mode: 0o755 });
  const d = await startDaemon(t, { config: config(fake, { templates: { default: { pool: { min_idle: 0 } } }, agents: { runtime_dir: broken, max_running: 1 } }), env: KEY_ENV });
  const events = await runToEnd(d.client, { template: 'default', runtime: 'claude', model: AGENT_TASKS.claude.model, prompt: 'x' });
  const end = endOf(events);
  t.equal(end.reason, 'error');
  t.equal(end.exitCode, 3);
  t.match(end.message, /broken CLI stand-in crashing/, 'the CLI\'s stderr is in the message');
  t.ok(events.some((e) => e.unparsed?.includes('this is not json')), 'garbage is kept, as unparsed');
  t.equal(await d.client.healthCheck('', 2000), 'SERVING');

  // agents.max_running 1: while one runs, another is refused, and nothing is booted for it.
  const holding = d.client.runAgent({ template: 'default', runtime: 'pi', model: AGENT_TASKS.pi.model, prompt: 'x' });
  const held = d.client.collectAgentEvents(holding);
  const running = await waitFor('the hanging agent running', async () => (await d.client.listAgents()).find((a) => a.state === 'AGENT_RUNNING'));
  const sandboxes = (await d.client.listSandboxes()).length;
  const full = await expectError(runToEnd(d.client, { template: 'default', runtime: 'claude', model: AGENT_TASKS.claude.model, prompt: 'x' }), 'TOO_MANY_AGENTS');
  t.equal(full.grpcCode, 8, 'RESOURCE_EXHAUSTED');
  t.match(full.message, /agents\.max_running/);
  t.equal((await d.client.listSandboxes()).length, sandboxes, 'no sandbox booted for the refused agent');
  await d.client.abortAgent(running.id);
  t.equal(endOf(await held).reason, 'aborted', 'the one holding the slot aborts');
  const after = endOf(await runToEnd(d.client, { template: 'default', runtime: 'claude', model: AGENT_TASKS.claude.model, prompt: 'x' }));
  t.equal(after.exitCode, 3, 'and with the slot free the next one runs (to its stand-in\'s crash)');

  // Not installed at all: a clear message naming the setup command.
  rmSync(join(broken, 'node_modules', '.bin', 'pi'));
  const err = await expectError(runToEnd(d.client, { template: 'default', runtime: 'pi', model: AGENT_TASKS.claude.model, prompt: 'x' }), 'RUNTIME_NOT_INSTALLED');
  t.match(err.message, /scripts\/setup\.sh/);

  // Installed where the sandbox user cannot reach (a checkout under a 0700 home): sandboxes still boot,
  // and an agent is refused with why.
  chmodSync(broken, 0o700);
  const sb = await d.client.createSandbox({ template: 'default' });
  t.equal((await d.client.runCollect({ sandboxId: sb.id, argv: ['true'] })).exitCode, 0, 'the sandbox boots and runs commands');
  const refused = await expectError(runToEnd(d.client, { sandboxId: sb.id, runtime: 'claude', model: AGENT_TASKS.claude.model, prompt: 'x' }), 'NOT_SUPPORTED');
  t.match(refused.message, /not reachable by the sandbox user/);
  const before = (await d.client.listSandboxes()).length;
  await expectError(runToEnd(d.client, { template: 'default', runtime: 'claude', model: AGENT_TASKS.claude.model, prompt: 'x' }), 'NOT_SUPPORTED');
  t.equal((await d.client.listSandboxes()).length, before, 'the sandbox booted for a refused agent is not left behind');
});

t.test('the line reader: lines whatever the chunking, overlong ones cut, ignored ones dropped unassembled', async (t) => {
  const { readLines } = await import('../daemon/agents/agent.js');
  const { PassThrough } = await import('node:stream');
  const update = `{"type":"message_update","message":"${'x'.repeat(5000)}"}`;
  const text = `{"type":"agent_start"}\n${update}\n{"type":"message_end","é":"✓"}\n{"type":"mess\n${update}\nlast without newline`;
  const bytes = Buffer.from(text);
  for (const size of [1, 3, 17, 4096, bytes.length]) {
    const s = new PassThrough();
    const lines: string[] = [];
    const done = new Promise<void>((resolve) => s.on('end', () => resolve()));
    readLines(s, (l) => lines.push(l), [Buffer.from('{"type":"message_update"')]);
    for (let i = 0; i < bytes.length; i += size) s.write(bytes.subarray(i, i + size));
    s.end();
    await done;
    t.same(lines, ['{"type":"agent_start"}', '{"type":"message_end","é":"✓"}', '{"type":"mess', 'last without newline'], `chunks of ${size}`);
  }
  // A line past the limit (4 MiB) is cut there; the next line is whole.
  const s = new PassThrough();
  const lines: string[] = [];
  const done = new Promise<void>((resolve) => s.on('end', () => resolve()));
  readLines(s, (l) => lines.push(l));
  const long = Buffer.from(`${'y'.repeat(5 * 1024 * 1024)}\nnext\n`);
  for (let i = 0; i < long.length; i += 65536) s.write(long.subarray(i, i + 65536));
  s.end();
  await done;
  t.same(lines.map((l) => l.length), [4 * 1024 * 1024, 4], 'an overlong line is cut at 4 MiB');
});
