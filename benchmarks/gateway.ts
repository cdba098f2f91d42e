// Benchmark: the model gateway's overhead on a streamed answer. The FAKE model server
// (tests/helpers/fake-models, its own process on 127.0.0.4) streams a 2,000-token Anthropic Messages
// answer; a client in a third process asks for it directly, through the gateway's Unix socket listener
// (as a sandbox reaches it) and through its loopback TCP listener, in turn (the order rotates each round),
// over kept-alive connections as the CLIs' SDKs use them. Measured from the request's write: time to
// the first text delta, and to the end of the stream. The gateway runs in this process with the
// daemon's logger settings (a JSON line per call, written asynchronously) and its metrics. Then the same
// inside a real godeld, from the host and from a sandbox (inGodeld below).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { runBenchmark, withDaemon } from './harness.js';
import { agentToken } from '../tests/helpers/agent-tasks.js';
import { machine, summarize, type Summary } from './stats.js';
import { parseModelsConfig } from '../daemon/agents/gateway/config.js';
import { ModelGateway } from '../daemon/agents/gateway/gateway.js';
import { GatewayMetrics } from '../daemon/agents/gateway/metrics.js';
import type { GatewayPolicy, Usage } from '../daemon/agents/types.js';

const N = Number(process.env.BENCH_GATEWAY_REQUESTS ?? 200);
const TOKENS = Number(process.env.BENCH_GATEWAY_TOKENS ?? 2000);
const SHORT_TOKENS = 20;
const WARMUP = 20;
const TOKEN = 'godel-bench-agent-token';

/** The client: N rounds, each asking every target once (rotating the order), printing the samples as JSON. */
const CLIENT = `
const http = require('http');
const [targetsJson, n, warmup, token] = process.argv.slice(1);
const targets = JSON.parse(targetsJson);
const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 4096, stream: true, messages: [{ role: 'user', content: 'write 2000 tokens' }] });
for (const t of targets) t.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function once(t) {
  return new Promise((resolve, reject) => {
    const where = t.socketPath ? { socketPath: t.socketPath } : { host: t.host, port: t.port };
    const t0 = process.hrtime.bigint();
    let first = 0n;
    let seen = '';
    const req = http.request({ ...where, agent: t.agent, method: 'POST', path: t.prefix + '/v1/messages',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': token, 'anthropic-version': '2023-06-01' } }, (res) => {
      if (res.statusCode !== 200) { reject(new Error(t.name + ': HTTP ' + res.statusCode)); res.resume(); return; }
      let bytes = 0;
      res.on('data', (c) => {
        bytes += c.length;
        if (first === 0n) { seen += c; if (seen.includes('text_delta')) first = process.hrtime.bigint(); }
      });
      res.on('end', () => {
        const end = process.hrtime.bigint();
        resolve({ ttft: Number(first - t0) / 1e6, total: Number(end - t0) / 1e6, bytes });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
(async () => {
  const out = {};
  for (const t of targets) out[t.name] = { ttft: [], total: [], bytes: 0 };
  for (let i = 0; i < Number(warmup); i++) for (const t of targets) await once(t);
  for (let i = 0; i < Number(n); i++) {
    for (let j = 0; j < targets.length; j++) {
      const t = targets[(i + j) % targets.length];
      const r = await once(t);
      out[t.name].ttft.push(r.ttft); out[t.name].total.push(r.total); out[t.name].bytes = r.bytes;
    }
  }
  process.stdout.write(JSON.stringify(out) + '\\n');
})().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\\n'); process.exit(1); });
`;

function report(name: string, s: Summary): void {
  process.stdout.write(`${JSON.stringify({ bench: name, unit: 'ms', ...s })}\n`);
}

