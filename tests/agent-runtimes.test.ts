// The agent runtimes against the real, pinned CLIs (agent-runtimes/, installed by scripts/setup.sh), each
// run on the host as a child process with only the env its runtime's launch() returns (plus PATH), a temp
// HOME and a temp workdir, talking to the fake model server. A scripted task: a tool call that writes a
// file with the CLI's own tool, then a final text, then (pi, claude) a follow-up prompt. And the refusal
// that the gateway answers a spent budget with: each CLI must stop at once, after one request.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimes } from '../daemon/agents/runtimes/index.js';
import type { AgentEvent, EndReason, LaunchOptions, ModelApi, Runtime, Usage } from '../daemon/agents/types.js';
import { startFakeModels, type FakeModels, type FakeTurn, type RecordedRequest } from './helpers/fake-models/fake-models.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNTIME_DIR = join(ROOT, 'agent-runtimes');
const TOKEN = 'godel-agent-token-3f9a1c';

interface Run {
  events: AgentEvent[];
  exitCode: number | null;
  reported?: { reason: EndReason; message: string };
  requests: RecordedRequest[];
  workdir: string;
  ms: number;
  /** When each model request arrived, in ms after the start. */
  at: number[];
}

/**
 * Runs one CLI through its runtime as the agent manager would: files written, argv and env as launch()
 * says, the first prompt on stdin, each follow-up once the parser says the CLI is idle, stdin closed after
 * the last answer (or at once for a one-shot CLI).
 */
async function runAgent(fake: FakeModels, rt: Runtime, api: ModelApi, script: (workdir: string) => FakeTurn[], prompts: string[],
  timeoutMs = 30_000, abortAfterMs?: number): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), `godel-rt-${rt.name}-home-`));
  const workdir = mkdtempSync(join(tmpdir(), `godel-rt-${rt.name}-work-`));
  t.teardown(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(workdir, { recursive: true, force: true });
  });
  fake.setScript(script(workdir));
  const seen = fake.requests.length;
  const o: LaunchOptions = { model: 'fake-model', gatewayUrl: `${fake.url}/p/test`, api, token: TOKEN, home, runtimeDir: RUNTIME_DIR, workdir };
  const launch = rt.launch(o);
  for (const f of launch.files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.content, { mode: 0o600 });
  }
  const parser = rt.parser(o);
  const events: AgentEvent[] = [];
  const started = Date.now();
  const child = spawn(launch.argv[0]!, launch.argv.slice(1), { cwd: workdir, env: { ...launch.env, PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const first = rt.firstInput(prompts[0]!);
  child.stdin.write(first.data);
  if (first.closeStdin) child.stdin.end();
  // The abort goes abortAfterMs after the model request arrived: sent earlier, while the CLI still loads,
  // it would find nothing to stop.
  const abort = abortAfterMs === undefined ? undefined : rt.abortInput?.();
  if (abort) {
    const poll = setInterval(() => {
      if (fake.requests.length === seen) return;
      clearInterval(poll);
      setTimeout(() => child.stdin.write(abort), abortAfterMs);
    }, 20);
    child.on('close', () => clearInterval(poll));
  }
  let next = 1;
  let wasIdle = false;
  let buf = '';
  const onLine = (line: string): void => {
    events.push(...parser.line(line));
    const idle = parser.idle?.() ?? false;
    if (idle && !wasIdle && !first.closeStdin) {
      if (next < prompts.length) child.stdin.write(rt.followUp(prompts[next++]!));
      else child.stdin.end();
    }
    wasIdle = idle;
  };
  // Split on \n only: pi's RPC stream is strict JSONL (U+2028 may stand inside a JSON string).
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i).replace(/\r$/, ''));
      buf = buf.slice(i + 1);
    }
  });
  const exitCode = await new Promise<number | null>((res) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      res(code);
    });
  });
  if (buf) onLine(buf);
  const fin = parser.finish();
  events.push(...fin.events);
  const run = { events, exitCode, reported: fin.reported, requests: fake.requests.slice(seen), workdir, ms: Date.now() - started,
    at: fake.requests.slice(seen).map((r) => r.at - started) };
  if (exitCode === null) t.comment(`${rt.name} was killed after ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`);
  t.comment(`${rt.name}: model requests at ${run.at.join(', ')} ms, exit at ${run.ms} ms`);
  return run;
}

