// A FAKE model server, for tests and benchmarks of the agent runtimes and the model gateway. It is not a
// model: it answers from a script. It speaks three real wire protocols closely enough for the agent CLIs
// (claude, codex, pi) and their SDKs:
//   - Anthropic Messages: POST /v1/messages (SSE with message_start, content_block_start/delta/stop,
//     message_delta carrying usage, message_stop; or one JSON message), POST /v1/messages/count_tokens;
//   - OpenAI Chat Completions: POST /v1/chat/completions (SSE chunks, the usage chunk when
//     stream_options.include_usage, `data: [DONE]`; or one JSON completion);
//   - OpenAI Responses: POST /v1/responses (SSE response.created, response.in_progress,
//     response.output_item.added/done, response.content_part.*, response.output_text.delta/done,
//     response.function_call_arguments.delta/done, response.completed with usage; or one JSON response);
//   - GET /v1/models, answered in a shape both Anthropic's and OpenAI's clients read.
// Every path may sit under a prefix (/p/NAME/v1/messages works as /v1/messages), as behind the gateway.
// A script is a list of turns; each model request (messages, chat completions, responses) takes the next
// turn. Every request, whatever its path, is recorded (method, path, headers, parsed body). Run as its own
// process (main.ts), GET /_fake/requests gives the record and POST /_fake/script {turns, repeat} sets the script.
// Usage is scripted in Anthropic's terms (uncached input, output, cache read, cache write). On the OpenAI
// APIs prompt_tokens/input_tokens is their sum, cached_tokens the cache read, and a cache write (which
// OpenAI itself never reports) is given as prompt_tokens_details.cache_write_tokens, OpenRouter's way, with
// cached_tokens then counting reads and writes as OpenRouter does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeToolCall {
  /** The call's id; made up when absent. */
  id?: string;
  name: string;
  /** The tool's input: an object for function tools, a string for a Responses custom (freeform) tool. */
  input: unknown;
  /** Responses API only: send a custom_tool_call (freeform input, as codex's apply_patch) instead of a function_call. */
  custom?: boolean;
}

export interface FakeUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export interface FakeAnswerTurn {
  text?: string;
  toolCalls?: FakeToolCall[];
  usage?: FakeUsage;
  /** The model name to report; default: the model the request asked for. */
  model?: string;
  /** A long streamed answer: this many text deltas of one token (a short word) each, after `text`. */
  streamTokens?: number;
  /** Pause between streamed deltas (default 0: as fast as the socket takes them). */
  deltaDelayMs?: number;
  /** Pause before answering at all. */
  delayMs?: number;
}

export interface FakeErrorTurn {
  /** A scripted HTTP error: the status, the body (JSON-encoded unless a string) and extra headers. */
  error: { status: number; body: unknown; headers?: Record<string, string> };
  delayMs?: number;
}

export type FakeTurn = FakeAnswerTurn | FakeErrorTurn;

export type FakeApi = 'anthropic-messages' | 'openai-chat' | 'openai-responses';

export interface RecordedRequest {
  method: string;
  /** The path as it arrived (with any prefix and query). */
  path: string;
  /** The model API it was read as, if any. */
  api?: FakeApi;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  /** Which turn of the script answered it (index), or undefined when none did. */
  turn?: number;
  at: number;
}

