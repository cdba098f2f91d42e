// The model gateway over real HTTP: a real Unix socket and a real loopback TCP listener in front, and
// behind it a scripted upstream on 127.0.0.1 (a fake model provider that records what reached it and
// answers each test's script), plus the config and usage parsers on their own.
import t from 'tap';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { costUsd, lookupPrice, parseModelsConfig, type ModelsConfig } from '../daemon/agents/gateway/config.js';
import { BUDGET_REFUSAL, MAX_REQUEST_BYTES, ModelGateway } from '../daemon/agents/gateway/gateway.js';
import { GatewayMetrics } from '../daemon/agents/gateway/metrics.js';
import { UsageMeter, type MeteredUsage } from '../daemon/agents/gateway/usage.js';
import type { GatewayAuth, GatewayPolicy, ModelApi, Usage } from '../daemon/agents/types.js';
import { startFakeModels } from './helpers/fake-models/fake-models.js';
import { waitFor } from './helpers/daemon.js';
import { FORWARDER } from '../daemon/egress/sandbox-side.js';

const execFileP = promisify(execFile);
const REAL_KEY = 'sk-real-key-held-by-godeld-0123456789';
const TOKEN = 'godel-agent-token-a1';
const OTHER_TOKEN = 'godel-agent-token-b2';

t.test('config: defaults, overrides and refusals that name the field', async (t) => {
  const c = parseModelsConfig(undefined);
  t.equal(c.providers.get('anthropic')?.baseUrl, 'https://api.anthropic.com');
  t.equal(c.providers.get('openai')?.apiKeyEnv, 'OPENAI_API_KEY');
  for (const m of ['claude-opus-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gpt-5', 'gpt-5-codex', 'gpt-4.1', 'o3', 'o4-mini']) {
    const p = c.prices.get(m);
    t.ok(p && p.input > 0 && p.output > p.input && p.source.length > 10, `${m} has a default price with its source`);
  }
  const o = parseModelsConfig({
    providers: { local: { api: 'openai', base_url: 'http://127.0.0.1:9/prefix/', api_key_env: 'LOCAL_KEY' } },
    prices: { 'my-model': { provider: 'local', input: 1, output: 2 }, 'gpt-5': { provider: 'openai', input: 9, output: 99, cache_read: 0.9, source: 'our contract' } },
  }, 'models');
  t.same(o.providers.get('local'), { name: 'local', api: 'openai', baseUrl: 'http://127.0.0.1:9/prefix', apiKeyEnv: 'LOCAL_KEY' });
  t.same(o.prices.get('my-model'), { provider: 'local', input: 1, output: 2, cacheRead: 1, cacheWrite: 1, cacheWrite1h: 2, source: 'config' }, 'absent cache prices are the input price (an hour\'s write twice it)');
  t.equal(o.prices.get('gpt-5')?.input, 9, 'a config entry overrides a default');
  t.ok(o.providers.get('anthropic'), 'defaults stay beside the config\'s providers');
  const bad: Array<[unknown, RegExp]> = [
    [[], /^models must be an object/],
    [{ provider: {} }, /models: unknown field "provider"/],
    [{ providers: { x: { api: 'gemini', base_url: 'http://a', api_key_env: 'K' } } }, /models\.providers\.x\.api must be "anthropic" or "openai"/],
    [{ providers: { x: { api: 'openai', base_url: 'ftp://a', api_key_env: 'K' } } }, /models\.providers\.x\.base_url must be http or https/],
    [{ providers: { x: { api: 'openai', base_url: 'https://a/v1', api_key_env: 'K' } } }, /base_url must stop before \/v1/],
    [{ providers: { x: { api: 'openai', base_url: 'https://a', api_key_env: 'sk-abc' } } }, /models\.providers\.x\.api_key_env must be the name of an environment variable/],
    [{ providers: { x: { api: 'openai', base_url: 'https://a', api_key_env: 'K', api_key: 'sk' } } }, /models\.providers\.x: unknown field "api_key"/],
    [{ providers: { 'Bad Name': { api: 'openai', base_url: 'https://a', api_key_env: 'K' } } }, /models\.providers\.Bad Name: a provider name/],
    [{ prices: { m: { provider: 'nope', input: 1, output: 1 } } }, /models\.prices\.m\.provider "nope" is not a provider/],
    [{ prices: { m: { provider: 'openai', input: -1, output: 1 } } }, /models\.prices\.m\.input must be a number/],
    [{ prices: { m: { provider: 'openai', input: 1 } } }, /models\.prices\.m\.output must be a number/],
  ];
  for (const [raw, re] of bad) t.throws(() => parseModelsConfig(raw), re, JSON.stringify(raw));
  t.throws(() => parseModelsConfig([], 'config.models'), /^config\.models must be an object/, 'the field name is the caller\'s');
});

t.test('config: prices by the names upstreams answer with', async (t) => {
  const c = parseModelsConfig({});
  t.equal(lookupPrice(c, 'claude-sonnet-4-5-20250929')?.name, 'claude-sonnet-4-5', 'Anthropic date suffix');
  t.equal(lookupPrice(c, 'claude-opus-4-20250514')?.name, 'claude-opus-4');
  t.equal(lookupPrice(c, 'gpt-5-2025-08-07')?.name, 'gpt-5', 'OpenAI date suffix');
  t.equal(lookupPrice(c, 'gpt-5-codex-mini')?.name, 'gpt-5-codex', 'the closest listed ancestor');
  t.equal(lookupPrice(c, 'gpt-5.1-codex-max')?.name, 'gpt-5.1-codex');
  t.equal(lookupPrice(c, 'llama-3'), undefined);
  const p = c.prices.get('claude-sonnet-4-5')!;
  t.equal(costUsd(p, { inputTokens: 1e6, outputTokens: 1e6, cacheReadTokens: 1e6, cacheWriteTokens: 1e6 }), 3 + 15 + 0.3 + 3.75);
  t.equal(costUsd(p, { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 3e6 }, 1e6), 2 * 3.75 + 6, 'an hour\'s cache write at 2x input');
});

