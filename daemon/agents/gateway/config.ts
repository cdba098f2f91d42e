// The model gateway's part of the daemon's config (`models`): the upstream providers (where each API is
// and which environment variable holds its key) and the price table that turns reported usage into USD.
// A structural mistake throws an Error naming the field, so the daemon refuses to start. The keys
// themselves are never in the config: only the name of the variable that holds each one.
import type { ModelApi, Usage } from '../types.js';

/** The wire dialect a provider speaks: "anthropic" serves the Messages API, "openai" Chat Completions and Responses. */
export type ProviderApi = 'anthropic' | 'openai';

export interface ProviderConfig {
  name: string;
  api: ProviderApi;
  /** The origin, with an optional path prefix, before `/v1/...`; no trailing slash. */
  baseUrl: string;
  /**
   * The environment variable read (at request time) for the key. A variable that is unset is not a
   * startup error: a provider may be configured before its key is deployed, and the daemon's other
   * work does not depend on it. A request to it gets a 502 in the API's shape naming the variable.
   */
  apiKeyEnv: string;
}

/** USD per million tokens of each kind. */
export interface ModelPrice {
  provider: string;
  input: number;
  output: number;
  cacheRead: number;
  /** A cache write kept for 5 minutes (Anthropic's default), and one kept for an hour. */
  cacheWrite: number;
  cacheWrite1h: number;
  /** Where the figures came from (a pricing page and when it was read). */
  source: string;
}

export interface ModelsConfig {
  providers: ReadonlyMap<string, ProviderConfig>;
  prices: ReadonlyMap<string, ModelPrice>;
}

/** Token counts as the gateway reads them: `inputTokens` excludes cache reads and writes. */
export type TokenCounts = Omit<Usage, 'costUsd'>;

export const PROVIDER_APIS: Readonly<Record<ProviderApi, readonly ModelApi[]>> = {
  anthropic: ['anthropic-messages'],
  openai: ['openai-chat', 'openai-responses'],
};

const DEFAULT_PROVIDERS: Record<string, unknown> = {
  anthropic: { api: 'anthropic', base_url: 'https://api.anthropic.com', api_key_env: 'ANTHROPIC_API_KEY' },
  openai: { api: 'openai', base_url: 'https://api.openai.com', api_key_env: 'OPENAI_API_KEY' },
};

// Built-in prices. The machine that wrote this table cannot browse; each figure was read from the
// provider's own pricing or model page as quoted in stored copies found by search on 2026-12-01,
// and the source string says which. Config entries under models.prices add to or override these.
const ANTHROPIC_PRICING = 'https://platform.claude.com/docs/en/about-claude/pricing';
const OPENAI_PRICING = 'https://developers.openai.com/api/docs/pricing';
const anthropic = (input: number, output: number, cacheWrite: number, cacheRead: number, note: string): Record<string, unknown> => ({
  provider: 'anthropic', input, output, cache_write: cacheWrite, cache_read: cacheRead, source: `${ANTHROPIC_PRICING} (${note})`,
});
const openai = (input: number, cachedInput: number, output: number, note: string): Record<string, unknown> => ({
  // OpenAI bills no cache writes: cached prompt tokens are read at the cached-input rate, the rest at input.
  provider: 'openai', input, output, cache_read: cachedInput, cache_write: input, source: `${OPENAI_PRICING} (${note})`,
});
const ANTHROPIC_TABLE = 'model pricing table, 5m cache writes, as stored 2026-12-01';
const ANTHROPIC_STD = 'input/output from the pricing page as stored 2026-12-01; cache at the page\'s standard 1.25x write / 0.1x read';
const OPENAI_PAGE = 'as stored 2026-12-01';

