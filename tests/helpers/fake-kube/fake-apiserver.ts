// A FAKE Kubernetes API server, for tests and for trying the kubernetes provider without a cluster.
// It is not Kubernetes: it keeps pods in memory, has one node ("fake-node"), and runs each pod that
// starts as a real bubblewrap sandbox on this host (through the process provider), so exec, terminals
// and files inside its pods are real. What it speaks is the real protocol, closely enough for
// @kubernetes/client-node and kubectl: discovery, pods create/get/list/patch (JSON patch with `test`,
// merge patch)/delete with resourceVersions, conflicts and label selectors, watch with bookmarks and
// 410 Gone, namespaces, RuntimeClass admission, a pod quota, pod status transitions (Pending, Running,
// Ready; image pull errors, unschedulable pods, a missing runtime handler, eviction), and the exec
// WebSocket (v5 and v4, the empty first frame, resize, stdin close, the Status on channel 3).
// Plain HTTP on loopback; an optional bearer token makes it refuse other credentials.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { pino } from 'pino';
import { ProcessProvider } from '../../../daemon/providers/process/process-provider.js';
import type { RunningCommand } from '../../../daemon/providers/provider.js';
import type { ProviderHandle } from '../../../daemon/store/store.js';
import { applyJsonPatch, applyMergePatch, PatchError } from './json-patch.js';
import { podTable, wantsTable } from './table.js';

export type Pod = {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string; creationTimestamp: string; labels?: Record<string, string>;
    annotations?: Record<string, string>; generateName?: string; deletionTimestamp?: string };
  spec: Record<string, any>;
  status: Record<string, any>;
};

export interface FakeOptions {
  /** Where the pods' sandboxes live. */
  dir: string;
  /** Loopback address to listen on (a test picks one in its own range). */
  host: string;
  port?: number;
  /** Bearer token every request must carry; none: anyone may call. */
  token?: string;
  namespaces?: string[];
  /** RuntimeClass name -> handler. */
  runtimeClasses?: Record<string, string>;
  /** Handlers the fake node has (a RuntimeClass whose handler is not here never starts). */
  handlers?: string[];
  /** The scripted time from scheduling to a Ready container. */
  startDelayMs?: number;
  /** Pods allowed per namespace (a ResourceQuota on `pods`); unlimited where absent. */
  podQuota?: Record<string, number>;
  /** Exec subprotocols the fake accepts, in its order of preference. */
  execProtocols?: string[];
  /** Bookmark interval on watches that ask for them. */
  bookmarkMs?: number;
  /** Namespaces where NetworkPolicy requests get 403, as for a daemon whose role there does not cover them. */
  networkPoliciesForbiddenIn?: string[];
}

const NODE = 'fake-node';
const NODE_LABELS: Record<string, string> = { 'kubernetes.io/hostname': NODE, 'kubernetes.io/os': 'linux' };
const HISTORY = 5000;
/** Events kept (the real server keeps them an hour). */
const MAX_EVENTS = 2000;
const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface Watcher {
  ns: string;
  selector: Selector;
  res: ServerResponse;
  bookmarks: NodeJS.Timeout | undefined;
}

interface HistoryEntry {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  old: Pod | undefined;
  obj: Pod;
}

type Selector = Array<(labels: Record<string, string>) => boolean>;

/** Parses a label selector: k=v, k==v, k!=v, k, !k, k in (a,b), k notin (a,b), comma-separated. */
export function parseSelector(text: string): Selector {
  const out: Selector = [];
  for (const raw of text.match(/([^,(]+(\([^)]*\))?)/g) ?? []) {
    const term = raw.trim();
    if (!term) continue;
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
      const [, k, op, list] = m;
      const vals = list!.split(',').map((s) => s.trim());
      out.push(op === 'in' ? (l) => vals.includes(l[k!] ?? '\0') : (l) => !vals.includes(l[k!] ?? '\0'));
    } else if ((m = /^([\w./-]+)\s*!=\s*([\w.-]*)$/.exec(term))) {
      const [, k, v] = m;
      out.push((l) => l[k!] !== v);
    } else if ((m = /^([\w./-]+)\s*==?\s*([\w.-]*)$/.exec(term))) {
      const [, k, v] = m;
      out.push((l) => l[k!] === v);
    } else if ((m = /^!([\w./-]+)$/.exec(term))) {
      const k = m[1]!;
      out.push((l) => !(k in l));
    } else if ((m = /^([\w./-]+)$/.exec(term))) {
      const k = m[1]!;
      out.push((l) => k in l);
    } else {
      throw new ApiError(400, 'BadRequest', `unable to parse requirement: invalid label selector "${term}"`);
    }
  }
  return out;
}