t.test('usage: read from each API\'s stream and body, whatever the chunking', async (t) => {
  const feedBytewise = (m: UsageMeter, s: string): void => {
    const b = Buffer.from(s);
    for (let i = 0; i < b.length; i += 7) m.feed(b.subarray(i, i + 7));
  };
  const a = new UsageMeter('anthropic-messages', 'text/event-stream; charset=utf-8');
  feedBytewise(a, anthropicSse('claude-sonnet-4-5-20250929', ['Hel', 'lo ☃'], { input: 120, output: 7, cacheRead: 1000, cacheWrite: 50 }).replace(/\n/g, '\r\n'));
  t.same(a.finish(), { model: 'claude-sonnet-4-5-20250929', tokens: { inputTokens: 120, outputTokens: 7, cacheReadTokens: 1000, cacheWriteTokens: 50 }, cacheWrite1hTokens: 0 });

  const c = new UsageMeter('openai-chat', 'text/event-stream');
  feedBytewise(c, chatSse('gpt-5-2025-08-07', ['a', 'b'], { prompt: 500, cached: 200, completion: 30 }));
  t.same(c.finish(), { model: 'gpt-5-2025-08-07', tokens: { inputTokens: 300, outputTokens: 30, cacheReadTokens: 200, cacheWriteTokens: 0 }, cacheWrite1hTokens: 0 });

  const r = new UsageMeter('openai-responses', 'text/event-stream');
  feedBytewise(r, responsesSse('gpt-5-codex', ['x'], { input: 900, cached: 800, output: 12 }));
  t.same(r.finish(), { model: 'gpt-5-codex', tokens: { inputTokens: 100, outputTokens: 12, cacheReadTokens: 800, cacheWriteTokens: 0 }, cacheWrite1hTokens: 0 });

  const j = new UsageMeter('anthropic-messages', 'application/json');
  feedBytewise(j, JSON.stringify({ type: 'message', model: 'claude-haiku-4-5', usage: { input_tokens: 3, output_tokens: 4, cache_creation_input_tokens: 30,
    cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 20 } } }));
  t.same(j.finish(), { model: 'claude-haiku-4-5', tokens: { inputTokens: 3, outputTokens: 4, cacheReadTokens: 0, cacheWriteTokens: 30 }, cacheWrite1hTokens: 20 });

  const cut = new UsageMeter('anthropic-messages', 'text/event-stream');
  cut.feed(Buffer.from(anthropicSse('claude-haiku-4-5', ['a'], { input: 10, output: 5 }).split('event: message_delta')[0]!));
  t.same(cut.finish()?.tokens, { inputTokens: 10, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, 'a cut stream reports what message_start said');

  const routed = new UsageMeter('openai-chat', 'application/json');
  routed.feed(Buffer.from(JSON.stringify({ model: 'anthropic/claude-sonnet-4-5', usage: { prompt_tokens: 100, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 20 } } })));
  t.same(routed.finish()?.tokens, { inputTokens: 40, outputTokens: 1, cacheReadTokens: 40, cacheWriteTokens: 20 }, 'OpenRouter\'s cache writes, counted inside cached_tokens');

  // An event's data over several lines (SSE allows it), "usage" on one of them only.
  const multi = new UsageMeter('anthropic-messages', 'text/event-stream');
  feedBytewise(multi, 'event: message_delta\ndata: {"type":"message_delta",\ndata: "usage":{"output_tokens":42}}\n\n');
  t.same(multi.finish()?.tokens, { inputTokens: 0, outputTokens: 42, cacheReadTokens: 0, cacheWriteTokens: 0 }, 'a multi-line event is read whole');

  // Long streams, as an upstream sends them in reads of any size: the runs of text deltas the meter passes
  // over unread must not hide a usage event, a word cut between two reads, or a character cut in two.
  const deltas = Array.from({ length: 300 }, (_, i) => (i % 50 === 7 ? 'the usage of ☃ ' : `w${i} ☃ `));
  const long: Array<[ModelApi, string, MeteredUsage]> = [
    ['anthropic-messages', anthropicSse('claude-sonnet-4-5', deltas, { input: 11, output: 300, cacheRead: 5, cacheWrite: 3 }),
      { model: 'claude-sonnet-4-5', tokens: { inputTokens: 11, outputTokens: 300, cacheReadTokens: 5, cacheWriteTokens: 3 }, cacheWrite1hTokens: 0 }],
    ['openai-responses', responsesSse('gpt-5-codex', deltas, { input: 50, cached: 20, output: 300 }),
      { model: 'gpt-5-codex', tokens: { inputTokens: 30, outputTokens: 300, cacheReadTokens: 20, cacheWriteTokens: 0 }, cacheWrite1hTokens: 0 }],
    ['openai-chat', chatSse('gpt-5', deltas, { prompt: 40, cached: 0, completion: 300 }),
      { model: 'gpt-5', tokens: { inputTokens: 40, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 0 }, cacheWrite1hTokens: 0 }],
  ];
  for (const [api, sse, want] of long) {
    for (const crlf of [false, true]) {
      const b = Buffer.from(crlf ? sse.replace(/\n/g, '\r\n') : sse);
      for (const size of [1, 2, 5, 13, 64, 1000, 4096, b.length]) {
        const m = new UsageMeter(api, 'text/event-stream');
        for (let i = 0; i < b.length; i += size) m.feed(b.subarray(i, i + size));
        t.same(m.finish(), want, `${api}${crlf ? ', CRLF' : ''}, in reads of ${size} bytes`);
      }
      // Cut just before, inside and after each word the meter looks for (its first and its last time),
      // and on to the end of the last one's line: a usage line read whole before the cut, its event ended after.
      for (const word of ['usage', 'message_start', 'response.completed', '☃']) {
        const first = b.indexOf(word);
        const last = b.lastIndexOf(word);
        if (first < 0) continue;
        const cuts = new Set<number>();
        for (let at = first - 1; at <= first + Buffer.byteLength(word); at++) cuts.add(at);
        for (let at = last - 1; at <= b.indexOf('\n', last) + 3; at++) cuts.add(at);
        for (const at of cuts) {
          const m = new UsageMeter(api, 'text/event-stream');
          m.feed(b.subarray(0, at));
          m.feed(b.subarray(at));
          t.same(m.finish(), want, `${api}${crlf ? ', CRLF' : ''}, cut at byte ${at} (${word})`);
        }
      }
    }
  }
  // A message_start without usage names the model; the event's name may come in a read of its own.
  const named = 'event: message_start\ndata: {"type":"message_start","message":{"model":"claude-opus-4-1"}}\n\n'
    + anthropicSse('x', deltas, { input: 2, output: 3 }).slice(anthropicSse('x', [], { input: 2, output: 3 }).indexOf('event: content_block_start'));
  for (const at of [0, named.indexOf('data:'), named.indexOf('"model"')]) {
    const m = new UsageMeter('anthropic-messages', 'text/event-stream');
    m.feed(Buffer.from(named.slice(0, at)));
    m.feed(Buffer.from(named.slice(at)));
    t.same(m.finish(), { model: 'claude-opus-4-1', tokens: { inputTokens: 0, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 }, cacheWrite1hTokens: 0 }, `message_start without usage, cut at ${at}`);
  }
  // A usage event last in one read, after a run of deltas that is passed over.
  const late = new UsageMeter('anthropic-messages', 'text/event-stream');
  const a2 = anthropicSse('claude-haiku-4-5', deltas, { input: 1, output: 9 });
  const lastDelta = a2.indexOf('event: content_block_stop');
  late.feed(Buffer.from(a2.slice(0, lastDelta)));
  late.feed(Buffer.from(a2.slice(lastDelta)));
  t.same(late.finish()?.tokens, { inputTokens: 1, outputTokens: 9, cacheReadTokens: 0, cacheWriteTokens: 0 }, 'message_start read before the run, message_delta after it');

  const none = new UsageMeter('openai-chat', 'application/json');
  none.feed(Buffer.from('<html>bad gateway</html>'));
  t.equal(none.finish(), undefined);
});

