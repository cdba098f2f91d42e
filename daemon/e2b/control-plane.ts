// E2B's control-plane REST API (create, connect, get, list, kill, timeout, pause, resume) mapped onto the
// sandbox manager: an E2B sandbox is a godel sandbox, taken from the template's warm pool, with the E2B
// timeout as its TTL, its metadata as labels, and two labels of its own (the owning key's fingerprint and
// the E2B template name). A sandbox another key created, or one created through godel's own API, does not
// exist here (404).
import { availableParallelism, totalmem } from 'node:os';
import type { E2bConfig, Template } from '../config/config.js';
import { GodelError } from '../errors.js';
import type { SandboxUsage } from '../providers/provider.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import { MAX_FORK, type SnapshotManager } from '../snapshots/snapshot-manager.js';
import type { SandboxRecord } from '../store/store.js';
import { LIMITS, validateEnv, validateLabels } from '../validation.js';
import { OWNER_LABEL, type Caller, type E2bAuth } from './auth.js';
import { E2bHttpError } from './errors.js';
import { ENVD_VERSION } from './envd-version.js';
import { networkOf } from './network.js';
import { E2bSnapshots, namesOf } from './snapshots.js';

export const TEMPLATE_LABEL = 'e2b.dev/template';
const RESERVED_PREFIX = 'e2b.dev/';

/** E2B's default sandbox timeout when a create names none (the SDK always sends one). */
const DEFAULT_TIMEOUT_SECONDS = 300;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 100;
/** How often E2B samples a sandbox's metrics: a window ending longer ago than this holds no sample of now. */
const METRICS_PERIOD_MS = 5000;

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Json = Record<string, unknown>;

export class ControlPlane {
  private readonly snaps: E2bSnapshots;

  constructor(
    private readonly sandboxes: SandboxManager,
    snapshots: SnapshotManager,
    private readonly auth: E2bAuth,
    private readonly config: E2bConfig,
    private readonly node: string,
  ) {
    this.snaps = new E2bSnapshots(snapshots, sandboxes, (name) => this.isTemplate(name));
  }

  private isTemplate(e2bName: string): boolean {
    try {
      this.template(e2bName);
      return true;
    } catch (err) {
      if (err instanceof E2bHttpError && err.status === 404) return false;
      throw err;
    }
  }

  /** The godel template an E2B template name maps to: through e2b.templates, else the godel template of that name. */
  template(e2bName: unknown): Template {
    if (typeof e2bName !== 'string' || !e2bName) throw new E2bHttpError(400, 'templateID is required');
    const name = this.config.templates[e2bName] ?? e2bName;
    try {
      return this.sandboxes.template(name);
    } catch (err) {
      if (err instanceof GodelError && err.code === 'TEMPLATE_NOT_FOUND') throw new E2bHttpError(404, `template '${e2bName}' not found`);
      throw err;
    }
  }

  async create(caller: Caller, body: Json): Promise<Reply> {
    for (const field of ['mcp', 'volumeMounts', 'iam', 'autoResume', 'autoPauseMemory'] as const) {
      if (body[field] !== undefined && body[field] !== null) throw new E2bHttpError(400, `${field} is not supported by this godel endpoint`);
    }
    if (body.autoPause === true) throw new E2bHttpError(400, 'autoPause is not supported: godel deletes a sandbox when its timeout ends');
    // A templateID may name one of the caller's snapshots (its id, or the name it was given).
    const snapshot = typeof body.templateID === 'string' ? this.snaps.find(caller, body.templateID) : undefined;
    const template = snapshot ? this.sandboxes.template(snapshot.template) : this.template(body.templateID);
    const network = networkOf(body, template);
    const metadata = validateLabels(objectOf(body.metadata, 'metadata'), 'metadata');
    for (const k of Object.keys(metadata)) if (k.startsWith(RESERVED_PREFIX)) throw new E2bHttpError(400, `metadata keys starting with ${RESERVED_PREFIX} are reserved`);
    const env = validateEnv(objectOf(body.envVars, 'envVars'));
    const timeout = timeoutOf(body.timeout) ?? DEFAULT_TIMEOUT_SECONDS;
    const claim = {
      labels: { ...metadata, [OWNER_LABEL]: caller.fingerprint, [TEMPLATE_LABEL]: String(body.templateID) },
      env,
      ttlSeconds: timeout,
      expiryPolicy: 'DELETE' as const,
      ...(network ? { network } : {}),
    };
    const rec = snapshot ? await this.snaps.restore(snapshot, claim) : await this.sandboxes.create({ template: template.name, ...claim });
    return { status: 201, body: this.sandboxJson(rec) };
  }

  get(caller: Caller, id: string): Reply {
    const rec = this.owned(caller, id);
    return { status: 200, body: { ...this.listedJson(rec), envdAccessToken: this.auth.accessToken(rec.id), domain: null } };
  }