export interface FakeModels {
  url: string;
  /** Replaces the script; the next model request takes turns[0]. `repeat`: start over when it runs out. */
  setScript(turns: FakeTurn[], opts?: { repeat?: boolean }): void;
  /** How many turns of the current script are still to come. */
  remaining(): number;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** What a request gets once the script is used up: a text that says so, so a test sees an unplanned call. */
const EXHAUSTED: FakeAnswerTurn = { text: 'fake-models: the script has no more turns', usage: { input: 1, output: 1 } };

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

function id(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decode(buf: Buffer, encoding: string | undefined): string {
  switch ((encoding ?? '').toLowerCase()) {
    case 'gzip': return gunzipSync(buf).toString('utf8');
    case 'deflate': return inflateSync(buf).toString('utf8');
    case 'br': return brotliDecompressSync(buf).toString('utf8');
    default: return buf.toString('utf8');
  }
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (a form, a compressed body in an encoding Node cannot read): the test sees the text as is.
    return text;
  }
}

function apiOf(path: string, method: string): FakeApi | 'count_tokens' | 'models' | undefined {
  const p = path.split('?')[0]!.replace(/\/+$/, '');
  if (method === 'POST' && p.endsWith('/v1/messages/count_tokens')) return 'count_tokens';
  if (method === 'POST' && p.endsWith('/v1/messages')) return 'anthropic-messages';
  if (method === 'POST' && p.endsWith('/v1/chat/completions')) return 'openai-chat';
  if (method === 'POST' && p.endsWith('/v1/responses')) return 'openai-responses';
  if (method === 'GET' && p.endsWith('/v1/models')) return 'models';
  return undefined;
}

function usageOf(t: FakeAnswerTurn): Required<FakeUsage> {
  const u = t.usage ?? {};
  return { input: u.input ?? 10, output: u.output ?? 5, cacheRead: u.cacheRead ?? 0, cacheWrite: u.cacheWrite ?? 0 };
}

/** The answer's text deltas: the scripted text in a few pieces, then `streamTokens` one-word deltas. */
function textDeltas(t: FakeAnswerTurn): string[] {
  const out: string[] = [];
  if (t.text) {
    const words = t.text.split(/(?<= )/);
    for (let i = 0; i < words.length; i += 4) out.push(words.slice(i, i + 4).join(''));
  }
  for (let i = 0; i < (t.streamTokens ?? 0); i++) out.push(`${WORDS[i % WORDS.length]} `);
  return out;
}

function fullText(t: FakeAnswerTurn): string {
  return textDeltas(t).join('');
}

function toolInputText(c: FakeToolCall): string {
  return typeof c.input === 'string' ? c.input : JSON.stringify(c.input ?? {});
}

/** Splits a string into a few pieces, as an API streams a tool call's JSON arguments. */
function pieces(s: string, n = 3): string[] {
  if (s.length < n * 2) return [s];
  const size = Math.ceil(s.length / n);
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Writes SSE frames, waiting for 'drain' when the socket is full (a long answer to a slow reader). */
class SseWriter {
  constructor(private res: ServerResponse, private delayMs: number) {}
  async send(event: string | undefined, data: unknown): Promise<void> {
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    const frame = `${event ? `event: ${event}\n` : ''}data: ${text}\n\n`;
    if (!this.res.write(frame)) await new Promise<void>((r) => this.res.once('drain', () => r()));
  }
  async pause(): Promise<void> {
    if (this.delayMs > 0) await sleep(this.delayMs);
  }
}

function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

async function anthropic(res: ServerResponse, body: any, t: FakeAnswerTurn): Promise<void> {
  const model = t.model ?? body?.model ?? 'fake-model';
  const u = usageOf(t);
  const msgId = id('msg_');
  const calls = (t.toolCalls ?? []).map((c) => ({ ...c, id: c.id ?? id('toolu_') }));
  const stopReason = calls.length ? 'tool_use' : 'end_turn';
  const fullUsage = { input_tokens: u.input, output_tokens: u.output, cache_creation_input_tokens: u.cacheWrite, cache_read_input_tokens: u.cacheRead };
  if (!body?.stream) {
    const content: unknown[] = [];
    const text = fullText(t);
    if (text) content.push({ type: 'text', text });
    for (const c of calls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input ?? {} });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: msgId, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage: fullUsage }));
    return;
  }
  startSse(res);
  const w = new SseWriter(res, t.deltaDelayMs ?? 0);
  await w.send('message_start', { type: 'message_start', message: { id: msgId, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
    usage: { input_tokens: u.input, output_tokens: 1, cache_creation_input_tokens: u.cacheWrite, cache_read_input_tokens: u.cacheRead } } });
  await w.send('ping', { type: 'ping' });
  let index = 0;
  const deltas = textDeltas(t);
  if (deltas.length) {
    await w.send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    for (const d of deltas) {
      await w.send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: d } });
      await w.pause();
    }
    await w.send('content_block_stop', { type: 'content_block_stop', index });
    index++;
  }
  for (const c of calls) {
    await w.send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } });
    for (const p of pieces(toolInputText(c))) {
      await w.send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: p } });
    }
    await w.send('content_block_stop', { type: 'content_block_stop', index });
    index++;
  }
  await w.send('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: fullUsage });
  await w.send('message_stop', { type: 'message_stop' });
  res.end();
}

function openaiPromptUsage(u: Required<FakeUsage>): { prompt: number; details: Record<string, number> } {
  const details: Record<string, number> = { cached_tokens: u.cacheRead + u.cacheWrite };
  if (u.cacheWrite > 0) details.cache_write_tokens = u.cacheWrite;
  return { prompt: u.input + u.cacheRead + u.cacheWrite, details };
}