const DEFAULT_PRICES: Record<string, Record<string, unknown>> = {
  'claude-opus-5': anthropic(5, 25, 6.25, 0.5, ANTHROPIC_TABLE),
  'claude-opus-4-8': anthropic(5, 25, 6.25, 0.5, ANTHROPIC_TABLE),
  'claude-opus-4-7': anthropic(5, 25, 6.25, 0.5, ANTHROPIC_TABLE),
  'claude-opus-4-6': anthropic(5, 25, 6.25, 0.5, ANTHROPIC_TABLE),
  'claude-opus-4-5': anthropic(5, 25, 6.25, 0.5, ANTHROPIC_TABLE),
  'claude-opus-4-1': anthropic(15, 75, 18.75, 1.5, ANTHROPIC_TABLE),
  'claude-opus-4-0': anthropic(15, 75, 18.75, 1.5, ANTHROPIC_TABLE),
  'claude-opus-4': anthropic(15, 75, 18.75, 1.5, `${ANTHROPIC_TABLE}; the dated id claude-opus-4-20250514`),
  'claude-sonnet-5': anthropic(2, 10, 2.5, 0.2, 'platform.claude.com/docs/en/models/sonnet-5/overview, as stored 2026-12-01'),
  'claude-sonnet-4-6': anthropic(3, 15, 3.75, 0.3, ANTHROPIC_STD),
  'claude-sonnet-4-5': anthropic(3, 15, 3.75, 0.3, ANTHROPIC_STD),
  'claude-sonnet-4-0': anthropic(3, 15, 3.75, 0.3, ANTHROPIC_TABLE),
  'claude-sonnet-4': anthropic(3, 15, 3.75, 0.3, `${ANTHROPIC_TABLE}; the dated id claude-sonnet-4-20250514`),
  'claude-haiku-4-5': anthropic(1, 5, 1.25, 0.1, ANTHROPIC_STD),
  'claude-3-5-haiku': anthropic(0.8, 4, 1, 0.08, ANTHROPIC_TABLE),
  'gpt-5.5': openai(5, 0.5, 30, OPENAI_PAGE),
  'gpt-5.4': openai(2.5, 0.25, 15, OPENAI_PAGE),
  'gpt-5.4-mini': openai(0.75, 0.075, 4.5, OPENAI_PAGE),
  'gpt-5.4-nano': openai(0.2, 0.02, 1.25, OPENAI_PAGE),
  'gpt-5.2': openai(1.75, 0.175, 14, OPENAI_PAGE),
  'gpt-5.1': openai(1.25, 0.125, 10, OPENAI_PAGE),
  'gpt-5.1-codex': openai(1.25, 0.125, 10, `${OPENAI_PAGE}; the same as gpt-5-codex`),
  'gpt-5': openai(1.25, 0.125, 10, OPENAI_PAGE),
  'gpt-5-codex': openai(1.25, 0.125, 10, 'developers.openai.com/api/docs/models/gpt-5-codex, as stored 2026-12-01'),
  'gpt-5-mini': openai(0.25, 0.025, 2, OPENAI_PAGE),
  'gpt-5-nano': openai(0.05, 0.005, 0.4, 'developers.openai.com/api/docs/models/gpt-5-nano, as stored 2026-12-01'),
  'gpt-4.1': openai(2, 0.5, 8, 'no longer on OpenAI\'s page; figures as last listed there, cross-checked with third-party tables of 2026-05'),
  'gpt-4.1-mini': openai(0.4, 0.1, 1.6, 'no longer on OpenAI\'s page; figures as last listed there, cross-checked with third-party tables of 2026-05'),
  'gpt-4.1-nano': openai(0.1, 0.025, 0.4, 'no longer on OpenAI\'s page; figures as last listed there, cross-checked with third-party tables of 2026-05'),
  'gpt-4o': openai(2.5, 1.25, 10, `${OPENAI_PAGE} (legacy)`),
  'gpt-4o-mini': openai(0.15, 0.075, 0.6, `${OPENAI_PAGE} (legacy)`),
  'o3': openai(2, 0.5, 8, `${OPENAI_PAGE}; o-series reasoning tokens are billed as output`),
  'o4-mini': openai(1.1, 0.275, 4.4, `${OPENAI_PAGE}; o-series reasoning tokens are billed as output`),
  'o3-mini': openai(1.1, 0.55, 4.4, `${OPENAI_PAGE}; o-series reasoning tokens are billed as output`),
};

const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const ENV_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseModelsConfig(raw: unknown, field = 'models'): ModelsConfig {
  const top = raw ?? {};
  if (!isObject(top)) throw new Error(`${field} must be an object`);
  checkKeys(top, ['providers', 'prices'], field);
  const providersRaw = top.providers ?? {};
  if (!isObject(providersRaw)) throw new Error(`${field}.providers must be an object of name -> provider`);
  const providers = new Map<string, ProviderConfig>();
  for (const [name, p] of Object.entries({ ...DEFAULT_PROVIDERS, ...providersRaw })) {
    providers.set(name, parseProvider(name, p, `${field}.providers.${name}`));
  }
  const pricesRaw = top.prices ?? {};
  if (!isObject(pricesRaw)) throw new Error(`${field}.prices must be an object of model -> price`);
  const prices = new Map<string, ModelPrice>();
  for (const [model, p] of Object.entries({ ...DEFAULT_PRICES, ...pricesRaw })) {
    const where = `${field}.prices.${model}`;
    if (!model || model.length > 200) throw new Error(`${where}: a model name is 1-200 characters`);
    const price = parsePrice(p, where);
    if (!providers.has(price.provider)) {
      throw new Error(`${where}.provider "${price.provider}" is not a provider in ${field}.providers (known: ${[...providers.keys()].join(', ')})`);
    }
    prices.set(model, price);
  }
  return { providers, prices };
}