  /** GET /v2/sandboxes: filtered by metadata (a query string of its own) and state, paged by x-next-token. */
  list(caller: Caller, query: URLSearchParams, v2: boolean): Reply {
    const meta = query.get('metadata');
    const selector: Record<string, string> = {};
    // The SDK encodes each key and value, then the pairs as a query string, then that as one parameter.
    if (meta) {
      for (const [k, v] of new URLSearchParams(meta)) {
        try {
          selector[decodeURIComponent(k)] = decodeURIComponent(v);
        } catch {
          throw new E2bHttpError(400, 'metadata filter is not a valid encoded query string');
        }
      }
    }
    const states = (query.get('state') ?? (v2 ? 'running,paused' : 'running')).split(',').filter(Boolean);
    for (const s of states) if (s !== 'running' && s !== 'paused') throw new E2bHttpError(400, `state must be running or paused, not "${s}"`);
    const limitRaw = query.get('limit');
    const limit = limitRaw === null ? DEFAULT_PAGE : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new E2bHttpError(400, `limit must be an integer from 1 to ${MAX_PAGE}`);
    const after = query.get('nextToken');
    const all = this.sandboxes.list({ ...selector, [OWNER_LABEL]: caller.fingerprint }, '')
      .filter((r) => states.includes(stateOf(r)))
      .map((r) => ({ r, key: pageKey(r) }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    if (after !== null && !/^[0-9]{13}:[a-z0-9-]{1,64}$/.test(after)) throw new E2bHttpError(400, 'nextToken is not one this endpoint gave');
    const rest = after === null ? all : all.filter((x) => x.key > after);
    const page = v2 ? rest.slice(0, limit) : rest;
    const headers: Record<string, string> = {};
    if (v2 && rest.length > page.length) headers['x-next-token'] = page[page.length - 1]!.key;
    return { status: 200, body: page.map((x) => this.listedJson(x.r)), headers };
  }

  async kill(caller: Caller, id: string): Promise<Reply> {
    this.owned(caller, id);
    await this.sandboxes.delete(id, 'killed through the E2B API');
    return { status: 204 };
  }

  async setTimeout(caller: Caller, id: string, body: Json): Promise<Reply> {
    this.owned(caller, id);
    const timeout = timeoutOf(body.timeout);
    if (timeout === undefined) throw new E2bHttpError(400, 'timeout is required');
    await this.sandboxes.setTtl(id, timeout);
    return { status: 204 };
  }

  /** Connect (v1 and v2) and the older resume: a paused sandbox is resumed; the timeout moves to `timeout` from now. */
  async connect(caller: Caller, id: string, body: Json): Promise<Reply> {
    const rec = this.owned(caller, id);
    const timeout = timeoutOf(body.timeout);
    let status = 200;
    if (rec.state === 'PAUSED') {
      await this.sandboxes.resume(id);
      status = 201;
    }
    // As E2B does, a connect never shortens the time a sandbox has left.
    if (timeout !== undefined && (rec.expiresAt === undefined || rec.expiresAt < Date.now() + timeout * 1000)) await this.sandboxes.setTtl(id, timeout);
    return { status, body: this.sandboxJson(rec) };
  }

  async pause(caller: Caller, id: string): Promise<Reply> {
    const rec = this.owned(caller, id);
    if (rec.state === 'PAUSED') throw new E2bHttpError(409, `sandbox ${id} is already paused`);
    await this.sandboxes.pause(id);
    return { status: 204 };
  }

  /** POST /sandboxes/{id}/snapshots. */
  async snapshot(caller: Caller, id: string, body: Json): Promise<Reply> {
    const snap = await this.snaps.create(caller, this.owned(caller, id), body);
    return { status: 201, body: { snapshotID: snap.id, names: namesOf(snap) } };
  }

  listSnapshots(caller: Caller, query: URLSearchParams): Reply {
    const { page, next } = this.snaps.list(caller, query);
    return { status: 200, body: page.map((s) => ({ snapshotID: s.id, names: namesOf(s) })), headers: next ? { 'x-next-token': next } : {} };
  }

  /** DELETE /templates/{id}: the SDK's deleteSnapshot. */
  async deleteSnapshot(caller: Caller, id: string): Promise<Reply> {
    await this.snaps.delete(caller, id);
    return { status: 204 };
  }

  /** POST /sandboxes/{id}/fork: godel's fork is all or none, so every entry is a sandbox, or the request fails. */
  async fork(caller: Caller, id: string, body: Json): Promise<Reply> {
    const source = this.owned(caller, id);
    const count = body.count ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_FORK) throw new E2bHttpError(400, `count must be an integer from 1 to ${MAX_FORK}`);
    const forks = await this.snaps.fork(source, count, timeoutOf(body.timeout));
    return { status: 201, body: forks.map((rec) => ({ sandbox: this.sandboxJson(rec) })) };
  }

  /**
   * GET /sandboxes/{id}/metrics: one sample, measured now by the provider (godel keeps no history of
   * them). A `start`..`end` window (seconds) that ends before E2B's sampling period or starts later gets
   * none. A provider that cannot measure is 501.
   */
  async metrics(caller: Caller, id: string, query: URLSearchParams): Promise<Reply> {
    const rec = this.owned(caller, id);
    const [start, end] = (['start', 'end'] as const).map((k) => {
      const raw = query.get(k);
      if (raw === null) return undefined;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw new E2bHttpError(400, `${k} must be a Unix time in whole seconds`);
      return n * 1000;
    });
    const now = Date.now();
    if ((end !== undefined && end < now - METRICS_PERIOD_MS) || (start !== undefined && start > now)) return { status: 200, body: [] };
    let u: SandboxUsage | undefined;
    try {
      u = await this.sandboxes.usage(rec.id);
    } catch (err) {
      if (err instanceof GodelError && err.code === 'NOT_SUPPORTED') throw new E2bHttpError(501, err.message);
      throw err;
    }
    if (!u) return { status: 200, body: [] };
    const limits = this.sandboxes.template(rec.template).spec.limits;
    const cpuCount = u.cpuCount ?? cpuCountOf(limits?.cpus);
    return {
      status: 200,
      body: [{
        timestamp: new Date(u.at).toISOString(), timestampUnix: Math.floor(u.at / 1000), cpuCount,
        cpuUsedPct: Math.min(100, Math.round((u.cpuCores / cpuCount) * 10_000) / 100),
        memUsed: u.memUsedBytes, memCache: u.memCacheBytes, memTotal: u.memTotalBytes ?? limits?.memoryBytes ?? totalmem(),
        diskUsed: u.diskUsedBytes, diskTotal: u.diskTotalBytes,
      }],
    };
  }

  private owned(caller: Caller, id: string): SandboxRecord {
    let rec: SandboxRecord;
    try {
      rec = this.sandboxes.get(id);
    } catch (err) {
      if (err instanceof GodelError && err.code === 'SANDBOX_NOT_FOUND') throw new E2bHttpError(404, `sandbox "${id}" doesn't exist or you don't have access to it`);
      throw err;
    }
    if (rec.labels[OWNER_LABEL] !== caller.fingerprint) throw new E2bHttpError(404, `sandbox "${id}" doesn't exist or you don't have access to it`);
    return rec;
  }

  private sandboxJson(rec: SandboxRecord): Json {
    return {
      templateID: rec.labels[TEMPLATE_LABEL] ?? rec.template, sandboxID: rec.id, clientID: this.node, alias: rec.template,
      envdVersion: ENVD_VERSION, envdAccessToken: this.auth.accessToken(rec.id), trafficAccessToken: null, domain: null,
    };
  }

  private listedJson(rec: SandboxRecord): Json {
    const limits = this.sandboxes.template(rec.template).spec.limits;
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(rec.labels)) if (!k.startsWith(RESERVED_PREFIX)) metadata[k] = v;
    return {
      templateID: rec.labels[TEMPLATE_LABEL] ?? rec.template, alias: rec.template, sandboxID: rec.id, clientID: this.node,
      startedAt: new Date(rec.claimedAt ?? rec.createdAt).toISOString(),
      endAt: new Date(rec.expiresAt ?? rec.maxLifetimeAt ?? rec.claimedAt ?? rec.createdAt).toISOString(),
      cpuCount: cpuCountOf(limits?.cpus),
      memoryMB: Math.floor((limits?.memoryBytes ?? totalmem()) / 2 ** 20),
      diskSizeMB: Math.floor((limits?.diskBytes ?? 0) / 2 ** 20),
      metadata, state: stateOf(rec), envdVersion: ENVD_VERSION,
    };
  }
}

/** Whole CPUs, as E2B counts them: a template's fractional limit rounded up, else the host's. */
function cpuCountOf(cpus: number | undefined): number {
  return Math.max(1, Math.ceil(cpus ?? availableParallelism()));
}

/** E2B knows two states for a sandbox that exists; a godel sandbox that failed or stopped is not running either. */
function stateOf(rec: SandboxRecord): string {
  return rec.state === 'PAUSED' ? 'paused' : rec.state === 'READY' ? 'running' : rec.state.toLowerCase();
}

/** Sorts by when the sandbox was handed out, then id: stable across pages while sandboxes come and go. */
function pageKey(rec: SandboxRecord): string {
  return `${String(rec.claimedAt ?? rec.createdAt).padStart(13, '0')}:${rec.id}`;
}

function objectOf(v: unknown, field: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new E2bHttpError(400, `${field} must be an object of string values`);
  }
  return v as Record<string, string>;
}

function timeoutOf(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > LIMITS.ttlSeconds) {
    throw new E2bHttpError(400, `timeout must be a whole number of seconds from 1 to ${LIMITS.ttlSeconds}`);
  }
  return v;
}