// ---- over HTTP ----

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The fake provider: records each request, answers with the current script. */
class ScriptedUpstream {
  readonly seen: Seen[] = [];
  script: (req: Seen, res: ServerResponse) => void = (_, res) => res.writeHead(500).end('no script');
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const s = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
        this.seen.push(s);
        this.script(s, res);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

class TestPolicy implements GatewayPolicy {
  readonly records: Array<{ agentId: string; model: string; usage: Usage }> = [];
  readonly spent = new Set<string>();
  authorize(token: string, sandboxId: string): GatewayAuth {
    if (token === TOKEN && sandboxId === 'sb-1') return { ok: true, agentId: 'ag-1', model: 'claude-sonnet-4-5', template: 'default' };
    if (token === OTHER_TOKEN) return { ok: false, status: 403, code: 'token_other_sandbox', message: 'this token belongs to an agent of another sandbox' };
    return { ok: false, status: 401, code: 'token_unknown', message: 'unknown gateway token' };
  }
  refusal(agentId: string): string | undefined {
    return this.spent.has(agentId) ? 'agent ag-1 spent $2.00 of $2.00' : undefined;
  }
  record(agentId: string, model: string, usage: Usage): void {
    this.records.push({ agentId, model, usage });
  }
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

type Target = { socketPath: string } | { port: number };

function call(target: Target, method: string, path: string, headers: Record<string, string>, body?: string, onChunk?: (c: string) => void): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const where = 'socketPath' in target ? { socketPath: target.socketPath } : { host: '127.0.0.1', port: target.port };
    const req = request({ ...where, method, path, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) } }, (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        onChunk?.(c);
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function anthropicSse(model: string, parts: string[], u: { input: number; output: number; cacheRead?: number; cacheWrite?: number }): string {
  const ev = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  return ev('message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model, content: [], stop_reason: null,
    usage: { input_tokens: u.input, output_tokens: 1, cache_read_input_tokens: u.cacheRead ?? 0, cache_creation_input_tokens: u.cacheWrite ?? 0 } } })
    + ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })
    + parts.map((p) => ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } })).join('')
    + ev('content_block_stop', { type: 'content_block_stop', index: 0 })
    + ev('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: u.output } })
    + ev('message_stop', { type: 'message_stop' });
}

function chatSse(model: string, parts: string[], u: { prompt: number; cached: number; completion: number }): string {
  const d = (x: unknown): string => `data: ${JSON.stringify(x)}\n\n`;
  return parts.map((p) => d({ id: 'c1', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: { content: p }, finish_reason: null }], usage: null })).join('')
    + d({ id: 'c1', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null })
    + d({ id: 'c1', object: 'chat.completion.chunk', model, choices: [], usage: { prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.prompt + u.completion, prompt_tokens_details: { cached_tokens: u.cached } } })
    + 'data: [DONE]\n\n';
}

function responsesSse(model: string, parts: string[], u: { input: number; cached: number; output: number }): string {
  const ev = (x: { type: string } & Record<string, unknown>): string => `event: ${x.type}\ndata: ${JSON.stringify(x)}\n\n`;
  return ev({ type: 'response.created', response: { id: 'r1', model, status: 'in_progress', usage: null } })
    + parts.map((p) => ev({ type: 'response.output_text.delta', item_id: 'i1', output_index: 0, content_index: 0, delta: p })).join('')
    + ev({ type: 'response.completed', response: { id: 'r1', model, status: 'completed', output: [],
      usage: { input_tokens: u.input, input_tokens_details: { cached_tokens: u.cached }, output_tokens: u.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: u.input + u.output } } });
}