function parseProvider(name: string, raw: unknown, where: string): ProviderConfig {
  if (!NAME_RE.test(name)) throw new Error(`${where}: a provider name is 1-40 lowercase letters, digits, _ and -, as it is a URL path segment`);
  if (!isObject(raw)) throw new Error(`${where} must be an object`);
  checkKeys(raw, ['api', 'base_url', 'api_key_env'], where);
  if (raw.api !== 'anthropic' && raw.api !== 'openai') throw new Error(`${where}.api must be "anthropic" or "openai"`);
  if (typeof raw.base_url !== 'string') throw new Error(`${where}.base_url must be a string (an http or https origin, with an optional path prefix before /v1)`);
  let url: URL;
  try {
    url = new URL(raw.base_url);
  } catch {
    throw new Error(`${where}.base_url "${raw.base_url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${where}.base_url must be http or https`);
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(`${where}.base_url must have no query, fragment or credentials (the key is named by api_key_env)`);
  }
  const prefix = url.pathname.replace(/\/+$/, '');
  if (/\/v1$/.test(prefix)) throw new Error(`${where}.base_url must stop before /v1 (the gateway appends the API's own path)`);
  if (typeof raw.api_key_env !== 'string' || !ENV_RE.test(raw.api_key_env)) {
    throw new Error(`${where}.api_key_env must be the name of an environment variable (the key itself never goes in the config)`);
  }
  return { name, api: raw.api, baseUrl: `${url.origin}${prefix}`, apiKeyEnv: raw.api_key_env };
}

function parsePrice(raw: unknown, where: string): ModelPrice {
  if (!isObject(raw)) throw new Error(`${where} must be an object`);
  checkKeys(raw, ['provider', 'input', 'output', 'cache_read', 'cache_write', 'cache_write_1h', 'source'], where);
  if (typeof raw.provider !== 'string') throw new Error(`${where}.provider must be a string`);
  const usd = (k: string, fallback?: number): number => {
    const v = raw[k] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100_000) {
      throw new Error(`${where}.${k} must be a number of USD per million tokens from 0 to 100000`);
    }
    return v;
  };
  const input = usd('input');
  if (raw.source !== undefined && typeof raw.source !== 'string') throw new Error(`${where}.source must be a string`);
  return {
    provider: raw.provider, input, output: usd('output'),
    // Absent cache prices fall back to the input price: never cheaper than what the upstream may bill.
    cacheRead: usd('cache_read', input), cacheWrite: usd('cache_write', input),
    // Anthropic prices an hour's cache write at twice the input price for every model it lists.
    cacheWrite1h: usd('cache_write_1h', 2 * input),
    source: (raw.source as string | undefined) ?? 'config',
  };
}

/**
 * The table entry for a model as an upstream names it: exact, then without a date suffix
 * (claude-sonnet-4-5-20250929, gpt-5-2025-08-07), then the longest table name it starts with
 * followed by "-" (claude-opus-4-9 is priced as claude-opus-4, gpt-5-codex-mini as gpt-5-codex): a model newer than
 * the table is priced as its closest listed ancestor, which is usually the same price or dearer, so a budget errs
 * on the side of stopping early.
 */
export function lookupPrice(config: ModelsConfig, model: string): { name: string; price: ModelPrice } | undefined {
  const exact = config.prices.get(model);
  if (exact) return { name: model, price: exact };
  const undated = model.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, '');
  const plain = config.prices.get(undated);
  if (plain) return { name: undated, price: plain };
  let best: string | undefined;
  for (const name of config.prices.keys()) {
    if (undated.startsWith(`${name}-`) && (!best || name.length > best.length)) best = name;
  }
  return best ? { name: best, price: config.prices.get(best)! } : undefined;
}

/** USD for `t`; `cacheWrite1hTokens` of its cache writes were kept for an hour (Anthropic's `cache_creation`). */
export function costUsd(price: ModelPrice, t: TokenCounts, cacheWrite1hTokens = 0): number {
  const hour = Math.min(cacheWrite1hTokens, t.cacheWriteTokens);
  return (t.inputTokens * price.input + t.outputTokens * price.output + t.cacheReadTokens * price.cacheRead
    + (t.cacheWriteTokens - hour) * price.cacheWrite + hour * price.cacheWrite1h) / 1e6;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new Error(`${where}: unknown field "${k}" (known: ${allowed.join(', ')})`);
  }
}