async function chat(res: ServerResponse, body: any, t: FakeAnswerTurn): Promise<void> {
  const model = t.model ?? body?.model ?? 'fake-model';
  const u = usageOf(t);
  const p = openaiPromptUsage(u);
  const usage = { prompt_tokens: p.prompt, completion_tokens: u.output, total_tokens: p.prompt + u.output, prompt_tokens_details: p.details,
    completion_tokens_details: { reasoning_tokens: 0 } };
  const cid = id('chatcmpl-');
  const created = Math.floor(Date.now() / 1000);
  const calls = (t.toolCalls ?? []).map((c) => ({ ...c, id: c.id ?? id('call_') }));
  const finish = calls.length ? 'tool_calls' : 'stop';
  if (!body?.stream) {
    const text = fullText(t);
    const message: Record<string, unknown> = { role: 'assistant', content: text || null, refusal: null };
    if (calls.length) message.tool_calls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: toolInputText(c) } }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: cid, object: 'chat.completion', created, model, choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage }));
    return;
  }
  startSse(res);
  const w = new SseWriter(res, t.deltaDelayMs ?? 0);
  const chunk = (delta: unknown, finishReason: string | null = null): unknown =>
    ({ id: cid, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  await w.send(undefined, chunk({ role: 'assistant', content: '', refusal: null }));
  for (const d of textDeltas(t)) {
    await w.send(undefined, chunk({ content: d }));
    await w.pause();
  }
  for (const [i, c] of calls.entries()) {
    await w.send(undefined, chunk({ tool_calls: [{ index: i, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }));
    for (const a of pieces(toolInputText(c))) await w.send(undefined, chunk({ tool_calls: [{ index: i, function: { arguments: a } }] }));
  }
  await w.send(undefined, chunk({}, finish));
  if (body?.stream_options?.include_usage) await w.send(undefined, { id: cid, object: 'chat.completion.chunk', created, model, choices: [], usage });
  await w.send(undefined, '[DONE]');
  res.end();
}

async function responses(res: ServerResponse, body: any, t: FakeAnswerTurn): Promise<void> {
  const model = t.model ?? body?.model ?? 'fake-model';
  const u = usageOf(t);
  const p = openaiPromptUsage(u);
  const usage = { input_tokens: p.prompt, input_tokens_details: p.details, output_tokens: u.output, output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: p.prompt + u.output };
  const rid = id('resp_');
  const base = { id: rid, object: 'response', created_at: Math.floor(Date.now() / 1000), model, parallel_tool_calls: true, tool_choice: 'auto', tools: [],
    previous_response_id: body?.previous_response_id ?? null, error: null, incomplete_details: null, instructions: null, metadata: {} };
  const text = fullText(t);
  const msgItemId = id('msg_');
  const calls = (t.toolCalls ?? []).map((c) => ({ ...c, id: c.id ?? id('call_'), itemId: id(c.custom ? 'ctc_' : 'fc_') }));
  const doneItems: unknown[] = [];
  if (text) doneItems.push({ id: msgItemId, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] });
  for (const c of calls) {
    doneItems.push(c.custom
      ? { id: c.itemId, type: 'custom_tool_call', status: 'completed', call_id: c.id, name: c.name, input: toolInputText(c) }
      : { id: c.itemId, type: 'function_call', status: 'completed', call_id: c.id, name: c.name, arguments: toolInputText(c) });
  }
  if (!body?.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...base, status: 'completed', output: doneItems, usage }));
    return;
  }
  startSse(res);
  const w = new SseWriter(res, t.deltaDelayMs ?? 0);
  let seq = 0;
  const send = (type: string, data: Record<string, unknown>): Promise<void> => w.send(type, { type, sequence_number: seq++, ...data });
  await send('response.created', { response: { ...base, status: 'in_progress', output: [], usage: null } });
  await send('response.in_progress', { response: { ...base, status: 'in_progress', output: [], usage: null } });
  let outputIndex = 0;
  if (text) {
    await send('response.output_item.added', { output_index: outputIndex, item: { id: msgItemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
    await send('response.content_part.added', { item_id: msgItemId, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    for (const d of textDeltas(t)) {
      await send('response.output_text.delta', { item_id: msgItemId, output_index: outputIndex, content_index: 0, delta: d, logprobs: [] });
      await w.pause();
    }
    await send('response.output_text.done', { item_id: msgItemId, output_index: outputIndex, content_index: 0, text, logprobs: [] });
    await send('response.content_part.done', { item_id: msgItemId, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
    await send('response.output_item.done', { output_index: outputIndex, item: doneItems[0] });
    outputIndex++;
  }
  for (const c of calls) {
    const input = toolInputText(c);
    if (c.custom) {
      await send('response.output_item.added', { output_index: outputIndex, item: { id: c.itemId, type: 'custom_tool_call', status: 'in_progress', call_id: c.id, name: c.name, input: '' } });
      for (const piece of pieces(input)) await send('response.custom_tool_call_input.delta', { item_id: c.itemId, output_index: outputIndex, delta: piece });
      await send('response.custom_tool_call_input.done', { item_id: c.itemId, output_index: outputIndex, input });
    } else {
      await send('response.output_item.added', { output_index: outputIndex, item: { id: c.itemId, type: 'function_call', status: 'in_progress', call_id: c.id, name: c.name, arguments: '' } });
      for (const piece of pieces(input)) await send('response.function_call_arguments.delta', { item_id: c.itemId, output_index: outputIndex, delta: piece });
      await send('response.function_call_arguments.done', { item_id: c.itemId, output_index: outputIndex, arguments: input });
    }
    await send('response.output_item.done', { output_index: outputIndex, item: doneItems[outputIndex] });
    outputIndex++;
  }
  await send('response.completed', { response: { ...base, status: 'completed', output: doneItems, usage } });
  res.end();
}

function modelsList(res: ServerResponse): void {
  const created = Math.floor(Date.now() / 1000);
  const ids = ['fake-model', 'claude-sonnet-4-5', 'gpt-5-codex'];
  // One shape for both clients: Anthropic's fields (type, display_name, created_at, has_more, first_id,
  // last_id) and OpenAI's (object, created, owned_by) side by side.
  const data = ids.map((m) => ({ id: m, type: 'model', object: 'model', display_name: m, created_at: new Date(created * 1000).toISOString(), created, owned_by: 'fake' }));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ object: 'list', data, has_more: false, first_id: ids[0], last_id: ids[ids.length - 1] }));
}

/** Rough token count for count_tokens: one per 4 characters of the request, as estimators do. */
function countTokens(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ input_tokens: Math.max(1, Math.ceil(text.length / 4)) }));
}