t.test('the gateway over a Unix socket and TCP', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'godel-gateway-'));
  const upstream = new ScriptedUpstream();
  await upstream.start();
  const logLines: string[] = [];
  const log = pino({ level: 'debug' }, new Writable({ write(c: Buffer, _e, cb) { logLines.push(c.toString()); cb(); } }));
  const config: ModelsConfig = parseModelsConfig({
    providers: {
      fake_anthropic: { api: 'anthropic', base_url: `http://127.0.0.1:${upstream.port}/anthropic`, api_key_env: 'GODEL_TEST_ANTHROPIC_KEY' },
      fake_openai: { api: 'openai', base_url: `http://127.0.0.1:${upstream.port}`, api_key_env: 'GODEL_TEST_OPENAI_KEY' },
      down: { api: 'anthropic', base_url: 'http://127.0.0.1:9', api_key_env: 'GODEL_TEST_ANTHROPIC_KEY' },
      keyless: { api: 'openai', base_url: `http://127.0.0.1:${upstream.port}`, api_key_env: 'GODEL_TEST_UNSET_KEY' },
    },
    prices: {
      'claude-sonnet-4-5': { provider: 'fake_anthropic', input: 3, output: 15, cache_read: 0.3, cache_write: 3.75, source: 'test' },
      'gpt-5': { provider: 'fake_openai', input: 1.25, output: 10, cache_read: 0.125, source: 'test' },
    },
  });
  process.env.GODEL_TEST_ANTHROPIC_KEY = REAL_KEY;
  process.env.GODEL_TEST_OPENAI_KEY = REAL_KEY;
  delete process.env.GODEL_TEST_UNSET_KEY;
  const policy = new TestPolicy();
  const registry = new Registry();
  const gw = new ModelGateway(config, policy, log, new GatewayMetrics(registry));
  const socketPath = join(dir, 'gateway.sock');
  await gw.listenUnix(socketPath, 'sb-1');
  const port = await gw.listenTcp('127.0.0.1', 0, 'sb-1');
  const unix: Target = { socketPath };
  const tcp: Target = { port };
  t.teardown(async () => {
    await gw.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const anth = { 'x-api-key': TOKEN, 'anthropic-version': '2023-06-01' };
  const oai = { authorization: `Bearer ${TOKEN}` };
  const price = (u: Omit<Usage, 'costUsd'>, p: { input: number; output: number; cacheRead: number; cacheWrite: number }): number =>
    (u.inputTokens * p.input + u.outputTokens * p.output + u.cacheReadTokens * p.cacheRead + u.cacheWriteTokens * p.cacheWrite) / 1e6;
  const sonnet = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
  const gpt5 = { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 1.25 };

  t.test('anthropic, not streamed, over the Unix socket: the real key reaches the upstream, the token does not', async (t) => {
    upstream.script = (_, res) => res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_1' })
      .end(JSON.stringify({ id: 'msg_1', type: 'message', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 11, output_tokens: 22, cache_read_input_tokens: 33, cache_creation_input_tokens: 44 } }));
    policy.records.length = 0;
    const r = await call(unix, 'POST', '/p/fake_anthropic/v1/messages?beta=true', { ...anth, 'anthropic-beta': 'x-1', connection: 'keep-alive' }, JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [] }));
    t.equal(r.status, 200);
    t.match(JSON.parse(r.body), { content: [{ text: 'hi' }] });
    t.equal(r.headers['request-id'], 'req_1', 'the upstream\'s headers come back');
    const s = upstream.seen.at(-1)!;
    t.equal(s.url, '/anthropic/v1/messages?beta=true', 'prefix, path and query forwarded');
    t.equal(s.headers['x-api-key'], REAL_KEY);
    t.equal(s.headers['anthropic-version'], '2023-06-01');
    t.equal(s.headers['anthropic-beta'], 'x-1');
    t.equal(s.headers.authorization, undefined);
    t.notOk(JSON.stringify(s.headers).includes(TOKEN), 'the agent\'s token stops at the gateway');
    t.equal(s.headers.host, `127.0.0.1:${upstream.port}`);
    const tokens = { inputTokens: 11, outputTokens: 22, cacheReadTokens: 33, cacheWriteTokens: 44 };
    t.same(policy.records, [{ agentId: 'ag-1', model: 'claude-sonnet-4-5-20250929', usage: { ...tokens, costUsd: price(tokens, sonnet) } }]);
  });

  t.test('anthropic, streamed over TCP: SSE arrives event by event, usage from message_start and message_delta', async (t) => {
    const events = anthropicSse('claude-sonnet-4-5', ['one ', 'two ', 'three'], { input: 100, output: 2000, cacheRead: 10 }).split(/(?<=\n\n)/);
    let firstSeen!: () => void;
    const firstArrived = new Promise<void>((r) => { firstSeen = r; });
    let lastSentAt = 0;
    upstream.script = (_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(events[0]);
      // The rest is sent only once the client has the first event: a buffering gateway would deadlock here.
      void firstArrived.then(() => {
        lastSentAt = performance.now();
        for (const e of events.slice(1)) res.write(e);
        res.end();
      });
    };
    policy.records.length = 0;
    let firstAt = 0;
    const r = await call(tcp, 'POST', '/p/fake_anthropic/v1/messages', anth, JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, max_tokens: 10, messages: [] }), (c) => {
      if (!firstAt && c.includes('message_start')) {
        firstAt = performance.now();
        firstSeen();
      }
    });
    t.equal(r.status, 200);
    t.equal(r.headers['content-type'], 'text/event-stream');
    t.ok(firstAt > 0 && firstAt < lastSentAt, 'the first event reached the client before the upstream sent the last');
    t.equal(r.body, events.join(''), 'the stream passes byte for byte');
    const tokens = { inputTokens: 100, outputTokens: 2000, cacheReadTokens: 10, cacheWriteTokens: 0 };
    t.same(policy.records, [{ agentId: 'ag-1', model: 'claude-sonnet-4-5', usage: { ...tokens, costUsd: price(tokens, sonnet) } }]);
  });

  t.test('openai chat, streamed: the gateway asks for usage and reads it from the final chunk', async (t) => {
    upstream.script = (s, res) => {
      const req = JSON.parse(s.body) as { stream_options?: { include_usage?: boolean } };
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(chatSse('gpt-5-2025-08-07', ['a', 'b'], req.stream_options?.include_usage ? { prompt: 1000, cached: 400, completion: 50 } : { prompt: 0, cached: 0, completion: 0 }));
    };
    policy.records.length = 0;
    const r = await call(unix, 'POST', '/p/fake_openai/v1/chat/completions', oai, JSON.stringify({ model: 'gpt-5', stream: true, stream_options: { other: 1 }, messages: [] }));
    t.equal(r.status, 200);
    t.match(r.body, /data: \[DONE\]/);
    const s = upstream.seen.at(-1)!;
    t.same(JSON.parse(s.body).stream_options, { other: 1, include_usage: true });
    t.equal(s.headers.authorization, `Bearer ${REAL_KEY}`);
    t.equal(s.headers['x-api-key'], undefined);
    const tokens = { inputTokens: 600, outputTokens: 50, cacheReadTokens: 400, cacheWriteTokens: 0 };
    t.same(policy.records, [{ agentId: 'ag-1', model: 'gpt-5-2025-08-07', usage: { ...tokens, costUsd: price(tokens, gpt5) } }]);
  });

  t.test('openai chat not streamed, and responses streamed', async (t) => {
    upstream.script = (s, res) => {
      if (s.url === '/v1/chat/completions') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'c', object: 'chat.completion', model: 'gpt-5', choices: [], usage: { prompt_tokens: 10, completion_tokens: 5 } }));
      } else {
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end(responsesSse('gpt-5', ['x', 'y'], { input: 2000, cached: 1500, output: 70 }));
      }
    };
    policy.records.length = 0;
    const a = await call(tcp, 'POST', '/p/fake_openai/v1/chat/completions', oai, JSON.stringify({ model: 'gpt-5', messages: [] }));
    t.equal(a.status, 200);
    t.equal(JSON.parse(upstream.seen.at(-1)!.body).stream_options, undefined, 'a request that does not stream is forwarded as sent');
    const b = await call(unix, 'POST', '/p/fake_openai/v1/responses', oai, JSON.stringify({ model: 'gpt-5', stream: true, input: 'hi' }));
    t.equal(b.status, 200);
    t.match(b.body, /response\.completed/);
    const t1 = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 };
    const t2 = { inputTokens: 500, outputTokens: 70, cacheReadTokens: 1500, cacheWriteTokens: 0 };
    t.same(policy.records, [
      { agentId: 'ag-1', model: 'gpt-5', usage: { ...t1, costUsd: price(t1, gpt5) } },
      { agentId: 'ag-1', model: 'gpt-5', usage: { ...t2, costUsd: price(t2, gpt5) } },
    ]);
  });

  t.test('helper paths are forwarded and not metered', async (t) => {
    upstream.script = (s, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: s.url, usage: { input_tokens: 5 } }));
    policy.records.length = 0;
    policy.spent.add('ag-1');
    t.teardown(() => policy.spent.clear());
    t.equal((await call(unix, 'GET', '/p/fake_anthropic/v1/models', anth)).status, 200);
    t.equal((await call(unix, 'GET', '/p/fake_openai/v1/models/gpt-5', oai)).status, 200);
    const c = await call(unix, 'POST', '/p/fake_anthropic/v1/messages/count_tokens', anth, JSON.stringify({ model: 'claude-sonnet-4-5', messages: [] }));
    t.equal(c.status, 200, 'counting tokens costs nothing: allowed after the budget is spent');
    t.equal(upstream.seen.at(-1)!.url, '/anthropic/v1/messages/count_tokens');
    t.same(policy.records, []);
  });

  t.test('a spent budget is refused in each API\'s shape, and nothing reaches the upstream', async (t) => {
    policy.spent.add('ag-1');
    t.teardown(() => policy.spent.clear());
    const before = upstream.seen.length;
    const a = await call(unix, 'POST', '/p/fake_anthropic/v1/messages', anth, JSON.stringify({ model: 'claude-sonnet-4-5', messages: [] }));
    t.equal(a.status, BUDGET_REFUSAL.anthropic.status);
    t.equal(a.status, 429);
    t.match(JSON.parse(a.body), { type: 'error', error: { type: 'rate_limit_error', message: /budget spent \(agent ag-1 spent \$2\.00 of \$2\.00\)/ } });
    t.equal(a.headers['x-should-retry'], 'false');
    const o = await call(tcp, 'POST', '/p/fake_openai/v1/responses', oai, JSON.stringify({ model: 'gpt-5', input: 'x' }));
    t.equal(o.status, 429);
    t.same(Object.keys(JSON.parse(o.body).error).sort(), ['code', 'message', 'param', 'type']);
    t.match(JSON.parse(o.body), { error: { type: 'insufficient_quota', code: 'insufficient_quota', message: /budget spent/ } });
    t.equal(o.headers['x-should-retry'], 'false');
    t.equal(upstream.seen.length, before);
  });

  t.test('unknown tokens, another sandbox\'s token and tokens on another sandbox\'s listener are refused', async (t) => {
    const before = upstream.seen.length;
    const a = await call(unix, 'POST', '/p/fake_anthropic/v1/messages', { 'x-api-key': 'nope' }, '{}');
    t.equal(a.status, 401);
    t.same(JSON.parse(a.body), { type: 'error', error: { type: 'authentication_error', message: 'unknown gateway token' } });
    const b = await call(tcp, 'POST', '/p/fake_openai/v1/chat/completions', { authorization: `Bearer ${OTHER_TOKEN}` }, '{}');
    t.equal(b.status, 403);
    t.same(JSON.parse(b.body), { error: { message: 'this token belongs to an agent of another sandbox', type: 'invalid_request_error', param: null, code: 'token_other_sandbox' } });
    const otherSocket = join(dir, 'other.sock');
    await gw.listenUnix(otherSocket, 'sb-2');
    const c = await call({ socketPath: otherSocket }, 'POST', '/p/fake_anthropic/v1/messages', anth, '{}');
    t.equal(c.status, 401, 'the listener says which sandbox is calling, not the token');
    t.equal((await call(unix, 'POST', '/p/fake_anthropic/v1/messages', {}, '{}')).status, 401, 'no token at all');
    await gw.closeListener(otherSocket);
    t.notOk(existsSync(otherSocket), 'a closed Unix listener leaves no socket file');
    t.equal(upstream.seen.length, before);
  });

  t.test('upstream errors pass through as the upstream sent them, and are not metered', async (t) => {
    policy.records.length = 0;
    const rate = { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } };
    upstream.script = (_, res) => res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' }).end(JSON.stringify(rate));
    const a = await call(unix, 'POST', '/p/fake_anthropic/v1/messages', anth, JSON.stringify({ model: 'claude-sonnet-4-5', messages: [] }));
    t.equal(a.status, 429);
    t.equal(a.headers['retry-after'], '7');
    t.same(JSON.parse(a.body), rate);
    upstream.script = (_, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"boom","type":"server_error","param":null,"code":null}}');
    const o = await call(tcp, 'POST', '/p/fake_openai/v1/chat/completions', oai, JSON.stringify({ model: 'gpt-5', messages: [] }));
    t.equal(o.status, 500);
    t.match(JSON.parse(o.body), { error: { message: 'boom' } });
    upstream.script = (_, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}');
    t.equal((await call(unix, 'POST', '/p/fake_anthropic/v1/messages', anth, JSON.stringify({ model: 'claude-sonnet-4-5' }))).status, 401);
    t.same(policy.records, []);
  });

  t.test('an upstream that is down is a 502 in the API\'s shape; a provider without its key names the variable', async (t) => {
    const a = await call(unix, 'POST', '/p/down/v1/messages', anth, JSON.stringify({ model: 'claude-sonnet-4-5', messages: [] }));
    t.equal(a.status, 502);
    t.match(JSON.parse(a.body), { type: 'error', error: { type: 'api_error', message: /could not reach the "down" model provider \(ECONNREFUSED\)/ } });
    const k = await call(tcp, 'POST', '/p/keyless/v1/chat/completions', oai, JSON.stringify({ model: 'gpt-5', messages: [] }));
    t.equal(k.status, 502);
    t.match(JSON.parse(k.body), { error: { type: 'server_error', code: 'upstream_key_missing', message: /GODEL_TEST_UNSET_KEY is not set/ } });
    t.equal(k.headers['x-should-retry'], 'false');
  });

  t.test('bad requests: unknown provider or path, an unpriced model, a body over the limit', async (t) => {
    const p = await call(unix, 'POST', '/p/nope/v1/messages', anth, '{}');
    t.equal(p.status, 404);
    t.match(JSON.parse(p.body), { type: 'error', error: { type: 'not_found_error', message: /PROVIDER one of: .*fake_anthropic/ } });
    const q = await call(unix, 'POST', '/p/fake_openai/v1/embeddings', oai, '{}');
    t.equal(q.status, 404);
    t.match(JSON.parse(q.body), { error: { code: 'not_found' } });
    t.equal((await call(unix, 'GET', '/', {})).status, 404);
    t.equal((await call(unix, 'GET', '/p/fake_openai/v1/models/..', oai)).status, 404, 'no dot segments');
    const u = await call(unix, 'POST', '/p/fake_openai/v1/responses', oai, JSON.stringify({ model: 'mystery-1', input: 'x' }));
    t.equal(u.status, 400);
    t.match(JSON.parse(u.body), { error: { code: 'model_not_priced', message: /"mystery-1" has no price/ } });
    const big = await call(tcp, 'POST', '/p/fake_anthropic/v1/messages', anth, 'x'.repeat(MAX_REQUEST_BYTES + 1));
    t.equal(big.status, 413);
    t.match(JSON.parse(big.body), { error: { type: 'request_too_large' } });
  });

  t.test('metrics count tokens, cost and requests by model, template, route and status; logs hold no secret', async (t) => {
    const text = await registry.metrics();
    t.match(text, /godel_model_tokens_total\{model="claude-sonnet-4-5",template="default",kind="output"\} 2022/);
    t.match(text, /godel_model_cost_usd_total\{model="gpt-5",template="default"\} [0-9.]+/);
    t.match(text, /godel_model_requests_total\{api="anthropic-messages",status="429"\} 2/, "the upstream's 429 and the budget refusal");
    t.match(text, /godel_model_requests_total\{api="openai-chat",status="502"\} 1/);
    t.notMatch(text, /ag-1|sb-1/, 'no id in any label');
    const all = logLines.join('');
    t.match(all, /model upstream unreachable/);
    t.notOk(all.includes(REAL_KEY), 'the key never enters the log');
    t.notOk(all.includes(TOKEN), 'nor the token');
  });

  t.test('a forwarder hands over its loopback listener: the gateway accepts on it, refuses what is not that, and lets go on close', async (t) => {
    upstream.script = (_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
    const agentSocket = join(dir, '4100.sock');
    const handOver = join(dir, '4100.listeners.sock');
    await gw.listenUnix(agentSocket, 'sb-1', handOver);
    t.ok(existsSync(handOver), 'the hand-over socket is there before the forwarder starts');
    // The real forwarder, on the host here (a sandbox's loopback port inside), listening on a free port.
    const probe = createNetServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const fport = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const fwd = spawn(FORWARDER, [`${fport}=${agentSocket}`, '--hand-to', handOver], { stdio: ['ignore', 'ignore', 'inherit'] });
    t.teardown(() => { if (fwd.exitCode === null) fwd.kill('SIGKILL'); });
    const via = async (how: string): Promise<number> => Number(new RegExp(`godel_model_gateway_connections_total\\{via="${how}"\\} (\\d+)`).exec(await registry.metrics())?.[1] ?? 0);
    const fresh = { ...anth, connection: 'close' };
    const before = await via('handed');
    await waitFor('the gateway to accept on the handed listener', async () => {
      // The forwarder was only just spawned: until it listens, a connect is refused (CI saw that once).
      const r = await call({ port: fport }, 'GET', '/p/fake_anthropic/v1/models', fresh).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNREFUSED') return undefined;
        throw err;
      });
      if (r === undefined) return undefined;
      t.equal(r.status, 200);
      return (await via('handed')) > before || undefined;
    }, 5000);
    const handed = await via('handed');
    const bySocket = await via('socket');
    for (let i = 0; i < 3; i++) t.equal((await call({ port: fport }, 'GET', '/p/fake_anthropic/v1/models', fresh)).status, 200);
    t.equal(await via('handed'), handed + 3, 'every new connection is accepted by the gateway itself');
    t.equal(await via('socket'), bySocket, 'none is carried by the forwarder');

    // What the hand-over socket takes: a socket that is not listening, or a listener named for another agent's socket, is refused.
    const py = (name: string, listening: boolean): string => [
      'import socket', listening ? 'a=socket.socket(); a.bind(("127.0.0.1",0)); a.listen()' : 'a,b=socket.socketpair()',
      `u=socket.socket(socket.AF_UNIX); u.connect(${JSON.stringify(handOver)})`,
      `socket.send_fds(u, [b"LISTENERS ${name}\\n"], [a.fileno()])`, 'u.settimeout(5)', 'print("closed" if u.recv(10)==b"" else "open")',
    ].join('\n');
    for (const [name, listening] of [['4100.sock', false], ['4101.sock', true], ['http.sock', true]] as const) {
      // Not spawnSync: the gateway answering it runs on this process's event loop.
      const r = await execFileP('python3', ['-c', py(name, listening)], { encoding: 'utf8', timeout: 10_000 });
      t.equal(r.stdout.trim(), 'closed', `refused: ${name}, ${listening ? 'listening' : 'not listening'} ${r.stderr}`);
    }
    t.equal((await call({ port: fport }, 'GET', '/p/fake_anthropic/v1/models', fresh)).status, 200);
    t.equal(await via('handed'), handed + 4, 'the real hand-over is untouched');

    // While no gateway holds its listener (one restarting), the forwarder carries each connection to the agent's socket.
    const probe2 = createNetServer().listen(0, '127.0.0.1');
    await once(probe2, 'listening');
    const rport = (probe2.address() as { port: number }).port;
    await new Promise<void>((r) => probe2.close(() => r()));
    const relaying = spawn(FORWARDER, [`${rport}=${agentSocket}`, '--hand-to', join(dir, 'nobody-listens.sock')], { stdio: ['ignore', 'ignore', 'inherit'] });
    t.teardown(() => { if (relaying.exitCode === null) relaying.kill('SIGKILL'); });
    await waitFor('the relaying forwarder to listen', async () => (await call({ port: rport }, 'GET', '/p/fake_anthropic/v1/models', fresh).catch(() => undefined))?.status === 200 || undefined, 5000);
    t.equal(await via('socket'), bySocket + 1, 'a forwarder that could not hand over carries the connection to the socket');
    relaying.kill('SIGKILL');

    // The listener closes (its agent ended): the gateway lets go, the forwarder accepts again and, with no socket to carry to, closes.
    await gw.closeListener(agentSocket);
    t.notOk(existsSync(handOver), 'the hand-over socket is gone with the listener');
    await t.rejects(call({ port: fport }, 'GET', '/p/fake_anthropic/v1/models', fresh), 'nothing behind the forwarder now');
    t.equal(await via('handed'), handed + 4);
  });

  t.test('a client that goes away cancels the upstream call; close() ends listeners and calls in flight', async (t) => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((r) => { upstreamClosed = r; });
    upstream.script = (_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: ping\ndata: {"type":"ping"}\n\n');
      res.on('close', () => upstreamClosed());
    };
    await new Promise<void>((resolve, reject) => {
      const req = request({ socketPath, method: 'POST', path: '/p/fake_anthropic/v1/messages', headers: anth }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.end(JSON.stringify({ model: 'claude-sonnet-4-5', stream: true }));
    });
    await closed;
    t.pass('the upstream saw its request cancelled');

    let hung!: () => void;
    const hanging = new Promise<void>((r) => { hung = r; });
    upstream.script = (_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: ping\ndata: {}\n\n');
      res.on('close', () => hung());
    };
    const inFlight = call(tcp, 'POST', '/p/fake_openai/v1/responses', oai, JSON.stringify({ model: 'gpt-5', stream: true })).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 100));
    await gw.close();
    await hanging;
    t.ok(await inFlight, 'the client\'s call ended');
    t.notOk(existsSync(socketPath));
    await t.rejects(call(tcp, 'GET', '/p/fake_openai/v1/models', oai), 'nothing listens after close');
    await t.rejects(gw.listenTcp('127.0.0.1', 0, 'sb-1'), /closed/);
  });
});

