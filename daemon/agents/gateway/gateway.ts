// The model gateway: what an agent's CLI inside a sandbox talks to instead of a model provider. It
// listens per sandbox (a Unix socket bound into the sandbox, or a loopback TCP port), takes the agent's
// own token, asks the agent manager (GatewayPolicy) who it is and whether it may still spend, forwards
// the call to the provider with the real key (read from the daemon's environment at request time, so it
// never enters a sandbox, a config file or a log), streams the answer back as it arrives, and reads the
// usage on the way so that the manager can record it, priced from the models table.
import { createServer, request as httpRequest, Agent as HttpAgent, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { chmodSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { basename } from 'node:path';
import { loadUnixAddon } from '../../../ipc/unix-addon.js';
import { HandOverPoint } from '../../egress/hand-over.js';
import type { Logger } from '../../log.js';
import type { GatewayAuth, GatewayPolicy, ModelApi, Usage } from '../types.js';
import { costUsd, lookupPrice, type ModelsConfig, type ProviderApi, type ProviderConfig, type TokenCounts } from './config.js';
import type { GatewayCounters } from './metrics.js';
import { UsageMeter } from './usage.js';

/** Larger request bodies get a 413: a model request this size is a mistake or an attack, not a prompt. */
export const MAX_REQUEST_BYTES = 32 * 2 ** 20;

/**
 * The answer to a request from an agent whose budget is spent, one per API, chosen so that each CLI
 * stops cleanly after this one request instead of retrying (checked against the pinned CLIs by the
 * runtimes' tests): Claude Code stops on a 429 rate_limit_error that carries `x-should-retry: false`
 * (a 400 makes it retry at once with fewer beta headers, 6 requests); Codex treats 429
 * insufficient_quota as final, as for a real account out of credit; pi stops on either with its
 * retries off. `x-should-retry: false` goes with every refusal: both SDKs honour it.
 */
export const BUDGET_REFUSAL = {
  anthropic: { status: 429, type: 'rate_limit_error' },
  openai: { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' },
} as const;

/** The status for a provider whose key variable is unset: the gateway's upstream is misconfigured, not the client's token. */
export const KEY_MISSING_STATUS = 502;

interface Route {
  /** Metrics label and log field. */
  name: 'anthropic-messages' | 'openai-chat' | 'openai-responses' | 'count-tokens' | 'models';
  /** Set for calls that spend: they are refused once the budget is spent and their usage is read. */
  metered?: ModelApi;
}

// The paths forwarded, per API, matched whole; anything else is a 404 in the API's shape. A model id
// starts with a letter or digit, so that no dot segment can walk the upstream's path.
const MODELS_PATH = /^\/v1\/models(\/[A-Za-z0-9][A-Za-z0-9._:@-]*)?$/;
const ROUTES: Record<ProviderApi, Array<{ method: string; path: RegExp; route: Route }>> = {
  anthropic: [
    { method: 'POST', path: /^\/v1\/messages$/, route: { name: 'anthropic-messages', metered: 'anthropic-messages' } },
    { method: 'POST', path: /^\/v1\/messages\/count_tokens$/, route: { name: 'count-tokens' } },
    { method: 'GET', path: MODELS_PATH, route: { name: 'models' } },
  ],
  openai: [
    { method: 'POST', path: /^\/v1\/chat\/completions$/, route: { name: 'openai-chat', metered: 'openai-chat' } },
    { method: 'POST', path: /^\/v1\/responses$/, route: { name: 'openai-responses', metered: 'openai-responses' } },
    { method: 'GET', path: MODELS_PATH, route: { name: 'models' } },
  ],
};

// Not forwarded from the client: hop-by-hop headers, its credentials (replaced by the real key), and
// OpenAI's org/project selectors (which would let an agent bill another project under the same key).
const DROP_REQUEST = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'authorization', 'x-api-key', 'content-length', 'accept-encoding', 'openai-organization', 'openai-project']);
const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

interface Listener {
  server: Server;
  sandboxId: string;
  /** Where the sandbox's forwarder hands over its loopback listener, and what the gateway holds of it. */
  handOver?: { path: string; server: NetServer; point: HandOverPoint };
}

export class ModelGateway {
  private readonly log: Logger;
  private readonly listeners = new Map<string, Listener>();
  private readonly upstreams = new Set<ClientRequest>();
  // Kept-alive upstream connections; a free one is dropped after 4 s, before the upstream's own idle
  // timeout can close it under a request that was just written to it.
  private readonly httpAgent = new HttpAgent({ keepAlive: true, timeout: 4000 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, timeout: 4000 });
  private closed = false;
  /** Connections accepted on a forwarder's handed-over listener (for the metrics' `via`). */
  private readonly handed = new WeakSet<Socket>();

  constructor(
    private readonly config: ModelsConfig,
    private readonly policy: GatewayPolicy,
    log: Logger,
    private readonly metrics?: GatewayCounters,
  ) {
    this.log = log.child({ component: 'model-gateway' });
  }

  /**
   * Serves `sandboxId` on a Unix socket at `path` (replacing a stale file), mode 0666: the directory it is
   * in decides who reaches it. With `handOverPath`, the sandbox's forwarder can hand over its loopback
   * listener there (godel-egress-forward --hand-to), and the gateway accepts the agent's connections on
   * it itself: one process less on the way of every call. The Unix socket serves what the forwarder
   * carries while the gateway does not hold its listener.
   */
  async listenUnix(path: string, sandboxId: string, handOverPath?: string): Promise<string> {
    rmSync(path, { force: true });
    await this.listen(path, sandboxId, (s, cb) => s.listen(path, cb));
    chmodSync(path, 0o666);
    if (handOverPath) {
      const l = this.listeners.get(path)!;
      try {
        l.handOver = await this.listenHandOver(handOverPath, path, l);
      } catch (err) {
        await this.closeListener(path);
        throw err;
      }
    }
    return path;
  }

  /** The hand-over point at `path` for the listener on the Unix socket `socketPath`. */
  private async listenHandOver(path: string, socketPath: string, l: Listener): Promise<NonNullable<Listener['handOver']>> {
    const point = new HandOverPoint(loadUnixAddon(), {
      // The forwarder names the socket its listener stands for: this agent's, and only it.
      accepts: (names) => names.length === 1 && names[0] === basename(socketPath),
      onConnection: (_name, s: Socket) => {
        this.handed.add(s);
        l.server.emit('connection', s);
      },
      current: () => this.listeners.get(socketPath) === l,
    });
    // Paused: what arrives carries descriptors, which the addon must read, not Node.
    const server = createNetServer({ pauseOnConnect: true }, (s) => void point.take(s));
    rmSync(path, { force: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => { server.off('error', reject); resolve(); });
    });
    server.on('error', (err) => this.log.error({ err, sandbox: l.sandboxId }, 'model gateway hand-over listener failed'));
    chmodSync(path, 0o666);
    return { path, server, point };
  }

  /** Serves `sandboxId` on host:port (0 picks one); returns the port. */
  async listenTcp(host: string, port: number, sandboxId: string): Promise<number> {
    let bound = 0;
    await this.listen(undefined, sandboxId, (s, cb) => s.listen(port, host, () => {
      bound = (s.address() as { port: number }).port;
      cb();
    }));
    return bound;
  }

  /** Closes one listener (its Unix path or TCP port) and cuts its connections; their upstream calls are cancelled with them. */
  async closeListener(pathOrPort: string | number): Promise<void> {
    const key = typeof pathOrPort === 'number' ? `tcp:${pathOrPort}` : pathOrPort;
    const l = this.listeners.get(key);
    if (!l) return;
    this.listeners.delete(key);
    if (l.handOver) {
      // The forwarder's own copy keeps listening (for as long as its CLI runs) and carries connections again.
      l.handOver.point.release();
      await new Promise<void>((resolve) => l.handOver!.server.close(() => resolve()));
      rmSync(l.handOver.path, { force: true });
    }
    await closeServer(l.server);
    if (typeof pathOrPort === 'string') rmSync(pathOrPort, { force: true });
  }

  /** Closes every listener and every upstream call in flight. */
  async close(): Promise<void> {
    this.closed = true;
    const keys = [...this.listeners.keys()];
    await Promise.all(keys.map((k) => this.closeListener(k.startsWith('tcp:') ? Number(k.slice(4)) : k)));
    for (const up of this.upstreams) up.destroy();
    this.upstreams.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async listen(path: string | undefined, sandboxId: string, bind: (s: Server, cb: () => void) => void): Promise<void> {
    if (this.closed) throw new Error('the model gateway is closed');
    // keepAliveTimeout above the clients' own idle pools (Codex's reqwest keeps an idle connection 90 s):
    // a client must never send a request on a connection the gateway is closing.
    const server = createServer({ keepAliveTimeout: 120_000, noDelay: true }, (req, res) => this.handle(req, res, sandboxId));
    server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      bind(server, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log.error({ err, sandbox: sandboxId }, 'model gateway listener failed'));
    server.on('connection', (s: Socket) => this.metrics?.connection(this.handed.has(s) ? 'handed' : path ? 'socket' : 'tcp'));
    const key = path ?? `tcp:${(server.address() as { port: number }).port}`;
    this.listeners.set(key, { server, sandboxId });
  }

  private handle(req: IncomingMessage, res: ServerResponse, sandboxId: string): void {
    const started = performance.now();
    const m = /^\/p\/([^/?]+)(\/[^?]*)(\?.*)?$/.exec(req.url ?? '/');
    const provider = m ? this.config.providers.get(m[1]!) : undefined;
    const path = m?.[2] ?? req.url ?? '/';
    const dialect: ProviderApi = provider?.api ?? (path.startsWith('/v1/messages') ? 'anthropic' : 'openai');
    const route = provider ? ROUTES[provider.api].find((r) => r.method === req.method && r.path.test(path))?.route : undefined;
    const answer = (status: number, code: string, message: string, retry = true, type?: string): void => {
      this.metrics?.request(route?.name ?? 'unknown', status);
      sendError(res, dialect, status, code, message, retry, type);
      req.resume(); // Whatever body is left is read and dropped, so that the connection can be reused.
    };
    if (!provider || !route) {
      const known = [...this.config.providers.keys()].join(', ');
      answer(404, 'not_found', provider
        ? `the model gateway does not forward ${req.method} ${path} for provider "${provider.name}" (api ${provider.api})`
        : `no such path: the model gateway serves /p/PROVIDER/v1/..., PROVIDER one of: ${known}`, false);
      return;
    }
    if (this.closed) {
      answer(503, 'unavailable', 'the model gateway is shutting down');
      return;
    }
    let auth: GatewayAuth;
    let refusal: string | undefined;
    try {
      auth = this.policy.authorize(tokenOf(req.headers), sandboxId);
      refusal = auth.ok && route.metered ? this.policy.refusal(auth.agentId) : undefined;
    } catch (err) {
      this.log.error({ err, sandbox: sandboxId, route: route.name }, 'the agent manager failed to authorize a model call');
      answer(500, 'internal_error', 'godel could not check this agent\'s token');
      return;
    }
    if (!auth.ok) {
      this.log.warn({ sandbox: sandboxId, route: route.name, status: auth.status, code: auth.code }, 'model call refused: token');
      answer(auth.status, auth.code, auth.message, false);
      return;
    }
    if (refusal !== undefined) {
      this.log.info({ sandbox: sandboxId, agent: auth.agentId, route: route.name, reason: refusal }, 'model call refused: budget spent');
      const b = BUDGET_REFUSAL[dialect];
      answer(b.status, 'code' in b ? b.code : 'budget_spent', `godel: budget spent (${refusal}); this agent may make no more model calls`, false, b.type);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_REQUEST_BYTES) {
      res.setHeader('connection', 'close');
      answer(413, 'request_too_large', `request body of ${declared} bytes is over the gateway's limit of ${MAX_REQUEST_BYTES}`, false);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        if (!tooLarge) {
          tooLarge = true;
          chunks.length = 0;
          res.setHeader('connection', 'close');
          answer(413, 'request_too_large', `request body is over the gateway's limit of ${MAX_REQUEST_BYTES} bytes`, false);
        }
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!tooLarge) this.forward(req, res, { provider, route, auth, sandboxId, started, path: path + (m?.[3] ?? ''), body: Buffer.concat(chunks) });
    });
  }

  private forward(req: IncomingMessage, res: ServerResponse, call: Call): void {
    const { provider, route } = call;
    let body = call.body;
    let requestModel: string | undefined;
    if (route.metered) {
      const parsed = parseBody(body);
      requestModel = parsed?.model;
      if (requestModel !== undefined && !lookupPrice(this.config, requestModel)) {
        this.metrics?.request(route.name, 400);
        sendError(res, provider.api, 400, 'model_not_priced', `model "${requestModel}" has no price in the gateway's table (models.prices): add one to the config to use it under a budget`, false);
        return;
      }
      // Streamed chat completions report usage only when asked to; usage is what the budget runs on.
      if (route.metered === 'openai-chat' && parsed?.doc.stream === true) {
        const so = parsed.doc.stream_options;
        if (!isObject(so) || so.include_usage !== true) {
          parsed.doc.stream_options = { ...(isObject(so) ? so : {}), include_usage: true };
          body = Buffer.from(JSON.stringify(parsed.doc));
        }
      }
    }
    const key = process.env[provider.apiKeyEnv];
    if (!key) {
      this.log.error({ provider: provider.name, env: provider.apiKeyEnv }, 'model call failed: the provider\'s key variable is not set in godeld\'s environment');
      this.metrics?.request(route.name, KEY_MISSING_STATUS);
      sendError(res, provider.api, KEY_MISSING_STATUS, 'upstream_key_missing', `godel has no key for provider "${provider.name}": ${provider.apiKeyEnv} is not set in godeld's environment`, false);
      return;
    }
    const headers: OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !DROP_REQUEST.has(k)) headers[k] = v;
    // The response is read for its usage: ask for it uncompressed.
    headers['accept-encoding'] = 'identity';
    if (body.length || req.method !== 'GET') headers['content-length'] = body.length;
    if (provider.api === 'anthropic') {
      headers['x-api-key'] = key;
      headers['anthropic-version'] ??= '2023-06-01';
    } else {
      headers.authorization = `Bearer ${key}`;
    }
    const url = new URL(provider.baseUrl + call.path);
    this.send(req, res, call, url, headers, body, requestModel, false);
  }

  private send(req: IncomingMessage, res: ServerResponse, call: Call, url: URL, headers: OutgoingHttpHeaders, body: Buffer, requestModel: string | undefined, retried: boolean): void {
    const { provider, route } = call;
    const https = url.protocol === 'https:';
    let responded = false;
    const up = (https ? httpsRequest : httpRequest)(url, { method: req.method, headers, agent: https ? this.httpsAgent : this.httpAgent }, (ures) => {
      responded = true;
      this.relay(res, call, ures, requestModel);
    });
    this.upstreams.add(up);
    up.on('close', () => this.upstreams.delete(up));
    const cancel = (): void => {
      if (!res.writableFinished) up.destroy();
    };
    res.on('close', cancel);
    up.on('error', (err: NodeJS.ErrnoException) => {
      if (responded || res.destroyed) return; // The relay owns the failure from here (the response is cut).
      res.off('close', cancel);
      // A kept-alive connection the upstream closed just as it was reused: once more on a new one.
      if (up.reusedSocket && !retried && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
        this.send(req, res, call, url, headers, body, requestModel, true);
        return;
      }
      this.log.warn({ provider: provider.name, route: route.name, sandbox: call.sandboxId, code: err.code, error: err.message }, 'model upstream unreachable');
      this.metrics?.request(route.name, 502);
      sendError(res, provider.api, 502, 'upstream_unreachable', `godel could not reach the "${provider.name}" model provider (${err.code ?? err.message})`, true);
    });
    up.end(body);
  }

  private relay(res: ServerResponse, call: Call, ures: IncomingMessage, requestModel: string | undefined): void {
    const { provider, route, auth } = call;
    const status = ures.statusCode ?? 502;
    const out: OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(ures.headers)) if (v !== undefined && !DROP_RESPONSE.has(k)) out[k] = v;
    res.writeHead(status, out);
    res.flushHeaders();
    const meter = route.metered && status >= 200 && status < 300 ? new UsageMeter(route.metered, ures.headers['content-type']) : undefined;
    let settled = false;
    const settle = (complete: boolean): void => {
      if (settled) return;
      settled = true;
      this.metrics?.request(route.name, status);
      const fields = { provider: provider.name, route: route.name, sandbox: call.sandboxId, agent: auth.agentId, status, ms: Math.round(performance.now() - call.started) };
      if (status >= 400) this.log.warn(fields, 'model upstream answered an error');
      else if (!complete) this.log.warn(fields, 'model response cut off before its end');
      const usage = meter?.finish();
      if (usage) this.account(call, usage.model ?? requestModel ?? auth.model, usage.tokens, usage.cacheWrite1hTokens, fields);
    };
    // An upstream streams an answer as thousands of small HTTP chunks (an SSE event each). What arrived in
    // one turn of the event loop (libuv reads a socket up to 32 times a turn) is passed on in one write
    // just after it, not one write per chunk: on a 2,000-token burst that is a third less CPU and a
    // millisecond less to the first token (benchmarks/README.md). The meter reads each batch after it is
    // sent. setImmediate callbacks run in order, so the meter sees the bytes in order and settles after.
    let batch: Buffer[] = [];
    const flush = (): void => {
      if (!batch.length) return; // Already sent by 'end', which came in the same tick.
      const data = batch.length === 1 ? batch[0]! : Buffer.concat(batch);
      batch = [];
      if (!res.write(data)) {
        ures.pause();
        res.once('drain', () => ures.resume());
      }
      if (meter) setImmediate(() => meter.feed(data));
    };
    ures.on('data', (chunk: Buffer) => {
      if (batch.push(chunk) === 1) setImmediate(flush);
    });
    // 'end' comes after the last 'data' but may come in the same tick: the last batch goes out first.
    ures.on('end', () => {
      flush();
      res.end();
      setImmediate(() => settle(true));
    });
    ures.on('error', () => {
      flush();
      res.destroy();
      setImmediate(() => settle(false));
    });
    ures.on('close', () => {
      if (!ures.complete) {
        flush();
        res.destroy();
        setImmediate(() => settle(false));
      }
    });
  }

  private account(call: Call, model: string, tokens: TokenCounts, cacheWrite1h: number, fields: Record<string, unknown>): void {
    const priced = lookupPrice(this.config, model);
    const usage: Usage = { ...tokens, costUsd: priced ? costUsd(priced.price, tokens, cacheWrite1h) : 0 };
    if (!priced) this.log.warn({ ...fields, model }, 'no price for the model that answered: its usage is recorded at $0');
    this.metrics?.usage(priced?.name ?? 'unpriced', call.auth.template, tokens, usage.costUsd);
    this.log.info({ ...fields, model, usage }, 'model call');
    try {
      this.policy.record(call.auth.agentId, model, usage);
    } catch (err) {
      this.log.error({ err, agent: call.auth.agentId, model }, 'the agent manager failed to record a model call\'s usage');
    }
  }
}

