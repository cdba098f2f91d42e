// One cluster (a kubeconfig and a context) as the kubernetes provider sees it: its API clients, whether
// it answers, and a cache of this node's pods per namespace, kept by list-then-watch (with bookmarks,
// re-listing on 410 Gone, re-watching after a drop) so that liveness is a lookup, not a round trip.
import { CoreV1Api, KubeConfig, NetworkingV1Api, NodeV1Api, VersionApi, Watch, type V1Pod } from '@kubernetes/client-node';
import type { ClientOptions } from 'ws';
import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { GodelError, errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import { LABEL_NODE } from './pod-spec.js';

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;
const LIST_TIMEOUT_MS = 5000;

/** What the API server said, as an error with the cluster's own reason in the message. */
export function clusterError(err: unknown, what: string, server: string): GodelError {
  const e = err as { code?: number; body?: unknown; cause?: { code?: string; message?: string } };
  if (typeof e?.code === 'number' && e.code >= 100) {
    let message = '';
    try {
      message = (JSON.parse(String(e.body)) as { message?: string }).message ?? '';
    } catch {
      message = String(e.body ?? '').slice(0, 300); // Not a Status: a proxy's page, say.
    }
    const text = `${what}: the cluster answered ${e.code}${message ? `: ${message}` : ''}`;
    if (e.code === 401) return new GodelError('PROVIDER_UNAVAILABLE', `${what}: the cluster at ${server} refused the credentials (401 Unauthorized)${message && message !== 'Unauthorized' ? `: ${message}` : ''}`);
    return new GodelError(e.code >= 500 || e.code === 429 ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_FAILED', text);
  }
  if (err instanceof GodelError) return err;
  const cause = e?.cause?.code ?? e?.cause?.message ?? errorMessage(err);
  return new GodelError('PROVIDER_UNAVAILABLE', `${what}: cannot reach the cluster at ${server}: ${cause}`);
}

/** A refusal from the API server: its HTTP status and body (a Status, usually). */
export class ApiAnswer extends Error {
  constructor(readonly code: number, readonly body: string) {
    super(`the API server answered ${code}`);
  }
}

export function httpCode(err: unknown): number | undefined {
  const c = (err as { code?: unknown })?.code;
  return typeof c === 'number' ? c : undefined;
}

type PodListener = (pod: V1Pod | undefined) => void;

/**
 * Whether resourceVersion `a` is later than `b`. They are opaque to clients by the API's rules, but every
 * API server in use hands out etcd revisions, which are ordered numbers; anything else is never taken as newer.
 */
function newer(a: string | undefined, b: string | undefined): boolean {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) && a !== '' && b !== '' && x > y;
}

/** This node's pods in one namespace, and who waits on changes to them. */
export class PodCache {
  readonly pods = new Map<string, V1Pod>();
  /** Pods that went away while watched, with why (read by deathReason). */
  readonly gone = new Map<string, string>();
  synced = false;
  lastError = '';
  private resourceVersion = '';
  private abort: AbortController | undefined;
  private retryMs = RETRY_MIN_MS;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly listeners = new Map<string, Set<PodListener>>();
  private readonly syncedWaiters = new Set<() => void>();

  constructor(private readonly cluster: Cluster, readonly namespace: string, private readonly node: string, private readonly log: Logger) {}

  /** Lists, then watches from the list's resourceVersion; resolves after the first list (or its failure). */
  async start(): Promise<void> {
    await this.relist();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
    this.abort = undefined;
  }

  /** Calls `fn` on every change to the named pod (undefined once it is deleted); returns the unsubscribe. */
  subscribe(name: string, fn: PodListener): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (!set.size) this.listeners.delete(name);
    };
  }

  /** Puts what a call returned into the cache at once (the watch brings the same a moment later). */
  observe(pod: V1Pod): void {
    const name = pod.metadata?.name;
    if (!name) return;
    const cur = this.pods.get(name);
    if (cur && newer(cur.metadata?.resourceVersion, pod.metadata?.resourceVersion)) return;
    this.pods.set(name, pod);
    this.notify(name, pod);
  }

  private notify(name: string, pod: V1Pod | undefined): void {
    for (const fn of this.listeners.get(name) ?? []) fn(pod);
  }

  private selector(): string {
    return `${LABEL_NODE}=${this.node}`;
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      const list = await withTimeout(this.cluster.core.listNamespacedPod({ namespace: this.namespace, labelSelector: this.selector() }), LIST_TIMEOUT_MS);
      const listVersion = list.metadata?.resourceVersion ?? '';
      const seen = new Set<string>();
      for (const pod of list.items) {
        const name = pod.metadata!.name!;
        seen.add(name);
        this.observe(pod);
      }
      // A pod missing from the list is gone only if the cache knew it before the list was taken: one that
      // godeld created (or claimed) while the list was on its way is newer than the list, and its events
      // come with the watch from the list's version. Taking it for gone would fail a Ready pool pod.
      for (const [name, pod] of [...this.pods]) {
        if (seen.has(name) || newer(pod.metadata?.resourceVersion, listVersion)) continue;
        this.pods.delete(name);
        this.gone.set(name, 'its pod was deleted while the daemon was not watching');
        this.notify(name, undefined);
      }
      this.resourceVersion = listVersion;
      this.synced = true;
      this.lastError = '';
      this.retryMs = RETRY_MIN_MS;
      for (const w of this.syncedWaiters) w();
      this.syncedWaiters.clear();
      await this.watch();
    } catch (err) {
      this.lastError = clusterError(err, `listing pods in namespace ${this.namespace}`, this.cluster.server).message;
      this.log.warn({ namespace: this.namespace, err: this.lastError, retryInMs: this.retryMs }, 'cannot list the sandbox pods; retrying');
      this.retryLater(() => this.relist());
    }
  }

  private retryLater(fn: () => Promise<void>): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void fn(), this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    let expired = false;
    const onEvent = (type: string, obj: V1Pod & { code?: number; metadata?: { resourceVersion?: string } }): void => {
      if (type === 'ERROR') {
        // 410 Gone: our resourceVersion is older than what the server keeps. Start again from a list.
        expired = (obj as { code?: number }).code === 410;
        return;
      }
      const rv = obj.metadata?.resourceVersion;
      if (rv) this.resourceVersion = rv;
      if (type === 'BOOKMARK') return;
      const name = obj.metadata?.name;
      if (!name) return;
      if (type === 'DELETED') {
        this.pods.delete(name);
        if (!this.gone.has(name)) this.gone.set(name, 'its pod was deleted through the Kubernetes API, not by godeld');
        this.notify(name, undefined);
      } else {
        this.pods.set(name, obj);
        this.notify(name, obj);
      }
    };
    const done = (err: unknown): void => {
      this.abort = undefined;
      if (this.stopped) return;
      if (expired) {
        this.log.info({ namespace: this.namespace }, 'the pod watch expired (410 Gone); listing again');
        void this.relist();
      } else if (err && !(err instanceof Error && err.name === 'TimeoutError')) {
        this.lastError = clusterError(err, `watching pods in namespace ${this.namespace}`, this.cluster.server).message;
        this.log.warn({ namespace: this.namespace, err: this.lastError }, 'the pod watch failed; listing again');
        this.retryLater(() => this.relist());
      } else {
        // A watch that ended or went quiet past client-node's 30 s: watch again from where it was.
        void this.watch();
      }
    };
    try {
      this.abort = await new Watch(this.cluster.kc).watch(`/api/v1/namespaces/${this.namespace}/pods`,
        { labelSelector: this.selector(), resourceVersion: this.resourceVersion, allowWatchBookmarks: true }, onEvent, done);
    } catch (err) {
      done(err);
    }
  }

  /** Resolves once the cache holds a list (at once if it does), or after `ms`. */
  waitSynced(ms: number): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.syncedWaiters.delete(done); resolve(); }, ms);
      const done = (): void => { clearTimeout(t); resolve(); };
      this.syncedWaiters.add(done);
    });
  }
}

