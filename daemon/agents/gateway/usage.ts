// Reading usage from an upstream's response as it passes through: a byte-stream tap that never holds
// up the bytes it sees. Server-sent events are split into events as they arrive and only those that
// can carry usage are parsed; a run of events none of which can is passed over as bytes, unread. A
// JSON body is kept (up to a bound) and parsed once it is complete.
import type { ModelApi } from '../types.js';
import type { TokenCounts } from './config.js';

export interface MeteredUsage {
  /** The model the upstream says answered, when it says so. */
  model?: string;
  tokens: TokenCounts;
  /** Of tokens.cacheWriteTokens, those written for an hour (priced higher than the 5-minute default). */
  cacheWrite1hTokens: number;
}

/** A JSON body larger than this is not kept for its usage (no model API answers with one this large). */
const MAX_JSON_BYTES = 32 * 2 ** 20;

// An event that can carry usage has one of these in its bytes (its data's "usage" key, or Anthropic's
// message_start by name); an SSE event ends at an empty line, after a \n or a \r\n line end.
const USAGE = Buffer.from('usage');
const MESSAGE_START = Buffer.from('message_start');
const LF_LF = Buffer.from('\n\n');
const LF_CRLF = Buffer.from('\n\r\n');
const WORD = /usage|message_start/;
/** How far past a word the meter reads line by line before it looks for events to pass over again. */
const READ_AHEAD = 4096;
/** How much of a word can lie before a chunk's first byte, in the partial line held from the last one. */
const SPLIT_WORD = MESSAGE_START.length - 1;

export class UsageMeter {
  private readonly sse: boolean;
  private model: string | undefined;
  private tokens: TokenCounts | undefined;
  private cacheWrite1h = 0;
  /** SSE: the incomplete last line; JSON: the body so far. */
  private pending = '';
  private data: string[] = [];
  private eventName = '';
  private jsonBytes = 0;
  private readonly decoder = new TextDecoder();

  constructor(private readonly api: ModelApi, contentType: string | undefined) {
    this.sse = /^text\/event-stream\b/i.test(contentType ?? '');
  }

  feed(chunk: Buffer): void {
    if (!this.sse) {
      this.jsonBytes += chunk.length;
      if (this.jsonBytes <= MAX_JSON_BYTES) this.pending += this.decoder.decode(chunk, { stream: true });
      return;
    }
    // Nearly all of a stream is text deltas, thousands of events that each would be decoded, split and
    // looked at only to be dropped (a fifth of the gateway's CPU on a 2,000-token answer, and so later
    // first tokens on a busy machine: benchmarks/README.md). Runs of events in which nothing can carry
    // usage are passed over as bytes; the events that can, and what is not yet known, are read line by
    // line. Not for chat completions: with include_usage, each of their chunks has a "usage" (null).
    if (this.api === 'openai-chat') {
      this.read(chunk);
      return;
    }
    while (chunk.length) {
      const word = firstWord(chunk);
      const end = this.skippableEnd(chunk, word < 0 ? chunk.length : word);
      if (end > 0) {
        this.decoder.decode(); // What it holds of a character cut at the last chunk's end is in what is dropped.
        this.pending = '';
        this.data = [];
        this.eventName = '';
        chunk = chunk.subarray(end);
        continue;
      }
      // Read to the end of the event the word is in (or of the chunk), and at least READ_AHEAD on: where
      // words are dense (a model's text about "usage"), each round of this loop costs more than it saves.
      const upTo = word < 0 ? chunk.length : Math.max(eventEnd(chunk, word), Math.min(chunk.length, word + READ_AHEAD));
      this.read(chunk.subarray(0, upTo));
      chunk = chunk.subarray(upTo);
    }
  }

  /**
   * Where the last event that ends in chunk[0, limit) ends (the byte after its empty line), when every
   * event that ends before then can be passed over: none of its bytes, in this chunk or held from
   * earlier ones, can carry usage (chunk[0, limit) has no word that can). 0 when there is none to skip.
   */
  private skippableEnd(chunk: Buffer, limit: number): number {
    const before = chunk.subarray(0, limit);
    const lf = before.lastIndexOf(LF_LF);
    const crlf = before.lastIndexOf(LF_CRLF);
    const end = Math.max(lf < 0 ? 0 : lf + LF_LF.length, crlf < 0 ? 0 : crlf + LF_CRLF.length);
    if (end === 0) return 0;
    const held = this.pending;
    // (An event named message_start is read only for a data of type message_start: the word is in its bytes.)
    if (this.data.some((d) => WORD.test(d)) || WORD.test(held)) return 0;
    // A word cut between the held partial line and this chunk.
    return held && WORD.test(held.slice(-SPLIT_WORD) + chunk.toString('latin1', 0, SPLIT_WORD)) ? 0 : end;
  }

