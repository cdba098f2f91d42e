// The e2b provider: sandboxes in E2B (its cloud, or any E2B-compatible endpoint such as another godeld's),
// booted with the real e2b SDK. Each is kept alive from here with setTimeout (E2B kills a sandbox whose
// timeout runs out), tagged with metadata naming its godel id and node so that after a restart they are
// found again (adopted when the store knows them, killed when it does not). Commands and terminals run
// through envd's process service; files go through those commands, as for every provider that can exec.
import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { AuthenticationError, NotFoundError, RateLimitError, Sandbox, SandboxError, TimeoutError } from 'e2b';
import type { E2bTemplateSpec, Template } from '../../config/config.js';
import { GodelError, errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ProviderHandle } from '../../store/store.js';
import type { BootRequest, Capability, ExecRequest, Provider, ProviderStatus, RunningCommand, SandboxUsage } from '../provider.js';
import { Process } from '../../e2b/generated/process/process_pb.js';
import { RemoteCommand } from './remote-command.js';

/** How long E2B keeps a sandbox past the last keepalive; the keepalive runs every third of it. */
export const KEEPALIVE_WINDOW_MS = 5 * 60 * 1000;
const SANDBOX_METADATA = 'godel.sandbox';
const NODE_METADATA = 'godel.node';
const ENVD_PORT = 49983;

/** The SDK's own Sandbox class, for the access token it keeps to itself (envd's process service needs it). */
class GodelE2bSandbox extends Sandbox {
  get accessToken(): string | undefined {
    return this.envdAccessToken;
  }
}

interface Remote {
  sandboxId: string;
  spec: E2bTemplateSpec;
  client: Promise<Client<typeof Process>>;
  timer: NodeJS.Timeout;
}

export interface E2bProviderOptions {
  node: string;
  templates: ReadonlyMap<string, Template>;
  log: Logger;
  /** Where the API keys are read from (the daemon's environment). */
  env?: NodeJS.ProcessEnv;
}

