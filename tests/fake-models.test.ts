// The fake model server's wire formats, read back with plain fetch: what the CLIs and the gateway rely on.
import t from 'tap';
import { startFakeModels, type FakeTurn } from './helpers/fake-models/fake-models.js';

const fake = await startFakeModels({ host: '127.0.0.62' });
t.teardown(() => fake.close());

interface Sse { event?: string; data: string }

async function sse(path: string, body: unknown): Promise<Sse[]> {
  const res = await fetch(fake.url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k1' }, body: JSON.stringify(body) });
  t.equal(res.headers.get('content-type')?.split(';')[0], 'text/event-stream');
  const text = await res.text();
  return text.split('\n\n').filter(Boolean).map((frame) => {
    const ev: Sse = { data: '' };
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) ev.event = line.slice(7);
      else if (line.startsWith('data: ')) ev.data = line.slice(6);
    }
    return ev;
  });
}

async function json(path: string, body: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(fake.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const turn: FakeTurn = { text: 'one two three four five', toolCalls: [{ id: 'c1', name: 'write', input: { path: 'a', content: 'b' } }],
  usage: { input: 10, output: 4, cacheRead: 3, cacheWrite: 2 } };

t.test('anthropic messages, streamed and not', async (t) => {
  fake.setScript([turn, turn]);
  const evs = await sse('/p/x/v1/messages', { model: 'm1', stream: true, messages: [] });
  t.same([...new Set(evs.map((e) => e.event))], ['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  const data = evs.map((e) => JSON.parse(e.data));
  t.equal(data[0].message.model, 'm1');
  t.equal(data.filter((d) => d.delta?.type === 'text_delta').map((d) => d.delta.text).join(''), 'one two three four five');
  t.same(JSON.parse(data.filter((d) => d.delta?.type === 'input_json_delta').map((d) => d.delta.partial_json).join('')), { path: 'a', content: 'b' });
  const delta = data.find((d) => d.type === 'message_delta');
  t.same(delta.usage, { input_tokens: 10, output_tokens: 4, cache_creation_input_tokens: 2, cache_read_input_tokens: 3 });
  t.equal(delta.delta.stop_reason, 'tool_use');
  const r = await json('/v1/messages', { model: 'm1', messages: [] });
  t.same(r.body.content, [{ type: 'text', text: 'one two three four five' }, { type: 'tool_use', id: 'c1', name: 'write', input: { path: 'a', content: 'b' } }]);
  t.equal(fake.requests.at(-2)?.headers['x-api-key'], 'k1', 'headers are recorded');
  t.same(fake.requests.at(-1)?.body, { model: 'm1', messages: [] }, 'bodies are recorded');
  t.equal(fake.requests.at(-1)?.turn, 1, 'each request took the next turn');
});

t.test('openai chat completions, streamed (with and without the usage chunk) and not', async (t) => {
  fake.setScript([turn, turn, turn]);
  const evs = await sse('/v1/chat/completions', { model: 'm2', stream: true, stream_options: { include_usage: true } });
  t.equal(evs.at(-1)?.data, '[DONE]');
  const chunks = evs.slice(0, -1).map((e) => JSON.parse(e.data));
  t.same(chunks.at(-1).usage, { prompt_tokens: 15, completion_tokens: 4, total_tokens: 19, prompt_tokens_details: { cached_tokens: 5, cache_write_tokens: 2 },
    completion_tokens_details: { reasoning_tokens: 0 } });
  t.equal(chunks.at(-2).choices[0].finish_reason, 'tool_calls');
  t.equal(chunks.flatMap((c) => c.choices).map((c) => c.delta?.content ?? '').join(''), 'one two three four five');
  t.equal(chunks.flatMap((c) => c.choices).flatMap((c) => c.delta?.tool_calls ?? []).map((c) => c.function.arguments).join(''), '{"path":"a","content":"b"}');
  const plain = await sse('/v1/chat/completions', { model: 'm2', stream: true });
  t.notOk(plain.slice(0, -1).some((e) => JSON.parse(e.data).usage), 'no usage chunk unless asked for');
  const r = await json('/v1/chat/completions', { model: 'm2' });
  t.equal(r.body.choices[0].message.tool_calls[0].function.name, 'write');
  t.equal(r.body.usage.prompt_tokens, 15);
});

t.test('openai responses, streamed and not; custom tool calls', async (t) => {
  fake.setScript([turn, { toolCalls: [{ name: 'apply_patch', input: '*** Begin Patch', custom: true }] }, turn]);
  const evs = await sse('/v1/responses', { model: 'm3', stream: true });
  t.same(evs.map((e) => e.event), ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
    ...Array(2).fill('response.output_text.delta'), 'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
    'response.output_item.added', ...Array(3).fill('response.function_call_arguments.delta'), 'response.function_call_arguments.done',
    'response.output_item.done', 'response.completed']);
  const done = JSON.parse(evs.at(-1)!.data);
  t.same(done.response.usage, { input_tokens: 15, input_tokens_details: { cached_tokens: 5, cache_write_tokens: 2 }, output_tokens: 4,
    output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 19 });
  t.same(done.response.output.map((o: any) => o.type), ['message', 'function_call']);
  t.ok(evs.every((e, i) => JSON.parse(e.data).sequence_number === i), 'sequence numbers count up');
  const custom = await sse('/v1/responses', { model: 'm3', stream: true });
  t.ok(custom.some((e) => e.event === 'response.custom_tool_call_input.delta'));
  t.equal(JSON.parse(custom.at(-1)!.data).response.output[0].input, '*** Begin Patch');
  const r = await json('/v1/responses', { model: 'm3' });
  t.equal(r.body.status, 'completed');
  t.equal(r.body.output[1].arguments, '{"path":"a","content":"b"}');
});

t.test('scripted errors, long answers, the end of the script, other paths', async (t) => {
  fake.setScript([{ error: { status: 429, headers: { 'x-should-retry': 'false' }, body: { error: { type: 'insufficient_quota' } } } }, { streamTokens: 2000 }]);
  const e = await json('/v1/responses', { model: 'm' });
  t.equal(e.status, 429);
  t.equal(e.headers.get('x-should-retry'), 'false');
  t.same(e.body, { error: { type: 'insufficient_quota' } });
  const long = await sse('/v1/messages', { model: 'm', stream: true });
  t.equal(long.filter((x) => x.event === 'content_block_delta').length, 2000, '2,000 streamed deltas');
  t.equal(fake.remaining(), 0);
  const over = await json('/v1/chat/completions', { model: 'm' });
  t.match(over.body.choices[0].message.content, /no more turns/, 'past the script: a text that says so');
  t.equal(fake.requests.at(-1)?.turn, undefined);
  const models = await (await fetch(`${fake.url}/p/x/v1/models`)).json() as { data: Array<{ id: string }> };
  t.ok(models.data.length > 0, 'a models list');
  const tokens = await json('/v1/messages/count_tokens', { messages: [{ role: 'user', content: 'hello there' }] });
  t.ok(tokens.body.input_tokens > 0, 'count_tokens');
  const missing = await fetch(`${fake.url}/v2/nothing`);
  t.equal(missing.status, 404);
  t.equal(fake.requests.at(-1)?.path, '/v2/nothing', 'unknown paths are recorded too');
  await fetch(`${fake.url}/_fake/script`, { method: 'POST', body: JSON.stringify({ turns: [{ text: 'via control' }], repeat: true }) });
  for (let i = 0; i < 2; i++) t.equal((await json('/v1/chat/completions', { model: 'm' })).body.choices[0].message.content, 'via control', 'a repeating script');
  const recorded = await (await fetch(`${fake.url}/_fake/requests`)).json() as unknown[];
  t.equal(recorded.length, fake.requests.length, 'the record over HTTP');
});