  /** SSE, line by line: the complete lines, in order; the incomplete last one is held. */
  private read(chunk: Buffer): void {
    this.pending += this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const nl = this.pending.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && this.pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.line(this.pending.slice(start, end));
      start = nl + 1;
    }
    this.pending = this.pending.slice(start);
  }

  /** What the response reported, once it is over (or cut off: then what it had reported so far). */
  finish(): MeteredUsage | undefined {
    const rest = this.decoder.decode();
    if (this.sse) {
      if (this.pending || rest) this.line(this.pending + rest);
      this.dispatch();
    } else if (this.jsonBytes <= MAX_JSON_BYTES) {
      this.json(this.pending + rest);
    }
    return this.tokens ? { tokens: this.tokens, cacheWrite1hTokens: this.cacheWrite1h, ...(this.model ? { model: this.model } : {}) } : undefined;
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith('data:')) this.data.push(line.slice(line.charCodeAt(5) === 32 ? 6 : 5));
    else if (line.startsWith('event:')) this.eventName = line.slice(6).trim();
  }

  private dispatch(): void {
    const data = this.data.join('\n');
    const name = this.eventName;
    this.data = [];
    this.eventName = '';
    // Most events are text deltas: skip them without parsing (the one cost per token this tap adds).
    if (!data.includes('"usage"') && !(this.api === 'anthropic-messages' && name === 'message_start')) return;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return; // Not JSON (an OpenAI "[DONE]" or a malformed event): the client sees it as is; it reports no usage.
    }
    if (!isObject(event)) return;
    if (this.api === 'anthropic-messages') this.anthropicEvent(event);
    else if (this.api === 'openai-chat') this.chat(event);
    else this.responsesEvent(event);
  }

  private json(body: string): void {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch {
      return; // Not JSON: an upstream error page or an empty body carries no usage.
    }
    if (!isObject(doc)) return;
    if (this.api === 'anthropic-messages') this.anthropic(doc);
    else if (this.api === 'openai-chat') this.chat(doc);
    else this.responses(doc);
  }

  private anthropicEvent(e: Record<string, unknown>): void {
    if (e.type === 'message_start' && isObject(e.message)) this.anthropic(e.message);
    // message_delta's usage is cumulative; newer upstreams repeat the input and cache counts in it too.
    else if (e.type === 'message_delta' && isObject(e.usage)) this.anthropicUsage(e.usage);
  }

  private anthropic(m: Record<string, unknown>): void {
    if (typeof m.model === 'string') this.model = m.model;
    if (isObject(m.usage)) this.anthropicUsage(m.usage);
  }

  private anthropicUsage(u: Record<string, unknown>): void {
    const t = this.tokens ?? zero();
    this.tokens = {
      inputTokens: count(u.input_tokens) ?? t.inputTokens,
      outputTokens: count(u.output_tokens) ?? t.outputTokens,
      cacheReadTokens: count(u.cache_read_input_tokens) ?? t.cacheReadTokens,
      cacheWriteTokens: count(u.cache_creation_input_tokens) ?? t.cacheWriteTokens,
    };
    if (isObject(u.cache_creation)) this.cacheWrite1h = count(u.cache_creation.ephemeral_1h_input_tokens) ?? this.cacheWrite1h;
  }

  /** A chat completion, or the final chunk of a streamed one (include_usage). prompt_tokens includes cached ones. */
  private chat(c: Record<string, unknown>): void {
    if (typeof c.model === 'string') this.model = c.model;
    if (!isObject(c.usage)) return;
    this.tokens = openaiTokens(count(c.usage.prompt_tokens), c.usage.prompt_tokens_details, count(c.usage.completion_tokens));
  }

  private responsesEvent(e: Record<string, unknown>): void {
    // completed, and also incomplete (max tokens) and failed: each bills what it used.
    if (typeof e.type === 'string' && e.type.startsWith('response.') && isObject(e.response)) this.responses(e.response);
  }

  /** A Responses API response object. input_tokens includes input_tokens_details.cached_tokens. */
  private responses(r: Record<string, unknown>): void {
    if (typeof r.model === 'string') this.model = r.model;
    if (!isObject(r.usage)) return;
    this.tokens = openaiTokens(count(r.usage.input_tokens), r.usage.input_tokens_details, count(r.usage.output_tokens));
  }
}

/**
 * OpenAI's prompt count includes its cached tokens. OpenAI bills no cache writes; OpenAI-compatible
 * upstreams that do (OpenRouter, for Anthropic models behind it) report them as `cache_write_tokens`
 * and count them inside `cached_tokens` as well.
 */
function openaiTokens(prompt: number | undefined, details: unknown, output: number | undefined): TokenCounts {
  const total = prompt ?? 0;
  const cached = Math.min(total, (isObject(details) ? count(details.cached_tokens) : undefined) ?? 0);
  const written = Math.min(cached, (isObject(details) ? count(details.cache_write_tokens) : undefined) ?? 0);
  return { inputTokens: total - cached, outputTokens: output ?? 0, cacheReadTokens: cached - written, cacheWriteTokens: written };
}

// Each search for a second word or line end stops where the first was found, so that a chunk with many
// of them (a model's text that says "usage" in every delta) costs its length, not its length per event.

/** Where the first word that can carry usage is in `b`, or -1. */
function firstWord(b: Buffer): number {
  const u = b.indexOf(USAGE);
  const m = (u < 0 ? b : b.subarray(0, u)).indexOf(MESSAGE_START);
  return m < 0 ? u : m;
}

/** The end of the event that byte `from` of `b` is in (the byte after its empty line), or b.length when it ends later. */
function eventEnd(b: Buffer, from: number): number {
  const lf = b.indexOf(LF_LF, from);
  const crlf = (lf < 0 ? b : b.subarray(0, lf + 1)).indexOf(LF_CRLF, from);
  if (crlf >= 0) return crlf + LF_CRLF.length;
  return lf < 0 ? b.length : lf + LF_LF.length;
}

function zero(): TokenCounts {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