t.test('against the fake model server: both APIs, streamed and not, usage as the fake reported it, priced', async (t) => {
  const fake = await startFakeModels({ host: '127.0.0.3' });
  const dir = mkdtempSync(join(tmpdir(), 'godel-gateway-fake-'));
  const config = parseModelsConfig({
    providers: {
      anthropic: { api: 'anthropic', base_url: fake.url, api_key_env: 'GODEL_TEST_FAKE_KEY' },
      openai: { api: 'openai', base_url: `${fake.url}/openai-prefix`, api_key_env: 'GODEL_TEST_FAKE_KEY' },
    },
  });
  process.env.GODEL_TEST_FAKE_KEY = REAL_KEY;
  const policy = new TestPolicy();
  const gw = new ModelGateway(config, policy, pino({ level: 'silent' }));
  const socketPath = join(dir, 'gw.sock');
  await gw.listenUnix(socketPath, 'sb-1');
  const port = await gw.listenTcp('127.0.0.1', 0, 'sb-1');
  t.teardown(async () => {
    await gw.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const fakeUsage = { input: 1200, output: 55, cacheRead: 300, cacheWrite: 40 };
  const tokens = { inputTokens: 1200, outputTokens: 55, cacheReadTokens: 300, cacheWriteTokens: 40 };
  const cases: Array<{ api: ModelApi; model: string; path: string; stream: boolean; target: Target; text: RegExp }> = [];
  for (const stream of [false, true]) {
    cases.push({ api: 'anthropic-messages', model: 'claude-sonnet-4-5', path: '/p/anthropic/v1/messages', stream, target: stream ? { port } : { socketPath }, text: /hello from the fake/ });
    cases.push({ api: 'openai-chat', model: 'gpt-5', path: '/p/openai/v1/chat/completions', stream, target: stream ? { socketPath } : { port }, text: /hello from the fake/ });
    cases.push({ api: 'openai-responses', model: 'gpt-5-codex', path: '/p/openai/v1/responses', stream, target: stream ? { port } : { socketPath }, text: /hello from the fake/ });
  }
  for (const c of cases) {
    t.test(`${c.api}, ${c.stream ? 'streamed' : 'not streamed'}, over ${'port' in c.target ? 'TCP' : 'the Unix socket'}`, async (t) => {
      fake.setScript([{ text: 'hello from the fake ', streamTokens: 40, usage: fakeUsage }]);
      policy.records.length = 0;
      const headers: Record<string, string> = c.api === 'anthropic-messages' ? { 'x-api-key': TOKEN, 'anthropic-version': '2023-06-01' } : { authorization: `Bearer ${TOKEN}` };
      const body = c.api === 'openai-responses' ? { model: c.model, input: 'hi', stream: c.stream } : { model: c.model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], stream: c.stream };
      const r = await call(c.target, 'POST', c.path, headers, JSON.stringify(body));
      t.equal(r.status, 200);
      t.match(r.body, c.text);
      t.match(r.body, /alpha[^]*theta/);
      const seen = fake.requests.at(-1)!;
      t.equal(seen.path, c.api === 'anthropic-messages' ? '/v1/messages' : `/openai-prefix${c.path.slice('/p/openai'.length)}`);
      if (c.api === 'anthropic-messages') t.equal(seen.headers['x-api-key'], REAL_KEY);
      else t.equal(seen.headers.authorization, `Bearer ${REAL_KEY}`);
      t.notOk(JSON.stringify(seen).includes(TOKEN), 'the token never reaches the upstream');
      const price = lookupPrice(config, c.model)!.price;
      t.same(policy.records, [{ agentId: 'ag-1', model: c.model, usage: { ...tokens, costUsd: costUsd(price, tokens) } }], 'the fake\'s numbers, priced from the table');
    });
  }

  t.test('the fake streams slowly: the first token is through long before the last', async (t) => {
    fake.setScript([{ streamTokens: 20, deltaDelayMs: 25, usage: { input: 5, output: 20 } }]);
    const t0 = performance.now();
    let first = 0;
    const r = await call({ socketPath }, 'POST', '/p/anthropic/v1/messages', { 'x-api-key': TOKEN }, JSON.stringify({ model: 'claude-sonnet-4-5', stream: true }), (chunk) => {
      if (!first && chunk.includes('text_delta')) first = performance.now() - t0;
    });
    const total = performance.now() - t0;
    t.equal(r.status, 200);
    t.ok(total >= 450, `the answer took its time (${Math.round(total)} ms)`);
    t.ok(first > 0 && first < total / 3, `first token after ${Math.round(first)} ms of ${Math.round(total)}`);
  });

  t.test('helper paths and scripted upstream errors, through as the fake sent them', async (t) => {
    const models = await call({ port }, 'GET', '/p/openai/v1/models', { authorization: `Bearer ${TOKEN}` });
    t.equal(models.status, 200);
    t.match(JSON.parse(models.body), { data: [{ id: 'fake-model' }] });
    const count = await call({ socketPath }, 'POST', '/p/anthropic/v1/messages/count_tokens', { 'x-api-key': TOKEN }, JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'count me' }] }));
    t.equal(count.status, 200);
    t.ok(JSON.parse(count.body).input_tokens > 0);
    policy.records.length = 0;
    const overloaded = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    fake.setScript([
      { error: { status: 529, body: overloaded, headers: { 'x-should-retry': 'true' } } },
      { error: { status: 429, body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, headers: { 'retry-after': '2' } } },
      { error: { status: 500, body: 'upstream exploded' } },
    ]);
    const a = await call({ socketPath }, 'POST', '/p/anthropic/v1/messages', { 'x-api-key': TOKEN }, JSON.stringify({ model: 'claude-sonnet-4-5' }));
    t.equal(a.status, 529);
    t.same(JSON.parse(a.body), overloaded);
    t.equal(a.headers['x-should-retry'], 'true');
    const b = await call({ port }, 'POST', '/p/openai/v1/responses', { authorization: `Bearer ${TOKEN}` }, JSON.stringify({ model: 'gpt-5' }));
    t.equal(b.status, 429);
    t.equal(b.headers['retry-after'], '2');
    t.match(JSON.parse(b.body), { error: { code: 'rate_limit_exceeded' } });
    const c = await call({ port }, 'POST', '/p/openai/v1/chat/completions', { authorization: `Bearer ${TOKEN}` }, JSON.stringify({ model: 'gpt-5' }));
    t.equal(c.status, 500);
    t.equal(c.body, 'upstream exploded');
    t.same(policy.records, [], 'an error reports no usage');
  });
});