export async function startFakeModels(opts: { host?: string; port?: number } = {}): Promise<FakeModels> {
  let script: FakeTurn[] = [];
  let next = 0;
  let repeat = false;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const take = (): { turn: FakeTurn; index?: number } => {
    if (next >= script.length && repeat && script.length) next = 0;
    if (next >= script.length) return { turn: EXHAUSTED };
    const index = next++;
    return { turn: script[index]!, index };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const text = decode(raw, req.headers['content-encoding'] as string | undefined);
    const body = parseBody(text);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    // The control paths, for a fake run as its own process (main.ts): not recorded, not model calls.
    if (path === '/_fake/requests' && method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(requests));
      return;
    }
    if (path === '/_fake/script' && method === 'POST') {
      const s = body as { turns?: FakeTurn[]; repeat?: boolean } | undefined;
      script = Array.isArray(s?.turns) ? s.turns : [];
      next = 0;
      repeat = s?.repeat ?? false;
      res.writeHead(204);
      res.end();
      return;
    }
    const kind = apiOf(path, method);
    const rec: RecordedRequest = { method, path, headers: { ...req.headers }, body, at: Date.now() };
    requests.push(rec);
    if (kind === 'models') return modelsList(res);
    if (kind === 'count_tokens') return countTokens(res, text);
    if (!kind) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `fake-models: no route for ${method} ${path}` } }));
      return;
    }
    rec.api = kind;
    const { turn, index } = take();
    rec.turn = index;
    if (turn.delayMs) await sleep(turn.delayMs);
    if ('error' in turn) {
      const e = turn.error;
      res.writeHead(e.status, { 'content-type': 'application/json', ...(e.headers ?? {}) });
      res.end(typeof e.body === 'string' ? e.body : JSON.stringify(e.body));
      return;
    }
    if (kind === 'anthropic-messages') return anthropic(res, body, turn);
    if (kind === 'openai-chat') return chat(res, body, turn);
    return responses(res, body, turn);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A client that went away mid-stream, or a bug here: answer 500 if nothing was sent yet, and say so.
      process.stderr.write(`fake-models: ${req.method} ${req.url}: ${String(err)}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err) } }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address}:${addr.port}`,
    setScript(turns, o = {}) {
      script = turns;
      next = 0;
      repeat = o.repeat ?? false;
    },
    remaining: () => Math.max(0, script.length - next),
    requests,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