export class Cluster {
  readonly kc = new KubeConfig();
  readonly core: CoreV1Api;
  readonly nodeApi: NodeV1Api;
  readonly networking: NetworkingV1Api;
  readonly versionApi: VersionApi;
  readonly server: string;
  readonly defaultNamespace: string;
  /** Set when the kubeconfig cannot be used at all. */
  readonly configError: string = '';
  private readonly caches = new Map<string, PodCache>();

  constructor(readonly kubeconfig: string, readonly context: string, private readonly node: string, private readonly log: Logger) {
    try {
      if (kubeconfig) this.kc.loadFromFile(kubeconfig);
      else this.kc.loadFromDefault();
      if (context) {
        if (!this.kc.getContextObject(context)) throw new Error(`context "${context}" is not in the kubeconfig`);
        this.kc.setCurrentContext(context);
      }
      if (!this.kc.getCurrentCluster()) throw new Error('the kubeconfig names no cluster for its current context');
    } catch (err) {
      this.configError = `cannot use the kubeconfig ${kubeconfig || '(default loading order)'}: ${errorMessage(err)}`;
    }
    this.server = this.kc.getCurrentCluster()?.server ?? '(none)';
    this.defaultNamespace = this.kc.getContextObject(this.kc.getCurrentContext())?.namespace || 'default';
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.nodeApi = this.kc.makeApiClient(NodeV1Api);
    this.networking = this.kc.makeApiClient(NetworkingV1Api);
    this.versionApi = this.kc.makeApiClient(VersionApi);
  }

