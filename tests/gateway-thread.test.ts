// The model gateway on its own thread (daemon/agents/gateway/thread.ts), driven as the agent manager
// drives it: listeners opened, agents admitted with their budgets, scope refusals pushed, usage and
// refusals reported back; and a thread that dies is started again holding all it held. Behind it, a
// FAKE model provider on 127.0.0.1 that answers every Messages call with a fixed usage.
import t from 'tap';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseModelsConfig } from '../daemon/agents/gateway/config.js';
import type { GatewayCounters } from '../daemon/agents/gateway/metrics.js';
import { GatewayThread, type GatewayReports } from '../daemon/agents/gateway/thread.js';
import type { Usage } from '../daemon/agents/types.js';
import { waitFor } from './helpers/daemon.js';

const KEY = 'sk-thread-test-key-held-by-the-daemon';

t.test('the gateway thread decides calls from what it was told, reports back, and comes back after dying', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'godel-gwthread-'));
  let upstreamCalls = 0;
  const upstream = createServer((req, res) => {
    upstreamCalls++;
    req.resume();
    req.on('end', () => {
      if (req.headers['x-api-key'] !== KEY) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"authentication_error","message":"bad key"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'hi' }],
        stop_reason: 'end_turn', usage: { input_tokens: 1000, output_tokens: 1000 },
      }));
    });
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const port = (upstream.address() as { port: number }).port;
  process.env.GODEL_THREAD_TEST_KEY = KEY;
  const models = parseModelsConfig({
    providers: { anthropic: { api: 'anthropic', base_url: `http://127.0.0.1:${port}`, api_key_env: 'GODEL_THREAD_TEST_KEY' } },
    prices: { 'claude-sonnet-4-5': { provider: 'anthropic', input: 3, output: 15, source: 'test' } },
  });
  const recorded: Array<{ agentId: string; model: string; usage: Usage }> = [];
  const refused: Array<{ agentId: string; why: string }> = [];
  const wrong: Array<{ agentId: string; sandboxId: string }> = [];
  const reports: GatewayReports = {
    record: (agentId, model, usage) => recorded.push({ agentId, model, usage }),
    refused: (agentId, why) => refused.push({ agentId, why }),
    wrongSandbox: (agentId, sandboxId) => wrong.push({ agentId, sandboxId }),
  };
  const counted: string[] = [];
  const counters: GatewayCounters = {
    request: (api, status) => counted.push(`request ${api} ${status}`),
    connection: (via) => counted.push(`connection ${via}`),
    usage: (model, template) => counted.push(`usage ${model} ${template}`),
  };
  const thread = new GatewayThread(models, reports, pino({ level: 'silent' }), counters);
  await thread.start();
  t.teardown(async () => {
    await thread.close();
    upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sock1 = join(dir, 'sb-1.sock');
  const sock2 = join(dir, 'sb-2.sock');
  await thread.listenUnix(sock1, 'sb-1');
  await thread.listenUnix(sock2, 'sb-2');
  // $18 per million of each kind here: a call of 1,000 + 1,000 tokens costs $0.018.
  await thread.admit('tok-spender', { agentId: 'ag-spender', sandboxId: 'sb-1', model: 'claude-sonnet-4-5', template: 'default', budgetUsd: 0.01, spentUsd: 0 });
  await thread.admit('tok-swarm', { agentId: 'ag-swarm', sandboxId: 'sb-1', model: 'claude-sonnet-4-5', template: 'default', budgetUsd: 0, spentUsd: 0 });

  const call = (socketPath: string, token: string): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const req = request({ socketPath, path: '/p/anthropic/v1/messages', method: 'POST', headers: { 'x-api-key': token, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });

  const first = await call(sock1, 'tok-spender');
  t.equal(first.status, 200, 'an admitted token on its own sandbox\'s listener is forwarded');
  await waitFor('the call\'s usage to be reported', () => recorded.length === 1, 5000);
  t.equal(recorded[0]!.agentId, 'ag-spender');
  t.equal(recorded[0]!.usage.costUsd.toFixed(3), '0.018', 'priced from the table');
  t.ok(counted.includes('request anthropic-messages 200') && counted.includes('connection socket') && counted.includes('usage claude-sonnet-4-5 default'), 'its counters reach the daemon');

  const spent = await call(sock1, 'tok-spender');
  t.equal(spent.status, 429, 'the call after the one that spent the agent\'s budget is refused, decided on the thread');
  t.match(spent.body, /budget spent/);
  await waitFor('the refusal to be reported', () => refused.length === 1, 5000);
  t.match(refused[0]!.why, /the agent's budget of \$0\.01 is spent/);

  t.equal((await call(sock1, 'tok-nobody')).status, 401, 'a token nobody was admitted with is refused');
  t.equal((await call(sock2, 'tok-swarm')).status, 403, 'an agent\'s token on another sandbox\'s listener is refused');
  await waitFor('the wrong sandbox to be reported', () => wrong.length === 1, 5000);
  t.same(wrong[0], { agentId: 'ag-swarm', sandboxId: 'sb-2' });

  thread.scopeRefusal('ag-swarm', 'the budget of $1.00 for swarm sw-1 is spent ($1.0100)');
  t.equal((await call(sock1, 'tok-swarm')).status, 429, 'a scope refusal the daemon pushed holds');
  thread.scopeRefusal('ag-swarm', undefined);
  t.equal((await call(sock1, 'tok-swarm')).status, 200, 'and is lifted when the daemon says so');

  // The thread dies (as an uncaught error would end it): it is started again with all it held.
  const upstreamBefore = upstreamCalls;
  await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
  let back: { status: number } | undefined;
  await waitFor('the gateway to answer again on the same listener', async () => {
    back = await call(sock1, 'tok-swarm').catch(() => undefined);
    return back?.status === 200;
  }, 10_000);
  t.equal(back?.status, 200, 'the new thread serves the listener and knows the token');
  t.equal((await call(sock2, 'tok-swarm')).status, 403, 'and which sandbox the token is good on');
  t.equal((await call(sock1, 'tok-spender')).status, 429, 'and what the agent had spent');
  t.ok(upstreamCalls > upstreamBefore, 'the calls reached the upstream through the new thread');

  thread.dismiss('tok-swarm');
  t.equal((await call(sock1, 'tok-swarm')).status, 401, 'a dismissed token is refused');

  await thread.closeListener(sock2);
  t.notOk(existsSync(sock2), 'a closed listener\'s socket is removed');
  await thread.close();
  t.notOk(existsSync(sock1), 'closing the thread closes its listeners');
  await t.rejects(thread.listenUnix(join(dir, 'late.sock'), 'sb-3'), /closed/, 'and it takes no more');
});