class ApiError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string, readonly details?: Record<string, unknown>) {
    super(message);
  }
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export class FakeKubeApiServer {
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => this.chooseProtocol(offered) });
  private readonly pods = new Map<string, Pod>();
  private readonly sandboxes = new Map<string, ProviderHandle>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly starting = new Set<Promise<void>>();
  private stopping = false;
  private readonly watchers = new Set<Watcher>();
  private readonly sockets = new Set<Socket>();
  private readonly execs = new Set<{ ws: WebSocket; cmd: RunningCommand; key: string }>();
  private readonly history: HistoryEntry[] = [];
  /** What `kubectl describe pod` lists under Events: the scheduler's and the kubelet's. */
  private readonly events: Array<Record<string, any>> = [];
  /** Watches from before this resourceVersion get 410 Gone (as after an etcd compaction). */
  private compactedBelow = 0;
  private rv = 1;
  private readonly provider: ProcessProvider;
  readonly namespaces: Set<string>;
  readonly runtimeClasses: Map<string, string>;
  readonly handlers: Set<string>;
  startDelayMs: number;
  podQuota: Record<string, number>;
  execProtocols: string[];
  /** The next exec streams are cut without a Status once their command has started (a lost kubelet). */
  cutNextExecs = 0;
  /**
   * Exec upgrades are answered in one write with the stream's first output (the 101, the empty first
   * frame, the command's first stdout), as a loaded server's or a proxy's answer often arrives.
   */
  coalesceExecStarts = false;
  /** Pod lists are answered this late, with what the fake held when they arrived (a big list on a slow link). */
  listDelayMs = 0;
  /** Watches start this late (their events since the requested version then come all at once). */
  watchDelayMs = 0;
  /** NetworkPolicies by "namespace/name", kept as sent (the fake enforces none of them: it has no network plugin). */
  readonly networkPolicies = new Map<string, Record<string, any>>();
  /** The next this many pod PATCHes are held: never applied, never answered (a server that stalls mid-call). */
  holdPatches = 0;
  /** The pods whose PATCHes were held, in order. */
  readonly heldPatches: string[] = [];
  /** The next this many pod PATCHes, and pod DELETEs, are refused with 503 and not applied (an API server shedding load). */
  failPatches = 0;
  failDeletes = 0;
  /** The pod calls refused so, as "METHOD name", in order. */
  readonly refusedCalls: string[] = [];
  /** Pod lists received, and answered, so far, by namespace. */
  readonly listsReceived = new Map<string, number>();
  readonly listsAnswered = new Map<string, number>();
  /** Requests seen, by "METHOD path" (for tests that count round trips). */
  readonly requests: string[] = [];
  /** Every request's full URL, query included (for tests that check what an audit log would record). */
  readonly urls: string[] = [];
  /** How long the fake took to answer each pod PATCH (arrival to the answer's last byte written), in ms. */
  private readonly patchMs: number[] = [];
  url = '';

  constructor(private readonly opts: FakeOptions) {
    mkdirSync(opts.dir, { recursive: true, mode: 0o711 });
    this.provider = new ProcessProvider({
      sandboxesDir: join(opts.dir, 'pods'), config: { sandboxUid: 61000, sandboxGid: 61000 }, log: pino({ level: 'silent' }),
    });
    this.namespaces = new Set(opts.namespaces ?? ['default']);
    this.runtimeClasses = new Map(Object.entries(opts.runtimeClasses ?? { kata: 'kata' }));
    this.handlers = new Set(opts.handlers ?? ['kata', 'runc']);
    this.startDelayMs = opts.startDelayMs ?? 0;
    this.podQuota = opts.podQuota ?? {};
    this.execProtocols = opts.execProtocols ?? ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket as Socket, head));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, this.opts.host, () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://${this.opts.host}:${port}`;
  }

  /** A kubeconfig for this server (plain http: client-node needs insecure-skip-tls-verify for it). */
  kubeconfig(opts: { token?: string; context?: string; namespace?: string } = {}): string {
    const token = opts.token ?? this.opts.token ?? 'fake-token';
    const ctx = opts.context ?? 'fake';
    return JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': ctx,
      clusters: [{ name: 'fake', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'fake', user: { token } }],
      contexts: [{ name: ctx, context: { cluster: 'fake', user: 'fake', namespace: opts.namespace ?? 'default' } }],
    }, null, 2);
  }

  writeKubeconfig(path: string, opts: { token?: string; context?: string; namespace?: string } = {}): string {
    writeFileSync(path, this.kubeconfig(opts), { mode: 0o600 });
    return path;
  }

  /** Stops serving and removes every pod's sandbox. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled([...this.starting]);
    for (const w of this.watchers) this.endWatch(w);
    for (const e of this.execs) e.ws.terminate();
    // The sandboxes go while the server still listens: the launch helper's handles do not keep the
    // process alive (they are unref'd), the listening server does.
    await Promise.allSettled([...this.sandboxes.entries()].map(([name, h]) => this.provider.destroy(name, h)));
    this.sandboxes.clear();
    await this.provider.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** stop() for a process that is being killed: every pod's sandbox at once, without waiting (see tests/helpers/last-resort.ts). */
  killPods(): void {
    for (const h of this.sandboxes.values()) {
      const pid = Number(h.initPid);
      if (!(pid > 0)) continue;
      try {
        process.kill(pid, 'SIGKILL'); // The pid namespace's init: everything in the pod goes with it.
      } catch {
        continue; // Already gone.
      }
    }
  }

  // ---- controls for tests (what a cluster does on its own) ----

  list(ns?: string): Pod[] {
    return [...this.pods.values()].filter((p) => !ns || p.metadata.namespace === ns).map((p) => structuredClone(p));
  }

  pod(ns: string, name: string): Pod | undefined {
    const p = this.pods.get(`${ns}/${name}`);
    return p && structuredClone(p);
  }

  /** The kubelet evicts a pod: phase Failed, reason Evicted, its processes killed. */
  async evict(ns: string, name: string, message = 'The node was low on resource: memory.'): Promise<void> {
    const pod = this.mustGet(ns, name);
    await this.killSandbox(pod);
    this.update(pod, (p) => {
      p.status = { ...p.status, phase: 'Failed', reason: 'Evicted', message, conditions: conditions(true, false, 'PodFailed') };
    });
  }

  /** Watches end (as when an API server restarts or a proxy times them out). */
  dropWatches(): void {
    for (const w of this.watchers) w.res.destroy();
  }

  /** Old resourceVersions become too old to watch from (an etcd compaction): watches end, and re-watching from them gets 410 Gone. */
  expireWatches(): void {
    this.compactedBelow = this.rv;
    for (const w of this.watchers) this.endWatch(w);
  }

  // ---- HTTP ----

  private authorized(req: IncomingMessage): boolean {
    return !this.opts.token || req.headers.authorization === `Bearer ${this.opts.token}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = process.hrtime.bigint();
    if (req.method === 'PATCH' && this.holdPatches > 0) {
      this.holdPatches--;
      this.heldPatches.push(decodeURIComponent(new URL(req.url ?? '/', 'http://fake').pathname.split('/').pop() ?? ''));
      return; // Its socket is destroyed when the client goes, or at stop().
    }
    if (req.method === 'PATCH') {
      res.once('finish', () => {
        this.patchMs.push(Number(process.hrtime.bigint() - arrived) / 1e6);
        if (this.patchMs.length > HISTORY) this.patchMs.shift();
      });
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push(`${req.method} ${url.pathname}`);
    this.urls.push(req.url ?? '');
    try {
      if (!this.authorized(req)) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      const body = await readBody(req);
      const out = await this.route(req, res, url, body);
      if (out !== undefined) send(res, 200, out);
    } catch (err) {
      if (err instanceof ApiError) send(res, err.code, status(err.code, err.reason, err.message, err.details));
      else send(res, 500, status(500, 'InternalError', (err as Error).message));
    }
  }

  /** NetworkPolicies: list, get and create, in namespaces that exist; a second create of a name conflicts. */
  private networkPolicy(method: string, ns: string, name: string | undefined, body: string, res: ServerResponse): unknown {
    if (this.opts.networkPoliciesForbiddenIn?.includes(ns)) {
      throw new ApiError(403, 'Forbidden', `networkpolicies.networking.k8s.io is forbidden: User "fake" cannot ${method === 'POST' ? 'create' : 'get'} resource "networkpolicies" in API group "networking.k8s.io" in the namespace "${ns}"`, { group: 'networking.k8s.io', kind: 'networkpolicies' });
    }
    if (!this.namespaces.has(ns)) throw notFound('namespaces', ns);
    if (name !== undefined) {
      const got = this.networkPolicies.get(`${ns}/${name}`);
      if (!got) throw new ApiError(404, 'NotFound', `networkpolicies.networking.k8s.io "${name}" not found`, { name, group: 'networking.k8s.io', kind: 'networkpolicies' });
      return got;
    }
    if (method === 'POST') {
      const obj = JSON.parse(body) as Record<string, any>;
      const n = String(obj.metadata?.name ?? '');
      if (this.networkPolicies.has(`${ns}/${n}`)) throw new ApiError(409, 'AlreadyExists', `networkpolicies.networking.k8s.io "${n}" already exists`, { name: n, group: 'networking.k8s.io', kind: 'networkpolicies' });
      const made = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ...obj, metadata: { ...obj.metadata, namespace: ns, resourceVersion: String(++this.rv), uid: randomUUID() } };
      this.networkPolicies.set(`${ns}/${n}`, made);
      send(res, 201, made);
      return undefined;
    }
    const items = [...this.networkPolicies.entries()].filter(([k]) => k.startsWith(`${ns}/`)).map(([, v]) => v);
    return { kind: 'NetworkPolicyList', apiVersion: 'networking.k8s.io/v1', metadata: { resourceVersion: String(this.rv) }, items };
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<unknown> {
    const p = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    // Not Kubernetes: what a benchmark in another process reads of the fake's own share of the time.
    if (p === '/fake/stats') return { patchMs: [...this.patchMs], cpu: process.cpuUsage(), uptimeMs: Math.round(process.uptime() * 1000) };
    if (p === '/version') return { major: '1', minor: '32', gitVersion: 'v1.32.0-fake', platform: 'linux/amd64' };
    if (p === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: url.host }] };
    if (p === '/apis') {
      return {
        kind: 'APIGroupList', apiVersion: 'v1', groups: ['node.k8s.io', 'networking.k8s.io'].map((name) => ({
          name, versions: [{ groupVersion: `${name}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
        })),
      };
    }
    if (p === '/apis/networking.k8s.io/v1') return NETWORKING_V1_RESOURCES;
    let np: RegExpExecArray | null;
    if ((np = /^\/apis\/networking\.k8s\.io\/v1\/namespaces\/([^/]+)\/networkpolicies(?:\/([^/]+))?$/.exec(p))) {
      return this.networkPolicy(method, np[1]!, np[2], body, res);
    }
    if (p === '/api/v1') return API_V1_RESOURCES;
    if (p === '/apis/node.k8s.io/v1') return NODE_V1_RESOURCES;
    if (p === '/apis/node.k8s.io/v1/runtimeclasses') {
      return { kind: 'RuntimeClassList', apiVersion: 'node.k8s.io/v1', metadata: { resourceVersion: String(this.rv) }, items: [...this.runtimeClasses].map(([n, h]) => runtimeClass(n, h)) };
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/apis\/node\.k8s\.io\/v1\/runtimeclasses\/([^/]+)$/.exec(p))) {
      const h = this.runtimeClasses.get(m[1]!);
      if (h === undefined) throw new ApiError(404, 'NotFound', `runtimeclasses.node.k8s.io "${m[1]}" not found`, { name: m[1], group: 'node.k8s.io', kind: 'runtimeclasses' });
      return runtimeClass(m[1]!, h);
    }
    if (p === '/api/v1/namespaces') {
      return { kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) }, items: [...this.namespaces].map(namespace) };
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p))) {
      if (!this.namespaces.has(m[1]!)) throw notFound('namespaces', m[1]!);
      return namespace(m[1]!);
    }
    if (p === '/api/v1/events' || (m = /^\/api\/v1\/namespaces\/([^/]+)\/events$/.exec(p))) {
      const ns = m?.[1] ?? '';
      const fields = fieldSelector(url.searchParams.get('fieldSelector') ?? '');
      const items = this.events.filter((e) => (!ns || e.metadata.namespace === ns) && fields.every(([k, v]) => fieldOf(e, k) === v));
      return { kind: 'EventList', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) }, items };
    }
    if (p === '/api/v1/pods' || (m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p))) {
      const ns = m?.[1] ?? '';
      if (method === 'POST') {
        const pod = this.create(ns, JSON.parse(body) as Pod);
        send(res, 201, pod);
        return undefined;
      }
      const selector = parseSelector(url.searchParams.get('labelSelector') ?? '');
      if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
        if (this.watchDelayMs) await sleep(this.watchDelayMs);
        if (this.stopping) res.destroy(); // Held past stop(): a watch started now would keep the server open.
        else this.watch(ns, selector, url, res);
        return undefined;
      }
      this.listsReceived.set(ns, (this.listsReceived.get(ns) ?? 0) + 1);
      const items = [...this.pods.values()].filter((x) => (!ns || x.metadata.namespace === ns) && matches(selector, x)).map((x) => structuredClone(x));
      const out = wantsTable(req.headers.accept) ? podTable(items, String(this.rv)) : { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) }, items };
      if (this.listDelayMs) await sleep(this.listDelayMs);
      this.listsAnswered.set(ns, (this.listsAnswered.get(ns) ?? 0) + 1);
      return out;
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(p))) {
      const [, ns, name] = m as unknown as [string, string, string];
      if ((method === 'PATCH' && this.failPatches > 0) || (method === 'DELETE' && this.failDeletes > 0)) {
        if (method === 'PATCH') this.failPatches--;
        else this.failDeletes--;
        this.refusedCalls.push(`${method} ${decodeURIComponent(name)}`);
        throw new ApiError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
      }
      if (method === 'GET') return wantsTable(req.headers.accept) ? podTable([this.mustGet(ns, name)], String(this.rv)) : this.mustGet(ns, name);
      if (method === 'PATCH') return this.patch(ns, name, String(req.headers['content-type'] ?? ''), body);
      if (method === 'DELETE') return this.delete(ns, name, body);
    }
    if (/^\/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+\/exec$/.test(p)) {
      throw new ApiError(400, 'BadRequest', 'Upgrade request required (this fake speaks the exec WebSocket only, not SPDY)');
    }
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }

  private mustGet(ns: string, name: string): Pod {
    if (!this.namespaces.has(ns)) throw notFound('namespaces', ns);
    const pod = this.pods.get(`${ns}/${name}`);
    if (!pod) throw notFound('pods', name);
    return pod;
  }

  private create(ns: string, body: Pod): Pod {
    if (!this.namespaces.has(ns)) throw notFound('namespaces', ns);
    if (body?.kind !== undefined && body.kind !== 'Pod') throw new ApiError(400, 'BadRequest', `the body of the request was not a Pod (kind ${body.kind})`);
    const meta = body.metadata ?? ({} as Pod['metadata']);
    const name = meta.name || (meta.generateName ? `${meta.generateName}${randomUUID().slice(0, 5)}` : '');
    if (!name) throw new ApiError(422, 'Invalid', 'Pod "" is invalid: metadata.name: Required value: name or generateName is required');
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name)) throw new ApiError(422, 'Invalid', `Pod "${name}" is invalid: metadata.name: Invalid value: "${name}"`);
    if (this.pods.has(`${ns}/${name}`)) throw new ApiError(409, 'AlreadyExists', `pods "${name}" already exists`, { name, kind: 'pods' });
    const containers = body.spec?.containers;
    if (!Array.isArray(containers) || !containers.length || !containers.every((c: any) => c?.name && c?.image)) {
      throw new ApiError(422, 'Invalid', `Pod "${name}" is invalid: spec.containers: Required value (each with a name and an image)`);
    }
    const rc = body.spec.runtimeClassName as string | undefined;
    if (rc && !this.runtimeClasses.has(rc)) {
      throw new ApiError(403, 'Forbidden', `pods "${name}" is forbidden: pod rejected: RuntimeClass "${rc}" not found`, { name, kind: 'pods' });
    }
    const used = [...this.pods.values()].filter((x) => x.metadata.namespace === ns && !['Succeeded', 'Failed'].includes(x.status.phase)).length;
    const quota = this.podQuota[ns];
    if (quota !== undefined && used >= quota) {
      throw new ApiError(403, 'Forbidden', `pods "${name}" is forbidden: exceeded quota: pod-quota, requested: pods=1, used: pods=${used}, limited: pods=${quota}`, { name, kind: 'pods' });
    }
    const pod: Pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { ...meta, name, namespace: ns, uid: randomUUID(), resourceVersion: '', creationTimestamp: new Date().toISOString() },
      spec: { ...body.spec, restartPolicy: body.spec.restartPolicy ?? 'Always', dnsPolicy: body.spec.dnsPolicy ?? 'ClusterFirst', schedulerName: 'default-scheduler' },
      status: { phase: 'Pending', qosClass: qosClass(body.spec.containers) },
    };
    delete (pod.metadata as { generateName?: string }).generateName;
    if (meta.generateName) pod.metadata.generateName = meta.generateName;
    this.commit(pod, undefined);
    this.schedule(pod);
    return pod;
  }

  /** Scheduling, image pull and start, as a kubelet would go through them. */
  private schedule(created: Pod): void {
    const key = `${created.metadata.namespace}/${created.metadata.name}`;
    const sel = (created.spec.nodeSelector ?? {}) as Record<string, string>;
    const misfit = Object.entries(sel).some(([k, v]) => NODE_LABELS[k] !== v);
    if (misfit) {
      this.later(5, () => this.updateIf(key, created.metadata.uid, (p) => {
        const message = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
        p.status.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: now(), message }];
        this.event(p, 'Warning', 'FailedScheduling', message, 'default-scheduler');
      }));
      return;
    }
    const image = String(created.spec.containers[0].image);
    const handler = created.spec.runtimeClassName ? this.runtimeClasses.get(created.spec.runtimeClassName) ?? '' : 'runc';
    this.later(5, () => this.updateIf(key, created.metadata.uid, (p) => {
      p.spec.nodeName = NODE;
      this.event(p, 'Normal', 'Scheduled', `Successfully assigned ${key} to ${NODE}`, 'default-scheduler');
      p.status = { ...p.status, hostIP: this.opts.host, conditions: conditions(false, false), containerStatuses: waiting(p, 'ContainerCreating', '') };
      if (!this.handlers.has(handler)) {
        const message = `failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "${handler}" is configured`;
        p.status.containerStatuses = waiting(p, 'ContainerCreating', message);
        this.event(p, 'Warning', 'FailedCreatePodSandBox', message, 'kubelet');
        return;
      }
      if (/unpullable|does-not-exist/.test(image)) {
        p.status.containerStatuses = waiting(p, 'ErrImagePull', `failed to pull and unpack image "${image}": failed to resolve reference "${image}": not found`);
        this.event(p, 'Warning', 'Failed', `Failed to pull image "${image}": failed to resolve reference "${image}": not found`, 'kubelet');
        this.later(200, () => this.updateIf(key, p.metadata.uid, (q) => { q.status.containerStatuses = waiting(q, 'ImagePullBackOff', `Back-off pulling image "${image}"`); }));
        return;
      }
      this.later(this.startDelayMs, () => {
        const started = this.startPod(key, p.metadata.uid).finally(() => this.starting.delete(started));
        this.starting.add(started);
      });
    }));
  }

  private async startPod(key: string, uid: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp || this.stopping) return;
    try {
      const handle = await this.provider.boot({ id: pod.metadata.name, spec: { provider: 'process', rootfs: '', hostPaths: ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/etc'], network: 'none', env: {} }, priority: 'normal' });
      const cur = this.pods.get(key);
      if (!cur || cur.metadata.uid !== uid || cur.metadata.deletionTimestamp || this.stopping) {
        await this.provider.destroy(pod.metadata.name, handle);
        return;
      }
      this.sandboxes.set(key, handle);
      for (const c of cur.spec.containers as Array<{ name: string; image: string }>) {
        this.event(cur, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, 'kubelet');
        this.event(cur, 'Normal', 'Created', `Created container ${c.name}`, 'kubelet');
        this.event(cur, 'Normal', 'Started', `Started container ${c.name}`, 'kubelet');
      }
      this.update(cur, (p) => {
        const started = now();
        p.status = {
          ...p.status, phase: 'Running', podIP: this.opts.host, podIPs: [{ ip: this.opts.host }], startTime: started, conditions: conditions(true, true),
          containerStatuses: p.spec.containers.map((c: any) => ({
            name: c.name, image: c.image, imageID: `fake://${c.image}`, containerID: `fake://${randomUUID()}`, ready: true, started: true, restartCount: 0,
            state: { running: { startedAt: started } },
          })),
        };
      });
    } catch (err) {
      this.updateIf(key, uid, (p) => {
        p.status = { ...p.status, phase: 'Failed', reason: 'StartError', message: (err as Error).message, conditions: conditions(true, false, 'PodFailed') };
      });
    }
  }

  private patch(ns: string, name: string, contentType: string, body: string): Pod {
    const pod = this.mustGet(ns, name);
    let patched: Pod;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ApiError(400, 'BadRequest', 'the patch body is not JSON');
    }
    try {
      if (contentType.startsWith('application/json-patch+json')) patched = applyJsonPatch(pod, parsed);
      else if (contentType.startsWith('application/merge-patch+json') || contentType.startsWith('application/strategic-merge-patch+json')) {
        patched = applyMergePatch(pod, parsed) as Pod;
      } else throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
    } catch (err) {
      if (err instanceof PatchError) throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${err.message}`);
      throw err;
    }
    const rv = patched.metadata?.resourceVersion;
    if (rv && rv !== pod.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on pods "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, kind: 'pods' });
    }
    if (patched.metadata?.name !== name || patched.metadata.uid !== pod.metadata.uid || patched.metadata.namespace !== ns) {
      throw new ApiError(422, 'Invalid', `Pod "${name}" is invalid: metadata: the name, namespace and uid cannot be changed`);
    }
    if (JSON.stringify(patched.spec) !== JSON.stringify(pod.spec)) {
      throw new ApiError(422, 'Invalid', `Pod "${name}" is invalid: spec: Forbidden: pod updates may not change fields other than image, activeDeadlineSeconds and tolerations`);
    }
    const old = structuredClone(pod);
    pod.metadata = { ...patched.metadata };
    pod.status = patched.status;
    this.commit(pod, old);
    return pod;
  }

  private async delete(ns: string, name: string, body: string): Promise<Pod> {
    const pod = this.mustGet(ns, name);
    if (body) {
      const pre = (JSON.parse(body) as { preconditions?: { uid?: string; resourceVersion?: string } }).preconditions;
      if ((pre?.uid && pre.uid !== pod.metadata.uid) || (pre?.resourceVersion && pre.resourceVersion !== pod.metadata.resourceVersion)) {
        throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on pods "${name}": Precondition failed: UID or ResourceVersion in precondition does not match`, { name, kind: 'pods' });
      }
    }
    if (!pod.metadata.deletionTimestamp) {
      this.update(pod, (p) => { p.metadata.deletionTimestamp = now(); });
      void this.killSandbox(pod).then(() => {
        const cur = this.pods.get(`${ns}/${name}`);
        if (cur?.metadata.uid !== pod.metadata.uid) return;
        this.pods.delete(`${ns}/${name}`);
        const old = structuredClone(cur);
        cur.metadata.resourceVersion = String(++this.rv);
        this.emit('DELETED', old, cur);
      });
    }
    return pod;
  }

  private async killSandbox(pod: Pod): Promise<void> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const h = this.sandboxes.get(key);
    this.sandboxes.delete(key);
    for (const e of this.execs) if (e.key === key) e.ws.terminate();
    if (h) await this.provider.destroy(pod.metadata.name, h);
  }

  private event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, component: string): void {
    const t = now();
    this.events.push({
      kind: 'Event', apiVersion: 'v1',
      metadata: { name: `${pod.metadata.name}.${randomUUID().slice(0, 8)}`, namespace: pod.metadata.namespace, uid: randomUUID(), resourceVersion: String(this.rv), creationTimestamp: t },
      involvedObject: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, apiVersion: 'v1', resourceVersion: pod.metadata.resourceVersion },
      reason, message, type, count: 1, firstTimestamp: t, lastTimestamp: t,
      source: component === 'kubelet' ? { component, host: NODE } : { component }, reportingComponent: component, reportingInstance: component === 'kubelet' ? NODE : '',
    });
    if (this.events.length > MAX_EVENTS) this.events.shift();
  }

  private update(pod: Pod, change: (p: Pod) => void): void {
    const old = structuredClone(pod);
    change(pod);
    this.commit(pod, old);
  }

  private updateIf(key: string, uid: string, change: (p: Pod) => void): void {
    const pod = this.pods.get(key);
    if (pod && pod.metadata.uid === uid && !pod.metadata.deletionTimestamp) this.update(pod, change);
  }

  private commit(pod: Pod, old: Pod | undefined): void {
    pod.metadata.resourceVersion = String(++this.rv);
    this.pods.set(`${pod.metadata.namespace}/${pod.metadata.name}`, pod);
    this.emit(old ? 'MODIFIED' : 'ADDED', old, pod);
  }

  private emit(type: HistoryEntry['type'], old: Pod | undefined, obj: Pod): void {
    const entry: HistoryEntry = { rv: Number(obj.metadata.resourceVersion), type, old, obj: structuredClone(obj) };
    this.history.push(entry);
    if (this.history.length > HISTORY) this.history.shift();
    for (const w of this.watchers) this.deliver(w, entry);
  }

  /** A watch sees an object enter and leave its selector as ADDED and DELETED, as the real watch cache sends them. */
  private deliver(w: Watcher, e: HistoryEntry): void {
    if (w.ns && e.obj.metadata.namespace !== w.ns) return;
    const now = matches(w.selector, e.obj);
    const before = e.old ? matches(w.selector, e.old) : false;
    let type: string | undefined;
    if (e.type === 'DELETED') type = before || now ? 'DELETED' : undefined;
    else if (now) type = before ? e.type : 'ADDED';
    else if (before) type = 'DELETED';
    if (type) w.res.write(`${JSON.stringify({ type, object: e.obj })}\n`);
  }

  private watch(ns: string, selector: Selector, url: URL, res: ServerResponse): void {
    const rvParam = url.searchParams.get('resourceVersion');
    const from = rvParam ? Number(rvParam) : 0;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    if (from > 0 && from < this.compactedBelow) {
      res.end(`${JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${from} (${this.compactedBelow})`) })}\n`);
      return;
    }
    const w: Watcher = { ns, selector, res, bookmarks: undefined };
    if (from > 0) for (const e of this.history) if (e.rv > from) this.deliver(w, e);
    if (!from) {
      for (const p of this.pods.values()) {
        if ((!ns || p.metadata.namespace === ns) && matches(selector, p)) res.write(`${JSON.stringify({ type: 'ADDED', object: p })}\n`);
      }
    }
    this.watchers.add(w);
    if (url.searchParams.get('allowWatchBookmarks') === 'true') {
      w.bookmarks = setInterval(() => {
        res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv), annotations: { 'k8s.io/initial-events-end': 'true' } } } })}\n`);
      }, this.opts.bookmarkMs ?? 1000);
    }
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 0);
    const endAt = timeout > 0 ? setTimeout(() => this.endWatch(w), timeout * 1000) : undefined;
    res.on('close', () => { clearTimeout(endAt); this.forgetWatch(w); });
  }

  private endWatch(w: Watcher): void {
    this.forgetWatch(w);
    w.res.end();
  }

  private forgetWatch(w: Watcher): void {
    clearInterval(w.bookmarks);
    this.watchers.delete(w);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    this.timers.add(t);
  }

  // ---- exec WebSocket ----

  private chooseProtocol(offered: Set<string>): string | false {
    return this.execProtocols.find((p) => offered.has(p)) ?? false;
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push(`UPGRADE ${url.pathname}`);
    this.urls.push(req.url ?? '');
    const refuse = (code: number, reason: string, message: string): void => {
      const body = JSON.stringify(status(code, reason, message));
      socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    if (!this.authorized(req)) return refuse(401, 'Unauthorized', 'Unauthorized');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    if (!m) return refuse(404, 'NotFound', 'the server could not find the requested resource');
    const key = `${m[1]}/${m[2]}`;
    const pod = this.pods.get(key);
    if (!pod) return refuse(404, 'NotFound', `pods "${m[2]}" not found`);
    const handle = this.sandboxes.get(key);
    if (!handle || pod.status.phase !== 'Running') return refuse(400, 'BadRequest', `container not found ("${pod.spec.containers[0].name}")`);
    if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return refuse(400, 'BadRequest', `this fake speaks the exec WebSocket only, not ${req.headers.upgrade ?? 'this upgrade'} (kubectl 1.30 or later execs over WebSocket; older ones use SPDY)`);
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!this.execProtocols.some((p) => offered.includes(p))) return refuse(400, 'BadRequest', `no supported exec subprotocol in ${offered.join(', ')}`);
    const argv = url.searchParams.getAll('command');
    if (!argv.length) return refuse(400, 'BadRequest', 'you must specify at least 1 command');
    const tty = url.searchParams.get('tty') === 'true' || url.searchParams.get('tty') === '1';
    const want = (k: string): boolean => url.searchParams.get(k) === 'true' || url.searchParams.get(k) === '1';
    const coalesce = this.coalesceExecStarts;
    if (coalesce) socket.cork();
    this.wss.handleUpgrade(req, socket, head, (ws) => this.exec(ws, key, pod, handle, argv, tty, want('stdin'), want('stdout'), want('stderr'), coalesce ? socket : undefined));
  }

  private exec(ws: WebSocket, key: string, pod: Pod, handle: ProviderHandle, argv: string[], tty: boolean, stdin: boolean, stdout: boolean, stderr: boolean, corked?: Socket): void {
    const c = pod.spec.containers[0];
    const env: Record<string, string> = { PATH: BASE_PATH, HOSTNAME: pod.metadata.name, HOME: '/workspace' };
    for (const e of (c.env ?? []) as Array<{ name: string; value?: string }>) env[e.name] = e.value ?? '';
    if (tty) env.TERM = 'xterm';
    const cmd = this.provider.exec(handle, { argv, env, cwd: c.workingDir ?? '/', ...(tty ? { tty: { cols: 80, rows: 24 } } : {}) });
    const entry = { ws, cmd, key };
    ws.on('error', () => ws.terminate()); // A client gone mid-frame: `close` follows and kills the command.
    this.execs.add(entry);
    const v5 = ws.protocol === 'v5.channel.k8s.io';
    // The real server opens with an empty frame on the lowest output channel it will use.
    ws.send(Buffer.from([stdout ? 1 : stderr ? 2 : 3]));
    let pending = 0;
    const pump = (stream: NodeJS.ReadableStream | null, channel: number): void => {
      if (!stream) return;
      stream.on('data', (d: Buffer) => {
        pending += d.length;
        ws.send(Buffer.concat([Buffer.from([channel]), d]), () => {
          pending -= d.length;
          if (pending < 1 << 20) { cmd.stdout.resume(); cmd.stderr?.resume(); }
        });
        if (pending >= 1 << 20) { cmd.stdout.pause(); cmd.stderr?.pause(); }
      });
    };
    if (corked) {
      const uncork = (): void => { clearTimeout(timer); corked.uncork(); };
      const timer = setTimeout(uncork, 1000); // A command that prints nothing.
      cmd.stdout.once('data', () => setImmediate(uncork)); // After pump's send of the same chunk.
    }
    if (stdout) pump(cmd.stdout, 1);
    else cmd.stdout.resume();
    if (stderr) pump(cmd.stderr, tty ? 1 : 2);
    else cmd.stderr?.resume();
    cmd.stdin.on('error', () => undefined); // A command that exits without reading: its exit status says the rest.
    if (!stdin) cmd.stdin.end();
    let cut = false;
    if (this.cutNextExecs > 0) {
      this.cutNextExecs--;
      cut = true;
      void cmd.pid.then(() => setTimeout(() => { ws.terminate(); cmd.kill('SIGKILL'); }, 50));
    }
    ws.on('message', (data: Buffer) => {
      if (!data.length) return;
      const ch = data[0];
      const payload = data.subarray(1);
      if (ch === 0 && stdin) {
        // As a kubelet's stream does: input the command is not reading holds the client back (TCP's
        // window) instead of piling up here.
        if (!cmd.stdin.write(payload)) {
          ws.pause();
          const go = (): void => { cmd.stdin.off('drain', go).off('close', go); ws.resume(); };
          cmd.stdin.on('drain', go).on('close', go);
        }
      } else if (ch === 4) {
        const size = JSON.parse(payload.toString()) as { Width: number; Height: number };
        cmd.resize(size.Width, size.Height);
      } else if (ch === 255 && v5 && payload[0] === 0) cmd.stdin.end();
    });
    ws.on('close', () => {
      this.execs.delete(entry);
      cmd.kill('SIGKILL');
    });
    void cmd.exited.then((r) => {
      if (cut || ws.readyState !== ws.OPEN) return;
      const code = r.signal ? 128 + signalNumber(r.signal) : r.exitCode;
      const st = code === 0
        ? { metadata: {}, status: 'Success' }
        : { metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
          reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } };
      ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(st))]), () => ws.close(1000));
    });
  }
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