interface Call {
  provider: ProviderConfig;
  route: Route;
  auth: Extract<GatewayAuth, { ok: true }>;
  sandboxId: string;
  started: number;
  /** The path and query to forward, after the provider prefix. */
  path: string;
  body: Buffer;
}

function tokenOf(h: IncomingHttpHeaders): string {
  const key = h['x-api-key'];
  if (typeof key === 'string' && key) return key;
  const m = /^Bearer\s+(.+)$/i.exec(h.authorization ?? '');
  return m ? m[1]!.trim() : '';
}

function parseBody(body: Buffer): { doc: Record<string, unknown>; model?: string } | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined; // Not JSON: forwarded as it is, for the upstream to answer with its own 400.
  }
  if (!isObject(doc)) return undefined;
  return typeof doc.model === 'string' ? { doc, model: doc.model } : { doc };
}

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'request_too_large', 429: 'rate_limit_error', 503: 'overloaded_error',
};

/** An error the gateway answers itself, in the shape the API's clients parse. */
function sendError(res: ServerResponse, api: ProviderApi, status: number, code: string, message: string, retry: boolean, type?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  let body: unknown;
  if (api === 'anthropic') {
    body = { type: 'error', error: { type: type ?? ANTHROPIC_TYPES[status] ?? 'api_error', message } };
  } else {
    body = { error: { message, type: type ?? (status >= 500 ? 'server_error' : 'invalid_request_error'), param: null, code } };
  }
  const text = JSON.stringify(body);
  const headers: OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  if (!retry) headers['x-should-retry'] = 'false';
  res.writeHead(status, headers).end(text);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
