// Reading usage from an upstream's response as it passes through: a byte-stream tap that never holds
// up the bytes it sees. Server-sent events are split into events as they arrive and only those that
// can carry usage are parsed; a JSON body is kept (up to a bound) and parsed once it is complete.
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

/** What an SSE data line must hold for its event to be parsed at all (besides Anthropic's message_start). */
const USAGE = Buffer.from('"usage"');
const DATA = Buffer.from('data:');
const EVENT = Buffer.from('event:');
const EMPTY = Buffer.alloc(0);

export class UsageMeter {
  private readonly sse: boolean;
  private model: string | undefined;
  private tokens: TokenCounts | undefined;
  private cacheWrite1h = 0;
  /** SSE: the bytes of the incomplete last line. */
  private partial: Buffer = EMPTY;
  /** SSE: the current event's data lines, as bytes (decoded only for an event that can carry usage). */
  private data: Buffer[] = [];
  private dataHasUsage = false;
  private eventName = '';
  /** JSON: the body so far. */
  private body = '';
  private jsonBytes = 0;
  private readonly decoder = new TextDecoder();

  constructor(private readonly api: ModelApi, contentType: string | undefined) {
    this.sse = /^text\/event-stream\b/i.test(contentType ?? '');
  }

  /**
   * A chunk of the response. SSE is split into lines as bytes (a newline byte never occurs inside a UTF-8
   * character): most events are text deltas, and are passed over without being decoded or parsed.
   */
  feed(chunk: Buffer): void {
    if (!this.sse) {
      this.jsonBytes += chunk.length;
      if (this.jsonBytes <= MAX_JSON_BYTES) this.body += this.decoder.decode(chunk, { stream: true });
      return;
    }
    const buf = this.partial.length ? Buffer.concat([this.partial, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      this.line(buf, start, nl > start && buf[nl - 1] === 13 ? nl - 1 : nl);
      start = nl + 1;
    }
    // Copied: a view would keep the whole chunk alive for its last few bytes.
    this.partial = start < buf.length ? Buffer.from(buf.subarray(start)) : EMPTY;
  }

  /** What the response reported, once it is over (or cut off: then what it had reported so far). */
  finish(): MeteredUsage | undefined {
    if (this.sse) {
      if (this.partial.length) this.line(this.partial, 0, this.partial.length);
      this.partial = EMPTY;
      this.dispatch();
    } else if (this.jsonBytes <= MAX_JSON_BYTES) {
      this.json(this.body + this.decoder.decode());
    }
    return this.tokens ? { tokens: this.tokens, cacheWrite1hTokens: this.cacheWrite1h, ...(this.model ? { model: this.model } : {}) } : undefined;
  }

  /** One SSE line, bytes start..end of buf. */
  private line(buf: Buffer, start: number, end: number): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    if (startsWith(buf, start, end, DATA)) {
      const from = start + DATA.length + (buf[start + DATA.length] === 32 ? 1 : 0);
      const part = buf.subarray(from, end);
      this.data.push(part);
      if (!this.dataHasUsage && part.indexOf(USAGE) >= 0) this.dataHasUsage = true;
    } else if (startsWith(buf, start, end, EVENT)) {
      this.eventName = buf.toString('utf8', start + EVENT.length, end).trim();
    }
  }

  private dispatch(): void {
    const parts = this.data;
    const name = this.eventName;
    const hasUsage = this.dataHasUsage;
    this.data = [];
    this.dataHasUsage = false;
    this.eventName = '';
    // Most events are text deltas: skip them without decoding or parsing (the one cost per token this tap adds).
    if (!parts.length || (!hasUsage && !(this.api === 'anthropic-messages' && name === 'message_start'))) return;
    const data = parts.map((p) => p.toString('utf8')).join('\n');
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

function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  return end - start >= prefix.length && buf.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0;
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