const ofType = <K extends AgentEvent['type']>(run: Run, type: K): Extract<AgentEvent, { type: K }>[] =>
  run.events.filter((e): e is Extract<AgentEvent, { type: K }> => e.type === type);

const u = (inputTokens: number, outputTokens: number, cacheReadTokens = 0, cacheWriteTokens = 0, costUsd = 0): Usage =>
  ({ inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUsd });

/** The credential each model request carried, whichever header its SDK puts it in. */
function credentials(reqs: RecordedRequest[]): string[] {
  return reqs.filter((r) => r.api).map((r) => String(r.headers['x-api-key'] ?? r.headers.authorization ?? ''));
}

// Eleven real CLI runs: a few seconds each (pi takes ~2 s to load).
t.setTimeout(120_000);

const installed = (['pi', 'claude', 'codex'] as const).every((n) => existsSync(runtimes[n].binary(RUNTIME_DIR)));
if (!installed) {
  t.fail(`the agent CLIs are not installed under ${RUNTIME_DIR}: run scripts/setup.sh (npm ci --prefix agent-runtimes)`);
} else {
  const fake = await startFakeModels({ host: '127.0.0.61' });
  t.teardown(() => fake.close());

  const writeTurn = (call: { name: string; input: unknown }): FakeTurn => ({ toolCalls: [{ id: 'call_write_1', ...call }], usage: { input: 100, output: 20, cacheRead: 30, cacheWrite: 40 } });
  const doneTurn: FakeTurn = { text: 'I wrote the file.', usage: { input: 150, output: 10, cacheRead: 130 } };
  const secondTurn: FakeTurn = { text: 'Second answer.', usage: { input: 7, output: 3 } };

  /** The shared assertions of a task run: the file, the events, the usage, the credential, the ending. */
  const checkTask = (t: Test, run: Run, o: { file: string; content: string; tool: string; usage: Usage[]; texts: string[]; requests: number }): void => {
    t.equal(run.exitCode, 0, 'the CLI exited 0');
    t.equal(existsSync(join(run.workdir, o.file)) && readFileSync(join(run.workdir, o.file), 'utf8'), o.content, 'the file is there with the content');
    const calls = ofType(run, 'tool_call');
    t.equal(calls.length, 1, 'one tool call');
    t.equal(calls[0]?.name, o.tool, `the tool call is ${o.tool}`);
    t.match(calls[0]?.input ?? '', o.content.trim(), 'the tool call carries its input');
    const results = ofType(run, 'tool_result');
    t.equal(results.length, 1, 'one tool result');
    t.equal(results[0]?.callId, calls[0]?.callId, 'the result answers the call');
    t.equal(results[0]?.isError, false, 'the tool succeeded');
    t.same(ofType(run, 'text').map((e) => e.text), o.texts, 'the answers');
    t.same(ofType(run, 'usage').map((e) => e.usage), o.usage, 'usage as the fake sent it');
    t.ok(ofType(run, 'usage').every((e) => e.model === 'fake-model'), 'usage names the model');
    t.equal(run.requests.filter((r) => r.api).length, o.requests, `${o.requests} model requests`);
    t.same([...new Set(credentials(run.requests))].map((c) => c.replace(/^Bearer /, '')), [TOKEN], 'every request carried the agent token, and only it');
    t.same(run.reported?.reason, 'done', 'the CLI reported success');
    t.same(ofType(run, 'raw').filter((e) => !e.raw.startsWith('{')), [], 'no unparsed garbage');
  };

  t.test('claude: Write, a final text, a follow-up', async (t) => {
    const run = await runAgent(fake, runtimes.claude, 'anthropic-messages', (w) => [
      writeTurn({ name: 'Write', input: { file_path: join(w, 'out.txt'), content: 'written by claude\n' } }), doneTurn, secondTurn,
    ], ['write the file', 'and again'], 40_000);
    t.comment(`claude: ${run.ms} ms`);
    checkTask(t, run, { file: 'out.txt', content: 'written by claude\n', tool: 'Write', texts: ['I wrote the file.', 'Second answer.'], requests: 3,
      usage: [u(100, 20, 30, 40), u(150, 10, 130), u(7, 3)] });
    t.equal(run.requests[0]?.path, '/p/test/v1/messages?beta=true', 'claude calls <gatewayUrl>/v1/messages?beta=true');
    t.equal(run.requests[0]?.headers['x-api-key'], TOKEN, 'the token is the x-api-key');
  });

  for (const api of ['anthropic-messages', 'openai-chat', 'openai-responses'] as const) {
    t.test(`pi (${api}): write, a final text, a follow-up`, async (t) => {
      const write = writeTurn({ name: 'write', input: { path: 'out.txt', content: 'written by pi\n' } });
      // pi reads a Responses cache write (which OpenAI never reports) as a cache read: the script has none there.
      if (api === 'openai-responses' && 'usage' in write) write.usage = { ...write.usage, cacheWrite: 0 };
      const run = await runAgent(fake, runtimes.pi, api, () => [write, doneTurn, secondTurn,
      ], ['write the file', 'and again']);
      t.comment(`pi (${api}): ${run.ms} ms`);
      const first = api === 'openai-responses' ? u(100, 20, 30, 0) : u(100, 20, 30, 40);
      checkTask(t, run, { file: 'out.txt', content: 'written by pi\n', tool: 'write', texts: ['I wrote the file.', 'Second answer.'], requests: 3,
        usage: [first, u(150, 10, 130), u(7, 3)] });
      const path = { 'anthropic-messages': '/p/test/v1/messages', 'openai-chat': '/p/test/v1/chat/completions', 'openai-responses': '/p/test/v1/responses' }[api];
      t.same([...new Set(run.requests.map((r) => r.path))], [path], `pi calls only ${path}`);
    });
  }

  t.test('codex: exec_command writes the file, a final text', async (t) => {
    const run = await runAgent(fake, runtimes.codex, 'openai-responses', () => [
      { toolCalls: [{ id: 'call_write_1', name: 'exec_command', input: { cmd: "printf 'written by codex\\n' > out.txt" } }], usage: { input: 100, output: 20, cacheRead: 30 } },
      doneTurn,
    ], ['write the file']);
    t.comment(`codex: ${run.ms} ms`);
    // Codex reports one usage per turn: the sum of its two model responses.
    checkTask(t, run, { file: 'out.txt', content: 'written by codex\n', tool: 'command_execution', texts: ['I wrote the file.'], requests: 2,
      usage: [u(250, 30, 160)] });
    t.same([...new Set(run.requests.map((r) => r.path))], ['/p/test/v1/responses'], 'codex calls only <gatewayUrl>/v1/responses');
    t.equal(run.requests[0]?.headers.authorization, `Bearer ${TOKEN}`, 'the token is the bearer credential');
  });

  // What the gateway answers a spent budget with; each CLI must stop promptly after this one request.
  const anthropicRefusal: FakeTurn = { error: { status: 429, headers: { 'x-should-retry': 'false' },
    body: { type: 'error', error: { type: 'rate_limit_error', message: 'godel: the agent has spent its budget' } } } };
  const openaiRefusal: FakeTurn = { error: { status: 429, headers: { 'x-should-retry': 'false' },
    body: { error: { message: 'godel: the agent has spent its budget', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } } } };
  const refusals: Array<[string, Runtime, ModelApi, FakeTurn]> = [
    ['claude', runtimes.claude, 'anthropic-messages', anthropicRefusal],
    ['pi', runtimes.pi, 'anthropic-messages', anthropicRefusal],
    ['pi', runtimes.pi, 'openai-chat', openaiRefusal],
    ['codex', runtimes.codex, 'openai-responses', openaiRefusal],
  ];
  for (const [name, rt, api, refusal] of refusals) {
    t.test(`${name} (${api}) stops at once on the budget refusal (429)`, async (t) => {
      // More refusals than one, so that a retry would be seen (and refused again) rather than answered.
      const run = await runAgent(fake, rt, api, () => [refusal, refusal, refusal, refusal], ['write the file'], 20_000);
      t.comment(`${name} (${api}) refused: ${run.ms} ms, exit ${run.exitCode}, reported ${JSON.stringify(run.reported)}`);
      t.equal(run.requests.filter((r) => r.api).length, 1, 'one request, no retry');
      t.ok(run.at.length > 0 && run.ms - run.at[0]! < 3000, 'it stopped within seconds of the refusal');
      t.not(run.exitCode, null, 'it exited by itself');
      t.equal(run.reported?.reason, 'error', 'it reported an error');
      t.same(ofType(run, 'usage'), [], 'nothing was spent');
    });
  }

  // A long streamed answer (300 deltas, 20 ms apart: 6 s) cut by the runtime's abort command 1 s into it.
  for (const rt of [runtimes.claude, runtimes.pi]) {
    t.test(`${rt.name}: abortInput stops a streaming answer`, async (t) => {
      const long: FakeTurn = { text: 'start ', streamTokens: 300, deltaDelayMs: 20, usage: { input: 5, output: 300 } };
      const run = await runAgent(fake, rt, 'anthropic-messages', () => [long], ['talk'], 20_000, 1000);
      t.comment(`${rt.name} aborted: reported ${JSON.stringify(run.reported)}`);
      t.equal(run.reported?.reason, 'aborted', 'it reported the abort');
      t.ok(run.at.length === 1 && run.ms - run.at[0]! < 4000, 'well before the answer was through');
      t.not(run.exitCode, null, 'it exited by itself once stdin closed');
    });
  }

  t.test('launch: the token is in the env only, never in argv or config files', async (t) => {
    for (const rt of Object.values(runtimes)) {
      for (const api of rt.apis) {
        const l = rt.launch({ model: 'm', gatewayUrl: 'http://127.0.0.1:9/p/x/', api, token: TOKEN, home: '/home/agent', runtimeDir: '/opt/rt', workdir: '/workspace' });
        t.notOk(l.argv.join(' ').includes(TOKEN), `${rt.name} ${api}: not in argv`);
        t.notOk(l.files.some((f) => f.content.includes(TOKEN)), `${rt.name} ${api}: not in files`);
        t.ok(Object.values(l.env).includes(TOKEN), `${rt.name} ${api}: in the env`);
        t.ok(l.files.every((f) => f.path.startsWith('/home/agent/')), `${rt.name} ${api}: files under home`);
        t.notOk(JSON.stringify(l).includes('/p/x//'), `${rt.name} ${api}: no double slash after the gateway URL`);
      }
      t.throws(() => rt.launch({ model: 'm', gatewayUrl: 'http://x', api: 'google' as ModelApi, token: TOKEN, home: '/h', runtimeDir: '/r', workdir: '/w' }),
        { code: 'INVALID_ARGUMENT' }, `${rt.name}: an API it cannot speak is refused`);
    }
  });

  t.test('parsers: garbage and odd lines become raw events, never exceptions', async (t) => {
    const lines = ['', 'plain text', '{', '[1,2]', 'null', '{"type":7}', '{"type":"assistant","message":null}', '{"type":"user","message":{"content":"x"}}',
      '{"type":"message_end","message":{"role":"assistant","content":"x","usage":7}}', '{"type":"item.completed","item":{"type":"command_execution"}}',
      '{"type":"turn.completed","usage":{"input_tokens":"many"}}', '{"type":"stream_event","event":{"type":"message_delta","usage":null}}',
      '{"type":"tool_execution_end"}', '{"type":"result"}', '\u2028', '{"type":"item.started","item":{"type":"mcp_tool_call"}}'];
    for (const rt of Object.values(runtimes)) {
      const p = rt.parser();
      for (const l of lines) t.doesNotThrow(() => p.line(l), `${rt.name}: ${l.slice(0, 40)}`);
      t.same(p.line('not json at all'), [{ type: 'raw', raw: 'not json at all' }], `${rt.name}: a non-JSON line is raw`);
      t.doesNotThrow(() => p.finish(), `${rt.name}: finish after garbage`);
    }
  });

  t.end();
}