  get name(): string {
    return `${this.server}${this.context ? ` (context ${this.context})` : ''}`;
  }

  /** The cache of a namespace, started on first use. */
  cache(namespace: string): PodCache {
    let c = this.caches.get(namespace);
    if (!c) {
      c = new PodCache(this, namespace, this.node, this.log);
      this.caches.set(namespace, c);
      if (!this.configError) void c.start();
    }
    return c;
  }

  allCaches(): PodCache[] {
    return [...this.caches.values()];
  }

  private fastAgent: HttpAgent | HttpsAgent | undefined;

  /**
   * One request to the API server as a plain request on a kept-alive connection, its answer left as JSON
   * text. The claim, and the pool's creates and deletes, are on or beside the handoff's path, and the generated
   * client's (de)serialization of a whole Pod through its ObjectSerializer cost several milliseconds of
   * event loop per call, which 20 concurrent handoffs (and the refill behind them) queued behind each other.
   */
  private async plainRequest(method: string, path: string, contentType: string, body: string): Promise<{ status: number; body: string }> {
    const url = new URL(`${this.server}${path}`);
    const opts: RequestOptions & { rejectUnauthorized?: boolean } = { method, headers: {} };
    await this.kc.applyToHTTPSOptions(opts as never);
    const https = url.protocol === 'https:';
    this.fastAgent ??= https ? new HttpsAgent({ keepAlive: true, ...(opts as object) }) : new HttpAgent({ keepAlive: true });
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(url, {
        ...opts, agent: this.fastAgent, method,
        headers: { ...(opts.headers as Record<string, string>), 'Content-Type': contentType, Accept: 'application/json', 'Content-Length': Buffer.byteLength(body) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.setTimeout(15_000, () => req.destroy(new Error('no answer within 15000 ms')));
      req.on('error', reject);
      req.end(body);
    });
  }

  private static podsPath(namespace: string): string {
    return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
  }

  /** A JSON patch of a pod; the answer's status is the caller's to read (a failed `test` is 422). */
  patchPodJson(namespace: string, name: string, ops: unknown[]): Promise<{ status: number; body: string }> {
    return this.plainRequest('PATCH', `${Cluster.podsPath(namespace)}/${encodeURIComponent(name)}`, 'application/json-patch+json', JSON.stringify(ops));
  }

  /** Deletes a pod at once (grace period 0); a refusal (404 included) throws the answer. */
  async deletePod(namespace: string, name: string): Promise<void> {
    const res = await this.plainRequest('DELETE', `${Cluster.podsPath(namespace)}/${encodeURIComponent(name)}?gracePeriodSeconds=0`, 'application/json', '');
    if (res.status !== 200 && res.status !== 202) throw new ApiAnswer(res.status, res.body);
  }

  /** Creates a pod; a refusal throws the answer, which clusterError reads as it reads the generated client's errors. */
  async createPod(namespace: string, pod: V1Pod): Promise<V1Pod> {
    const res = await this.plainRequest('POST', Cluster.podsPath(namespace), 'application/json', JSON.stringify(pod));
    if (res.status !== 201 && res.status !== 200) throw new ApiAnswer(res.status, res.body);
    return JSON.parse(res.body) as V1Pod;
  }

  /** Options for the exec WebSocket: the kubeconfig's credentials and TLS settings. */
  async wsOptions(): Promise<ClientOptions> {
    const opts: ClientOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    return opts;
  }

  stop(): void {
    this.fastAgent?.destroy();
    for (const c of this.caches.values()) c.stop();
  }
}

export async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    })]);
  } finally {
    clearTimeout(timer);
  }
}