export class E2bProvider implements Provider {
  readonly name = 'e2b';
  readonly capabilities: readonly Capability[] = ['exec', 'pause'];
  private readonly remotes = new Map<string, Remote>();
  /** E2B sandboxes known to be gone (killed by E2B's own timeout, say), by E2B id. */
  private readonly gone = new Set<string>();
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly opts: E2bProviderOptions) {
    this.env = opts.env ?? process.env;
  }

  status(): ProviderStatus {
    const missing = [...this.opts.templates.values()].map((t) => t.spec.e2b).filter((s): s is E2bTemplateSpec => !!s && !this.env[s.apiKeyEnv]);
    if (missing.length) return { available: false, message: `no E2B API key in $${missing[0]!.apiKeyEnv}` };
    return { available: true, message: '' };
  }

  async boot(req: BootRequest): Promise<ProviderHandle> {
    const spec = specOf(req.spec.e2b);
    let sb: GodelE2bSandbox;
    try {
      sb = await GodelE2bSandbox.create(spec.template, {
        ...this.connection(spec), timeoutMs: KEEPALIVE_WINDOW_MS,
        metadata: { [SANDBOX_METADATA]: req.id, [NODE_METADATA]: this.opts.node },
      }) as GodelE2bSandbox;
    } catch (err) {
      throw providerError(err, 'creating an E2B sandbox');
    }
    this.track(req.id, sb.sandboxId, spec, sb.accessToken);
    return { e2bSandboxId: sb.sandboxId };
  }

  isAlive(handle: ProviderHandle): boolean {
    return typeof handle.e2bSandboxId === 'string' && !this.gone.has(handle.e2bSandboxId);
  }

  exec(handle: ProviderHandle, req: ExecRequest): RunningCommand {
    const remote = this.remote(handle);
    return new RemoteCommand(remote.client, req, this.opts.log, () => this.gone.add(remote.sandboxId));
  }

  async stop(): Promise<void> {
    throw new GodelError('NOT_SUPPORTED', 'E2B sandboxes cannot be stopped with their files kept; use the DELETE expiry policy, or pause');
  }

  async destroy(id: string, handle: ProviderHandle | undefined): Promise<void> {
    const remote = this.remotes.get(id);
    if (remote) clearInterval(remote.timer);
    this.remotes.delete(id);
    const sandboxId = handle?.e2bSandboxId;
    if (typeof sandboxId !== 'string') return;
    const spec = remote?.spec ?? this.specFor(handle);
    if (!spec) throw new GodelError('PROVIDER_FAILED', `cannot tell which E2B endpoint sandbox ${sandboxId} is on: its template is gone from the config`);
    try {
      await Sandbox.kill(sandboxId, this.connection(spec));
    } catch (err) {
      throw providerError(err, `killing E2B sandbox ${sandboxId}`);
    }
    this.gone.delete(sandboxId);
  }

  async pause(id: string, handle: ProviderHandle): Promise<void> {
    const r = this.remote(handle, id);
    try {
      await Sandbox.pause(r.sandboxId, this.connection(r.spec));
    } catch (err) {
      throw providerError(err, `pausing E2B sandbox ${r.sandboxId}`);
    }
  }

  async resume(id: string, handle: ProviderHandle): Promise<void> {
    const r = this.remote(handle, id);
    try {
      await Sandbox.connect(r.sandboxId, { ...this.connection(r.spec), timeoutMs: KEEPALIVE_WINDOW_MS });
    } catch (err) {
      throw providerError(err, `resuming E2B sandbox ${r.sandboxId}`);
    }
  }

  /** The far side's newest metrics sample (E2B samples every few seconds; none yet is undefined). */
  async usage(id: string, handle: ProviderHandle): Promise<SandboxUsage | undefined> {
    const r = this.remote(handle, id);
    let samples: Awaited<ReturnType<typeof Sandbox.getMetrics>>;
    try {
      samples = await Sandbox.getMetrics(r.sandboxId, this.connection(r.spec));
    } catch (err) {
      throw providerError(err, `reading the metrics of E2B sandbox ${r.sandboxId}`);
    }
    const m = samples[samples.length - 1];
    if (!m) return undefined;
    return {
      cpuCores: (m.cpuUsedPct / 100) * m.cpuCount, cpuCount: m.cpuCount, memUsedBytes: m.memUsed, memCacheBytes: m.memCache ?? 0, memTotalBytes: m.memTotal,
      diskUsedBytes: m.diskUsed, diskTotalBytes: m.diskTotal, at: m.timestamp.getTime(),
    };
  }

  async close(): Promise<void> {
    for (const r of this.remotes.values()) clearInterval(r.timer);
    this.remotes.clear();
  }

  /** Finds this node's E2B sandboxes by metadata: adopts those the store knows, kills the rest. */
  async reapOrphans(knownIds: ReadonlySet<string>): Promise<string[]> {
    const reaped: string[] = [];
    const seen = new Set<string>();
    for (const t of this.opts.templates.values()) {
      const spec = t.spec.e2b;
      if (!spec || !this.env[spec.apiKeyEnv]) continue;
      const key = `${spec.apiUrl} ${spec.apiKeyEnv}`;
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        const pager = Sandbox.list({ ...this.connection(spec), query: { metadata: { [NODE_METADATA]: this.opts.node } } });
        while (pager.hasNext) {
          for (const info of await pager.nextItems()) {
            const godelId = info.metadata[SANDBOX_METADATA];
            if (godelId && knownIds.has(godelId)) {
              if (!this.remotes.has(godelId)) this.track(godelId, info.sandboxId, spec);
            } else {
              await Sandbox.kill(info.sandboxId, this.connection(spec));
              reaped.push(godelId ?? info.sandboxId);
            }
          }
        }
      } catch (err) {
        this.opts.log.error({ apiUrl: spec.apiUrl, err: errorMessage(err) }, 'cannot list this node\'s E2B sandboxes; orphans there stay until the next start');
      }
    }
    return reaped;
  }

  private connection(spec: E2bTemplateSpec): { apiKey: string; apiUrl: string; sandboxUrl?: string; domain: string } {
    const apiKey = this.env[spec.apiKeyEnv];
    if (!apiKey) throw new GodelError('PROVIDER_UNAVAILABLE', `no E2B API key: set $${spec.apiKeyEnv} in godeld's environment`);
    return { apiKey, apiUrl: spec.apiUrl, domain: spec.domain, ...(spec.sandboxUrl ? { sandboxUrl: spec.sandboxUrl } : {}) };
  }

  /** The remote behind a handle; after a restart, one the store knows is connected to again on first use. */
  private remote(handle: ProviderHandle, id?: string): Remote {
    const sandboxId = String(handle.e2bSandboxId ?? '');
    for (const r of this.remotes.values()) if (r.sandboxId === sandboxId) return r;
    const spec = this.specFor(handle);
    if (!spec || !sandboxId) throw new GodelError('SANDBOX_DEAD', `E2B sandbox ${sandboxId || '(none)'} is not known to this daemon`);
    return this.track(id ?? sandboxId, sandboxId, spec);
  }

  private specFor(handle: ProviderHandle | undefined): E2bTemplateSpec | undefined {
    const want = handle?.e2bSandboxId;
    for (const r of this.remotes.values()) if (r.sandboxId === want) return r.spec;
    // A sandbox adopted after a restart: any e2b template reaches it when there is one endpoint.
    const specs = [...this.opts.templates.values()].map((t) => t.spec.e2b).filter((s): s is E2bTemplateSpec => !!s);
    return specs.length === 1 ? specs[0] : undefined;
  }

  /** Starts keeping a sandbox alive and makes its envd client (connecting for the token when not given). */
  private track(id: string, sandboxId: string, spec: E2bTemplateSpec, token?: string): Remote {
    const conn = this.connection(spec);
    const client = (async () => {
      const accessToken = token ?? (await GodelE2bSandbox.connect(sandboxId, { ...conn, timeoutMs: KEEPALIVE_WINDOW_MS }) as GodelE2bSandbox).accessToken;
      const headers: Interceptor = (next) => async (req) => {
        req.header.set('E2b-Sandbox-Id', sandboxId);
        req.header.set('E2b-Sandbox-Port', String(ENVD_PORT));
        if (accessToken) req.header.set('X-Access-Token', accessToken);
        return next(req);
      };
      const baseUrl = spec.sandboxUrl || `https://${ENVD_PORT}-${sandboxId}.${spec.domain}`;
      return createClient(Process, createConnectTransport({ baseUrl, httpVersion: '1.1', interceptors: [headers] }));
    })();
    client.catch((err: unknown) => this.opts.log.warn({ sandbox: id, err: errorMessage(err) }, 'cannot reach an E2B sandbox'));
    const timer = setInterval(() => {
      Sandbox.setTimeout(sandboxId, KEEPALIVE_WINDOW_MS, conn).catch((err: unknown) => {
        if (err instanceof NotFoundError) {
          this.gone.add(sandboxId);
          clearInterval(timer);
        }
        this.opts.log.warn({ sandbox: id, err: errorMessage(err) }, 'cannot keep an E2B sandbox alive');
      });
    }, KEEPALIVE_WINDOW_MS / 3);
    timer.unref();
    const remote: Remote = { sandboxId, spec, client, timer };
    this.remotes.set(id, remote);
    return remote;
  }
}