function signalNumber(name: string): number {
  return SIGNALS[name] ?? 15;
}

/** A field selector of `k=v` (or `k==v`) terms, as kubectl describe sends for a pod's events. */
function fieldSelector(text: string): Array<[string, string]> {
  return text.split(',').filter(Boolean).map((term) => {
    const m = /^([\w.]+)==?(.*)$/.exec(term);
    if (!m) throw new ApiError(400, 'BadRequest', `invalid field selector: "${term}" (this fake takes only k=v terms)`);
    return [m[1]!, m[2]!];
  });
}

function fieldOf(obj: Record<string, any>, path: string): string {
  let cur: any = obj;
  for (const part of path.split('.')) cur = cur?.[part];
  return cur === undefined ? '' : String(cur);
}

function matches(selector: Selector, pod: Pod): boolean {
  const labels = pod.metadata.labels ?? {};
  return selector.every((f) => f(labels));
}

const NETWORKING_V1_RESOURCES = {
  kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'networking.k8s.io/v1', resources: [
    { name: 'networkpolicies', singularName: 'networkpolicy', namespaced: true, kind: 'NetworkPolicy', verbs: ['create', 'get', 'list'], shortNames: ['netpol'] },
  ],
};

function notFound(kind: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${kind} "${name}" not found`, { name, kind });
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function conditions(scheduled: boolean, ready: boolean, reason = ''): Array<Record<string, string>> {
  const t = now();
  const r = ready ? 'True' : 'False';
  return [
    { type: 'PodScheduled', status: scheduled ? 'True' : 'False', lastTransitionTime: t },
    { type: 'Initialized', status: 'True', lastTransitionTime: t },
    { type: 'ContainersReady', status: r, lastTransitionTime: t, ...(ready ? {} : { reason: reason || 'ContainersNotReady' }) },
    { type: 'Ready', status: r, lastTransitionTime: t, ...(ready ? {} : { reason: reason || 'ContainersNotReady' }) },
  ];
}

function waiting(p: Pod, reason: string, message: string): Array<Record<string, unknown>> {
  return p.spec.containers.map((c: any) => ({
    name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason, ...(message ? { message } : {}) } },
  }));
}

function qosClass(containers: Array<{ resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }>): string {
  const all = containers.every((c) => c.resources?.limits?.cpu && c.resources?.limits?.memory
    && (c.resources.requests?.cpu ?? c.resources.limits.cpu) === c.resources.limits.cpu && (c.resources.requests?.memory ?? c.resources.limits.memory) === c.resources.limits.memory);
  if (all) return 'Guaranteed';
  return containers.some((c) => c.resources?.requests || c.resources?.limits) ? 'Burstable' : 'BestEffort';
}

function namespace(name: string): Record<string, unknown> {
  return { kind: 'Namespace', apiVersion: 'v1', metadata: { name, uid: `ns-${name}`, resourceVersion: '1' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

function runtimeClass(name: string, handler: string): Record<string, unknown> {
  return { kind: 'RuntimeClass', apiVersion: 'node.k8s.io/v1', metadata: { name, uid: `rc-${name}`, resourceVersion: '1' }, handler };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

const API_V1_RESOURCES = {
  kind: 'APIResourceList', groupVersion: 'v1', resources: [
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch'], shortNames: ['po'] },
    { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'], shortNames: ['ns'] },
    { name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: ['list'], shortNames: ['ev'] },
  ],
};

const NODE_V1_RESOURCES = {
  kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'node.k8s.io/v1', resources: [
    { name: 'runtimeclasses', singularName: 'runtimeclass', namespaced: false, kind: 'RuntimeClass', verbs: ['get', 'list'] },
  ],
};