async function firstLine(child: ChildProcess): Promise<string> {
  const rl = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready`)));
    rl.once('line', resolve);
  });
}

/** Every model request to the fake answers `tokens` one-token text deltas, as fast as the socket takes them. */
async function setScript(url: string, tokens: number): Promise<void> {
  const res = await fetch(`${url}/_fake/script`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ turns: [{ streamTokens: tokens, usage: { input: 1000, output: tokens } }], repeat: true }) });
  if (res.status !== 204) throw new Error(`the fake refused its script: HTTP ${res.status}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'godel-bench-gateway-'));
  const here = dirname(fileURLToPath(import.meta.url));
  const fake = spawn(process.execPath, [join(here, '../tests/helpers/fake-models/main.js'), '--listen', '127.0.0.4:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let gw: ModelGateway | undefined;
  try {
    const { url } = JSON.parse(await firstLine(fake)) as { url: string };
    const fakeUrl = new URL(url);
    process.env.GODEL_BENCH_KEY = 'sk-bench-not-a-real-key';
    const config = parseModelsConfig({ providers: { bench: { api: 'anthropic', base_url: url, api_key_env: 'GODEL_BENCH_KEY' } } });
    let recorded = 0;
    let expectedOutput = TOKENS;
    const policy: GatewayPolicy = {
      authorize: (token, sandboxId) => (token === TOKEN ? { ok: true, agentId: 'ag-bench', model: 'claude-sonnet-4-5', template: 'default' } : { ok: false, status: 401, code: 'token_unknown', message: `bad token on ${sandboxId}` }),
      refusal: () => undefined,
      record: (_agent: string, _model: string, u: Usage) => { if (u.outputTokens === expectedOutput) recorded++; },
    };
    // As the daemon logs: JSON lines written off the event loop (here to /dev/null).
    const log = pino({ level: 'info', base: { service: 'godeld' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: '/dev/null', sync: false }));
    gw = new ModelGateway(config, policy, log, new GatewayMetrics(new Registry()));
    const socketPath = join(dir, 'gateway.sock');
    await gw.listenUnix(socketPath, 'sb-bench');
    const port = await gw.listenTcp('127.0.0.1', 0, 'sb-bench');
    const targets = [
      { name: 'direct', host: fakeUrl.hostname, port: Number(fakeUrl.port), prefix: '' },
      { name: 'unix', socketPath, prefix: '/p/bench' },
      { name: 'tcp', host: '127.0.0.1', port, prefix: '/p/bench' },
    ];
    const load = loadavg();
    // The bar is on the long answer. The short one (20 tokens) shows the floor: what the two extra
    // loopback hops cost when the gateway is not also busy relaying the rest of a burst.
    const results: Record<string, unknown> = {};
    const bars: Record<string, boolean> = {};
    let cpuPerCall = 0;
    for (const tokens of [TOKENS, SHORT_TOKENS]) {
      await setScript(url, tokens);
      recorded = 0;
      expectedOutput = tokens;
      const cpu0 = process.cpuUsage();
      const client = spawn(process.execPath, ['-e', CLIENT, JSON.stringify(targets), String(N), String(WARMUP), TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
      const out = JSON.parse(await firstLine(client)) as Record<string, { ttft: number[]; total: number[]; bytes: number }>;
      const cpu = process.cpuUsage(cpu0);
      if (tokens === TOKENS) cpuPerCall = Math.round(((cpu.user + cpu.system) / 1000 / (2 * (N + WARMUP))) * 1000) / 1000;
      const s: Record<string, { ttft: Summary; total: Summary }> = {};
      for (const [name, r] of Object.entries(out)) {
        s[name] = { ttft: summarize(r.ttft), total: summarize(r.total) };
        report(`gateway_${tokens}tok_ttft_${name}`, s[name]!.ttft);
        report(`gateway_${tokens}tok_total_${name}`, s[name]!.total);
      }
      const added = (via: string, k: 'ttft' | 'total', q: 'p50' | 'p99'): number => Math.round((s[via]![k][q] - s.direct![k][q]) * 1000) / 1000;
      results[`${tokens}_tokens`] = {
        stream_bytes: out.direct!.bytes,
        added_ms: {
          ttft_p50_unix: added('unix', 'ttft', 'p50'), ttft_p99_unix: added('unix', 'ttft', 'p99'),
          ttft_p50_tcp: added('tcp', 'ttft', 'p50'), ttft_p99_tcp: added('tcp', 'ttft', 'p99'),
          total_p50_unix: added('unix', 'total', 'p50'), total_p99_unix: added('unix', 'total', 'p99'),
          total_p50_tcp: added('tcp', 'total', 'p50'), total_p99_tcp: added('tcp', 'total', 'p99'),
        },
      };
      if (tokens === TOKENS) {
        bars.ttft_p50_added_under_2ms_unix = added('unix', 'ttft', 'p50') < 2;
        bars.ttft_p50_added_under_2ms_tcp = added('tcp', 'ttft', 'p50') < 2;
      }
      bars[`every_call_metered_${tokens}_tokens`] = recorded === 2 * (N + WARMUP);
    }
    await setScript(url, TOKENS);
    const godeld = process.env.BENCH_GATEWAY_GODELD === '0' ? undefined : await inGodeld(url, fakeUrl);
    if (godeld) bars.ttft_p50_added_under_2ms_godeld_sandbox = godeld.ttft_p50_added < 2;
    process.stdout.write(`${JSON.stringify({ summary: {
      machine: { ...machine(), loadavg_before: load.map((x) => Math.round(x * 100) / 100), loadavg_after: loadavg().map((x) => Math.round(x * 100) / 100) },
      requests_per_target: N, gateway_cpu_ms_per_call: cpuPerCall, ...results, ...(godeld ? { godeld_sandbox: godeld } : {}), bars,
    } })}\n`);
  } finally {
    await gw?.close();
    fake.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The whole path an agent's model calls take: a client inside a real sandbox of a real godeld, on the
 * loopback port the forwarder listens on, through the gateway's Unix socket in the daemon (its event loop
 * shared with everything else the daemon does) to the fake; against the same client on the host calling
 * the fake directly. The listener is a real agent's (a claude CLI kept waiting for a follow-up), and so is
 * the token. The two clients take turns in batches (one cannot reach the other's target).
 */
async function inGodeld(url: string, fakeUrl: URL): Promise<Record<string, unknown> & { ttft_p50_added: number }> {
  const config = {
    templates: { default: { pool: { min_idle: 2 } }, hostnet: { network: 'host', pool: { min_idle: 1 } } },
    models: { providers: { anthropic: { api: 'anthropic', base_url: url, api_key_env: 'GODEL_BENCH_KEY' } } },
  };
  return withDaemon(config, async (d) => {
    d.env = { GODEL_BENCH_KEY: 'sk-bench-not-a-real-key' };
    await d.start();
    const c = d.client;
    const agent = c.runAgent({ template: 'default', runtime: 'claude', model: 'claude-sonnet-4-5', prompt: 'wait', waitSeconds: 3600 });
    const started = await new Promise<{ id: string; sandboxId: string }>((resolve, reject) => {
      agent.on('data', (e: { started?: { id: string; sandboxId: string } | null }) => { if (e.started) resolve(e.started); });
      agent.on('error', (err: Error & { code?: number }) => { if (err.code !== 1) reject(err); }); // 1: CANCELLED, by us.
    });
    // Nobody follows the agent's events while the calls are measured (as when its client went away).
    agent.cancel();
    const deadline = Date.now() + 60_000;
    let token: string | undefined;
    while (!(token = agentToken(started.sandboxId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (!token) throw new Error('the agent\'s CLI did not start');
    const batches = 10;
    const per = Math.max(1, Math.round(N / batches));
    // The host client also calls the daemon's gateway socket itself (no forwarder): what the daemon adds.
    const onHost = [
      { name: 'x', host: fakeUrl.hostname, port: Number(fakeUrl.port), prefix: '' },
      { name: 'socket', socketPath: join(d.stateDir, 'gw', started.sandboxId, '4100.sock'), prefix: '/p/anthropic' },
    ];
    // Inside, the same rounds also call the agent's gateway socket bound into the sandbox: what the
    // loopback port adds (the forwarder or, handed over, TCP) apart from what running in the sandbox does.
    const viaGateway = [
      { name: 'x', host: '127.0.0.1', port: 4100, prefix: '/p/anthropic' },
      { name: 'unix', socketPath: '/.godel/gateway/4100.sock', prefix: '/p/anthropic' },
    ];
    // A sandbox on the host's network calls the fake directly: what a client in a sandbox costs by itself,
    // apart from the gateway (a hosted sandbox would call its provider this way).
    const { id: hostnetId } = await c.createSandbox({ template: 'hostnet' });
    const direct = [{ name: 'x', host: fakeUrl.hostname, port: Number(fakeUrl.port), prefix: '' }];
    const measure = async (): Promise<Record<'host' | 'socket' | 'sandbox' | 'sandboxUnix' | 'sandboxDirect', { ttft: Summary; total: Summary }>> => {
      const host = { ttft: [] as number[], total: [] as number[] };
      const socket = { ttft: [] as number[], total: [] as number[] };
      const inside = { ttft: [] as number[], total: [] as number[] };
      const insideUnix = { ttft: [] as number[], total: [] as number[] };
      const insideDirect = { ttft: [] as number[], total: [] as number[] };
      for (let b = 0; b < batches; b++) {
        const client = spawn(process.execPath, ['-e', CLIENT, JSON.stringify(onHost), String(per), '2', token], { stdio: ['ignore', 'pipe', 'inherit'] });
        const out = JSON.parse(await firstLine(client)) as Record<string, { ttft: number[]; total: number[] }>;
        host.ttft.push(...out.x!.ttft);
        host.total.push(...out.x!.total);
        socket.ttft.push(...out.socket!.ttft);
        socket.total.push(...out.socket!.total);
        const r = await c.runCollect({ sandboxId: started.sandboxId, argv: ['node', '-e', CLIENT, JSON.stringify(viaGateway), String(per), '2', token] });
        if (r.exitCode !== 0) throw new Error(`the client in the sandbox failed: ${r.stderr.toString()}`);
        const got = JSON.parse(r.stdout.toString()) as Record<string, { ttft: number[]; total: number[] }>;
        inside.ttft.push(...got.x!.ttft);
        inside.total.push(...got.x!.total);
        insideUnix.ttft.push(...got.unix!.ttft);
        insideUnix.total.push(...got.unix!.total);
        const rd = await c.runCollect({ sandboxId: hostnetId, argv: ['node', '-e', CLIENT, JSON.stringify(direct), String(per), '2', token] });
        if (rd.exitCode !== 0) throw new Error(`the client in the host-network sandbox failed: ${rd.stderr.toString()}`);
        const gotDirect = JSON.parse(rd.stdout.toString()) as Record<string, { ttft: number[]; total: number[] }>;
        insideDirect.ttft.push(...gotDirect.x!.ttft);
        insideDirect.total.push(...gotDirect.x!.total);
      }
      return {
        host: { ttft: summarize(host.ttft), total: summarize(host.total) }, socket: { ttft: summarize(socket.ttft), total: summarize(socket.total) },
        sandbox: { ttft: summarize(inside.ttft), total: summarize(inside.total) },
        sandboxUnix: { ttft: summarize(insideUnix.ttft), total: summarize(insideUnix.total) },
        sandboxDirect: { ttft: summarize(insideDirect.ttft), total: summarize(insideDirect.total) },
      };
    };
    const s = await measure();
    // The same again while two other clients take sandboxes from the pool and delete them, back to back
    // (the pool refilling behind them): the daemon busy with the work a swarm gives it.
    let busy = true;
    let handoffs = 0;
    const churn = async (): Promise<void> => {
      while (busy) {
        const { id } = await c.createSandbox({ template: 'default' });
        await c.deleteSandbox(id);
        handoffs++;
      }
    };
    const churning = [churn(), churn()];
    const sb = await measure().finally(() => { busy = false; });
    await Promise.all(churning);
    await c.deleteSandbox(hostnetId);
    await c.abortAgent(started.id);
    await c.collectAgentEvents(c.attachAgent({ agentId: started.id, noReplay: true }));
    report(`gateway_godeld_${TOKENS}tok_ttft_direct`, s.host.ttft);
    report(`gateway_godeld_${TOKENS}tok_ttft_socket_from_host`, s.socket.ttft);
    report(`gateway_godeld_${TOKENS}tok_ttft_sandbox`, s.sandbox.ttft);
    report(`gateway_godeld_${TOKENS}tok_ttft_sandbox_socket`, s.sandboxUnix.ttft);
    report(`gateway_godeld_${TOKENS}tok_ttft_sandbox_direct`, s.sandboxDirect.ttft);
    report(`gateway_godeld_${TOKENS}tok_total_direct`, s.host.total);
    report(`gateway_godeld_${TOKENS}tok_total_sandbox`, s.sandbox.total);
    const r3 = (x: number): number => Math.round(x * 1000) / 1000;
    return {
      requests: s.host.ttft.n,
      ttft_p50_added: r3(s.sandbox.ttft.p50 - s.host.ttft.p50), ttft_p99_added: r3(s.sandbox.ttft.p99 - s.host.ttft.p99),
      ttft_p50_added_socket_from_host: r3(s.socket.ttft.p50 - s.host.ttft.p50), ttft_p99_added_socket_from_host: r3(s.socket.ttft.p99 - s.host.ttft.p99),
      ttft_p50_added_socket_from_sandbox: r3(s.sandboxUnix.ttft.p50 - s.host.ttft.p50), ttft_p99_added_socket_from_sandbox: r3(s.sandboxUnix.ttft.p99 - s.host.ttft.p99),
      total_p50_added: r3(s.sandbox.total.p50 - s.host.total.p50), total_p99_added: r3(s.sandbox.total.p99 - s.host.total.p99),
      // From a sandbox, against the same kind of client in a sandbox calling the fake directly.
      ttft_p50_added_over_sandbox_direct: r3(s.sandbox.ttft.p50 - s.sandboxDirect.ttft.p50), ttft_p99_added_over_sandbox_direct: r3(s.sandbox.ttft.p99 - s.sandboxDirect.ttft.p99),
      sandbox_direct_ttft_p50_over_host_direct: r3(s.sandboxDirect.ttft.p50 - s.host.ttft.p50),
      busy: {
        handoffs_during: handoffs,
        direct_ttft_p50: r3(sb.host.ttft.p50),
        ttft_p50_added: r3(sb.sandbox.ttft.p50 - sb.host.ttft.p50), ttft_p99_added: r3(sb.sandbox.ttft.p99 - sb.host.ttft.p99),
        ttft_p50_added_socket_from_host: r3(sb.socket.ttft.p50 - sb.host.ttft.p50), ttft_p99_added_socket_from_host: r3(sb.socket.ttft.p99 - sb.host.ttft.p99),
        ttft_p50_added_socket_from_sandbox: r3(sb.sandboxUnix.ttft.p50 - sb.host.ttft.p50),
        ttft_p50_added_over_sandbox_direct: r3(sb.sandbox.ttft.p50 - sb.sandboxDirect.ttft.p50),
      },
    };
  });
}

runBenchmark(main);