function specOf(spec: E2bTemplateSpec | undefined): E2bTemplateSpec {
  if (!spec) throw new GodelError('PROVIDER_FAILED', 'an e2b template needs its e2b section (template, api_url, api_key_env)');
  return spec;
}

/** E2B's refusals as godel's codes: a bad key or a full account is the provider's failure, not the caller's. */
function providerError(err: unknown, what: string): GodelError {
  if (err instanceof GodelError) return err;
  const msg = errorMessage(err);
  if (err instanceof AuthenticationError) return new GodelError('PROVIDER_FAILED', `${what}: E2B refused the API key (${msg})`);
  if (err instanceof RateLimitError) return new GodelError('PROVIDER_UNAVAILABLE', `${what}: E2B is rate limiting (${msg})`);
  if (err instanceof NotFoundError || err instanceof TimeoutError) return new GodelError('SANDBOX_DEAD', `${what}: the E2B sandbox is gone (${msg})`);
  if (err instanceof TypeError && /fetch failed/.test(msg)) return new GodelError('PROVIDER_UNAVAILABLE', `${what}: E2B cannot be reached (${errorMessage(err.cause)})`);
  // The far side has no such route, or its provider cannot (an E2B-compatible endpoint answers 501).
  if (err instanceof SandboxError && (err as SandboxError & { statusCode?: number }).statusCode === 501) return new GodelError('NOT_SUPPORTED', `${what}: ${msg}`);
  if (/\b400\b/.test(msg) && /not supported|cannot pause/i.test(msg)) return new GodelError('NOT_SUPPORTED', `${what}: ${msg}`);
  return new GodelError('PROVIDER_FAILED', `${what}: ${msg}`);
}
