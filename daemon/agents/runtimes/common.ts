// What the three runtimes share: reading a CLI's JSON line without ever throwing, building Usage records,
// quoting for the config files they write, and the one environment variable that carries the token.
import { GodelError } from '../../errors.js';
import type { AgentEvent, ModelApi, Runtime, Usage } from '../types.js';

/**
 * The env var that carries the agent's gateway token to CLIs whose config file names a variable
 * (codex's env_key, pi's models.json apiKey): the config files then hold no secret.
 */
export const TOKEN_ENV = 'GODEL_GATEWAY_TOKEN';

export type Json = Record<string, unknown>;

/** The line as a JSON object, or undefined for anything else (garbage, a bare string, an array). */
export function jsonObject(text: string): Json | undefined {
  const t = text.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    // Not JSON after all (a CLI's stray log line that starts with a brace): the caller keeps it as raw.
    return undefined;
  }
}

export function obj(v: unknown): Json | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A token count as reported: a finite non-negative number, else 0. */
export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

export function usage(inputTokens: number, outputTokens: number, cacheReadTokens: number, cacheWriteTokens: number, costUsd = 0): Usage {
  return { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUsd };
}

/** A tool result's content as text: a string as is, an array of content blocks as their texts joined. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? '' : JSON.stringify(content);
  return content.map((b) => {
    const o = obj(b);
    if (o && typeof o.text === 'string') return o.text;
    return JSON.stringify(b);
  }).join('\n');
}

export function raw(text: string): AgentEvent {
  return { type: 'raw', raw: text };
}

/** A TOML basic string: TOML allows no raw control characters (nor DEL) inside one. */
export function tomlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** The gateway URL without a trailing slash, so that appending /v1 never makes a double slash. */
export function baseUrl(gatewayUrl: string): string {
  return gatewayUrl.replace(/\/+$/, '');
}

export function requireApi(rt: Pick<Runtime, 'name' | 'apis'>, api: ModelApi): void {
  if (!rt.apis.includes(api)) {
    throw new GodelError('INVALID_ARGUMENT', `the ${rt.name} runtime cannot speak the ${api} API (it speaks ${rt.apis.join(', ')})`);
  }
}
