// The `kubernetes` provider: each sandbox is a pod (a Kata VM where the template's runtime class is
// one), created through @kubernetes/client-node in the cluster and namespace its template names. Pods
// carry labels for the owning node, the sandbox id, the template's spec hash and their state; a pool
// pod is handed out by one JSON patch that tests its state label is still `idle`, so two daemons
// sharing a namespace never hand out the same pod. Liveness comes from a watched cache of this node's
// pods (list, then watch), which also finds them again after a restart. Commands, sessions and files
// go through the pod exec WebSocket; filesystem snapshots are a tar of /workspace taken through it.
// Kata has no checkpoint: no memory snapshots, no pause.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { V1Pod } from '@kubernetes/client-node';
import type { KubernetesSpec, Template } from '../../config/config.js';
import { GodelError, errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ProviderHandle } from '../../store/store.js';
import type { BootRequest, Capability, ExecRequest, Provider, ProviderStatus, RunningCommand } from '../provider.js';
import { Cluster, clusterError, httpCode, withTimeout, type PodCache } from './cluster.js';
import { PodCommand } from './pod-exec.js';
import { SNAPSHOT_SCRIPT } from './pod-snapshot.js';
import { ANNOTATION_CLAIMED_BY, LABEL_STATE, NO_NETWORK_POLICY, WORKSPACE, hopeless, isReady, noNetworkPolicy, notReadyReason, podManifest } from './pod-spec.js';

const PROBE_INTERVAL_MS = 30_000;
const PROBE_TIMEOUT_MS = 5000;
const START_SYNC_MS = 5000;
const CALL_TIMEOUT_MS = 15_000;
/** JSON pointers (RFC 6901: `~` and `/` escaped) to the state label and the claimant annotation. */
const pointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
const STATE_PATH = `/metadata/labels/${pointer(LABEL_STATE)}`;
const CLAIMED_BY_PATH = `/metadata/annotations/${pointer(ANNOTATION_CLAIMED_BY)}`;

export interface KubernetesProviderOptions {
  node: string;
  templates: ReadonlyMap<string, Template>;
  log: Logger;
}

interface Probe {
  ok: boolean;
  message: string;
}

export class KubernetesProvider implements Provider {
  readonly name = 'kubernetes';
  readonly capabilities: readonly Capability[] = ['exec', 'filesystem-snapshot'];
  private readonly clusters = new Map<string, Cluster>();
  private readonly probes = new Map<string, Probe>();
  private probeTimer: NodeJS.Timeout | undefined;
  /** Pods whose claim another party won: never deleted by this daemon. */
  private readonly lost = new Set<string>();
  private readonly specs: Array<{ template: Template; k8s: KubernetesSpec }> = [];
  /** The `network: none` templates whose namespace was last seen with its NetworkPolicy (else a boot checks first). */
  private readonly isolated = new Set<string>();

  constructor(private readonly opts: KubernetesProviderOptions) {
    for (const t of opts.templates.values()) {
      if (t.spec.provider === 'kubernetes' && t.spec.kubernetes) this.specs.push({ template: t, k8s: t.spec.kubernetes });
    }
  }

  private cluster(kubeconfig: string, context: string): Cluster {
    const key = `${kubeconfig}\u0000${context}`;
    let c = this.clusters.get(key);
    if (!c) {
      c = new Cluster(kubeconfig, context, this.opts.node, this.opts.log);
      this.clusters.set(key, c);
    }
    return c;
  }

  private namespaceOf(c: Cluster, k8s: KubernetesSpec): string {
    return k8s.namespace || c.defaultNamespace;
  }

  /** Lists this node's pods in every namespace a template uses, before the daemon reconciles its store. */
  async discover(): Promise<void> {
    const caches: PodCache[] = [];
    for (const { k8s } of this.specs) {
      const c = this.cluster(k8s.kubeconfig, k8s.context);
      caches.push(c.cache(this.namespaceOf(c, k8s)));
    }
    await Promise.all([...new Set(caches)].map((cache) => cache.waitSynced(START_SYNC_MS)));
    await this.probe();
    this.probeTimer = setInterval(() => void this.probe(), PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  /** Whether each template's cluster answers, and has its namespace and runtime class. */
  private async probe(): Promise<void> {
    await Promise.all(this.specs.map(async ({ template, k8s }) => {
      const c = this.cluster(k8s.kubeconfig, k8s.context);
      const ns = this.namespaceOf(c, k8s);
      let probe: Probe;
      if (c.configError) probe = { ok: false, message: c.configError };
      else {
        try {
          const v = await withTimeout(c.versionApi.getCode(), PROBE_TIMEOUT_MS);
          await withTimeout(c.core.readNamespace({ name: ns }), PROBE_TIMEOUT_MS).catch((err: unknown) => {
            throw httpCode(err) === 404 ? new GodelError('PROVIDER_FAILED', `namespace "${ns}" does not exist in the cluster`) : err;
          });
          let rc = 'the default runtime';
          if (k8s.runtimeClass) {
            const cls = await withTimeout(c.nodeApi.readRuntimeClass({ name: k8s.runtimeClass }), PROBE_TIMEOUT_MS).catch((err: unknown) => {
              throw httpCode(err) === 404 ? new GodelError('PROVIDER_FAILED', `runtime class "${k8s.runtimeClass}" does not exist in the cluster (install Kata, e.g. kata-deploy, or set runtime_class)`) : err;
            });
            rc = `runtime class ${k8s.runtimeClass} (handler ${cls.handler})`;
          }
          this.isolated.delete(template.name);
          const net = template.spec.network === 'none' ? `, pods kept off the network by NetworkPolicy ${await this.ensureNoNetwork(c, ns)}` : ', pods on the cluster\'s network';
          if (template.spec.network === 'none') this.isolated.add(template.name);
          probe = { ok: true, message: `${c.name} ${v.gitVersion} reachable, namespace ${ns}, ${rc}${net}` };
        } catch (err) {
          probe = { ok: false, message: clusterError(err, `cluster ${c.name}`, c.server).message };
        }
      }
      const before = this.probes.get(template.name);
      if (before?.ok !== probe.ok) (probe.ok ? this.opts.log.info : this.opts.log.warn).call(this.opts.log, { template: template.name, status: probe.message }, 'kubernetes cluster status');
      this.probes.set(template.name, probe);
    }));
  }

  /**
   * Makes sure the namespace has the NetworkPolicy that keeps `network: none` pods off the network (made
   * again if someone deleted it; checked at every probe). Without it the template's pods would have the
   * cluster's network, so a template that cannot have it boots no pod.
   */
  private async ensureNoNetwork(c: Cluster, namespace: string): Promise<string> {
    const name = NO_NETWORK_POLICY;
    const cannot = (err: unknown): GodelError => {
      const e = clusterError(err, `cluster ${c.name}`, c.server);
      return new GodelError(e.code, `cannot keep the template's pods off the network (network: none): NetworkPolicy ${name} in namespace ${namespace}: ${e.message}`);
    };
    try {
      await withTimeout(c.networking.readNamespacedNetworkPolicy({ name, namespace }), PROBE_TIMEOUT_MS);
      return name;
    } catch (err) {
      if (httpCode(err) !== 404) throw cannot(err);
    }
    try {
      await withTimeout(c.networking.createNamespacedNetworkPolicy({ namespace, body: noNetworkPolicy(namespace) }), PROBE_TIMEOUT_MS);
      this.opts.log.info({ namespace, policy: name }, 'created the NetworkPolicy that keeps network: none pods off the network');
    } catch (err) {
      if (httpCode(err) !== 409) throw cannot(err); // 409: another daemon made it first.
    }
    return name;
  }

  status(): ProviderStatus {
    if (!this.specs.length) return { available: false, message: 'no template uses the kubernetes provider (set templates.NAME.kubernetes)' };
    const parts = this.specs.map(({ template }) => `${template.name}: ${this.probes.get(template.name)?.message ?? 'not probed yet'}`);
    // Available while any template's cluster answers: a template whose cluster does not fails its own boots, with why.
    const available = this.specs.some(({ template }) => this.probes.get(template.name)?.ok);
    return { available, message: parts.join('; ') };
  }

  private target(handle: ProviderHandle): { cluster: Cluster; namespace: string; pod: string; uid: string } {
    return { cluster: this.cluster(String(handle.kubeconfig ?? ''), String(handle.context ?? '')), namespace: String(handle.namespace), pod: String(handle.pod), uid: String(handle.uid ?? '') };
  }

  async boot({ id, spec, claimed }: BootRequest): Promise<ProviderHandle> {
    const k8s = spec.kubernetes;
    if (!k8s) throw new GodelError('PROVIDER_FAILED', 'the template has no kubernetes settings');
    const c = this.cluster(k8s.kubeconfig, k8s.context);
    if (c.configError) throw new GodelError('PROVIDER_UNAVAILABLE', c.configError);
    const namespace = this.namespaceOf(c, k8s);
    const template = [...this.opts.templates.values()].find((t) => t.spec === spec);
    // Not one pod of a network: none template without the policy that keeps it off the network.
    if (spec.network === 'none' && !this.isolated.has(template?.name ?? '')) {
      await this.ensureNoNetwork(c, namespace);
      if (template) this.isolated.add(template.name);
    }
    const cache = c.cache(namespace);
    const body = podManifest({
      id, node: this.opts.node, template: template?.name ?? '', specHash: template?.specHash ?? '', spec, k8s, namespace, state: claimed ? 'claimed' : 'idle',
    });
    // Subscribed before the create, so that no change of the new pod can be missed.
    let latest: V1Pod | undefined;
    let wake: (() => void) | undefined;
    const unsubscribe = cache.subscribe(id, (pod) => { latest = pod; wake?.(); });
    let created: V1Pod;
    try {
      created = await withTimeout(c.createPod(namespace, body), CALL_TIMEOUT_MS);
    } catch (err) {
      unsubscribe();
      throw clusterError(err, `creating pod ${id} in namespace ${namespace}`, c.server);
    }
    cache.observe(created);
    latest = cache.pods.get(id) ?? created;
    const handle: ProviderHandle = { pod: id, namespace, uid: created.metadata!.uid!, kubeconfig: k8s.kubeconfig, context: k8s.context };
    const deadline = Date.now() + k8s.readyTimeoutSeconds * 1000;
    try {
      for (let polls = 0; ; polls++) {
        if (latest && isReady(latest)) return handle;
        if (latest && hopeless(latest)) throw new GodelError('PROVIDER_FAILED', `pod ${id} cannot start: ${notReadyReason(latest)}`);
        if (!latest && polls > 0) throw new GodelError('PROVIDER_FAILED', `pod ${id} was deleted while it started`);
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new GodelError('PROVIDER_FAILED', `pod ${id} was not Ready within ${k8s.readyTimeoutSeconds} s: ${latest ? notReadyReason(latest) : 'it is gone'}`);
        }
        // Changes come from the watch; a read now and then covers a watch that is down.
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(left, 2000));
          wake = () => { clearTimeout(t); resolve(); };
        });
        wake = undefined;
        if (polls % 2 === 1 && !(latest && (isReady(latest) || hopeless(latest)))) {
          latest = await c.core.readNamespacedPod({ name: id, namespace }).catch((err: unknown) => {
            if (httpCode(err) === 404) return undefined;
            return latest; // The watch may still bring it; the deadline bounds the wait.
          });
          // What the read found is what the cache must hold too: isAlive reads the cache, and a boot
          // that saw the pod Ready here must not hand out a sandbox the cache still has Pending.
          if (latest) cache.observe(latest);
        }
      }
    } catch (err) {
      await this.deletePod(c, namespace, id).catch((e: unknown) => this.opts.log.error({ sandbox: id, err: errorMessage(e) }, 'cannot delete a pod that failed to start'));
      throw err;
    } finally {
      unsubscribe();
    }
  }

  /**
   * The claim: one JSON patch that holds only if the pod is still idle, and names this daemon as the
   * claimant. Losing it discards the pod here (but never deletes it).
   */
  async claim(_id: string, handle: ProviderHandle): Promise<void> {
    const { cluster, namespace, pod } = this.target(handle);
    let res: { status: number; body: string };
    try {
      res = await cluster.patchPodJson(namespace, pod, [
        { op: 'test', path: STATE_PATH, value: 'idle' }, { op: 'replace', path: STATE_PATH, value: 'claimed' },
        { op: 'add', path: CLAIMED_BY_PATH, value: this.opts.node },
      ]);
    } catch (err) {
      throw clusterError(err, `claiming pod ${pod}`, cluster.server);
    }
    if (res.status === 200) {
      cluster.cache(namespace).observe(JSON.parse(res.body) as V1Pod);
      return;
    }
    if (res.status === 422 || res.status === 409) {
      this.lost.add(pod);
      throw new GodelError('PROVIDER_FAILED', `pod ${pod} was claimed by someone else first`);
    }
    throw clusterError({ code: res.status, body: res.body }, `claiming pod ${pod}`, cluster.server);
  }

  /** The pod's state label, as the cache (a list taken at start, then the watch) has it. */
  claimState(handle: ProviderHandle): 'claimed' | 'idle' | 'taken' | undefined {
    const { cluster, namespace, pod, uid } = this.target(handle);
    const cache = cluster.cache(namespace);
    const p = cache.synced ? cache.pods.get(pod) : undefined;
    if (!p || p.metadata?.uid !== uid) return undefined;
    const state = p.metadata?.labels?.[LABEL_STATE];
    if (state === 'idle') return 'idle';
    if (state !== 'claimed') return undefined;
    return p.metadata?.annotations?.[ANNOTATION_CLAIMED_BY] === this.opts.node ? 'claimed' : 'taken';
  }

  /** Puts the pod back to idle, if it still is as this daemon's claim left it (a JSON patch that tests for that). */
  async unclaim(_id: string, handle: ProviderHandle): Promise<void> {
    const { cluster, namespace, pod } = this.target(handle);
    let res: { status: number; body: string };
    try {
      res = await withTimeout(cluster.patchPodJson(namespace, pod, [
        { op: 'test', path: STATE_PATH, value: 'claimed' }, { op: 'test', path: CLAIMED_BY_PATH, value: this.opts.node },
        { op: 'replace', path: STATE_PATH, value: 'idle' }, { op: 'remove', path: CLAIMED_BY_PATH },
      ]), CALL_TIMEOUT_MS);
    } catch (err) {
      throw clusterError(err, `giving pod ${pod} back to its pool`, cluster.server);
    }
    if (res.status !== 200) throw clusterError({ code: res.status, body: res.body }, `giving pod ${pod} back to its pool`, cluster.server);
    cluster.cache(namespace).observe(JSON.parse(res.body) as V1Pod);
  }

  isAlive(handle: ProviderHandle): boolean {
    const { cluster, namespace, pod, uid } = this.target(handle);
    const cache = cluster.cache(namespace);
    // Unknown is not dead: until the cache has a list (a cluster that does not answer), the pod is taken to run.
    if (!cache.synced) return true;
    const p = cache.pods.get(pod);
    return !!p && p.metadata?.uid === uid && p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp;
  }

  deathReason(handle: ProviderHandle): string | undefined {
    const { cluster, namespace, pod, uid } = this.target(handle);
    const cache = cluster.cache(namespace);
    const p = cache.pods.get(pod);
    if (p && p.metadata?.uid !== uid) return 'its pod was replaced by another of the same name';
    if (p?.metadata?.deletionTimestamp) return 'its pod is being deleted through the Kubernetes API, not by godeld';
    if (p && p.status?.phase !== 'Running') return `its ${notReadyReason(p)}`;
    if (p) return undefined;
    return cache.gone.get(pod) ?? (cache.synced ? 'its pod no longer exists in the cluster (deleted while the daemon was not watching)' : undefined);
  }

  exec(handle: ProviderHandle, req: ExecRequest): RunningCommand {
    const { cluster, namespace, pod } = this.target(handle);
    const base = cluster.server.replace(/^http/, 'ws');
    const target = { base, namespace, pod, wsOptions: () => cluster.wsOptions() };
    return new PodCommand(target, req, async (argv) => {
      const k = new PodCommand(target, { argv, env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' }, cwd: '/' }, async () => undefined);
      k.stdin.end();
      k.stdout.resume();
      k.stderr?.resume();
      await k.exited.catch((err: unknown) => this.opts.log.warn({ pod, err: errorMessage(err) }, 'cannot signal a command in a pod'));
    });
  }

  /** Runs a command to its end; fails with its stderr when it exits non-zero. */
  private async run(handle: ProviderHandle, argv: string[], input?: NodeJS.ReadableStream, output?: NodeJS.WritableStream, what = argv.slice(0, 3).join(' ')): Promise<void> {
    const cmd = this.exec(handle, { argv, env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', LC_ALL: 'C' }, cwd: '/' });
    let stderr = '';
    cmd.stderr?.on('data', (d: Buffer) => { if (stderr.length < 4096) stderr += d.toString(); });
    if (output) cmd.stdout.pipe(output);
    else cmd.stdout.resume();
    cmd.stdin.on('error', () => undefined); // The command failed early: its exit says why.
    if (input) input.pipe(cmd.stdin);
    else cmd.stdin.end();
    const r = await cmd.exited;
    if (r.exitCode !== 0) throw new GodelError('PROVIDER_FAILED', `${what} in the pod failed (${r.signal || `exit code ${r.exitCode}`}): ${stderr.trim()}`);
  }

  /** Kills every process in the pod but its first (which keeps it running), so that its files stay. */
  async stop(_id: string, handle: ProviderHandle | undefined): Promise<void> {
    if (!handle || !this.isAlive(handle)) return;
    await this.run(handle, ['/bin/sh', '-c', 'kill -KILL -1 2>/dev/null; exit 0']);
  }

  async destroy(id: string, handle: ProviderHandle | undefined): Promise<void> {
    if (handle) {
      const { cluster, namespace, pod } = this.target(handle);
      if (this.lost.delete(pod)) return;
      await this.deletePod(cluster, namespace, pod);
      return;
    }
    // A boot a crash cut short: the pod, if it was created, is in a cache by its name.
    for (const c of this.clusters.values()) {
      for (const cache of c.allCaches()) if (cache.pods.has(id)) await this.deletePod(c, cache.namespace, id);
    }
  }

  private async deletePod(c: Cluster, namespace: string, name: string): Promise<void> {
    const cache = c.cache(namespace);
    // Said before the DELETED event arrives, so that the watch does not take it for a deletion behind our back.
    cache.gone.set(name, 'deleted by godeld');
    try {
      await withTimeout(c.deletePod(namespace, name), CALL_TIMEOUT_MS);
    } catch (err) {
      if (httpCode(err) !== 404) {
        cache.gone.delete(name);
        throw clusterError(err, `deleting pod ${name}`, c.server);
      }
    }
  }

  /** A tar of /workspace taken through the pod with its processes stopped (pod-snapshot.ts), unpacked into `dest`; frozenMs is how long that took. */
  async captureFilesystem(id: string, handle: ProviderHandle, dest: string): Promise<{ frozenMs: number }> {
    if (!this.isAlive(handle)) throw new GodelError('SANDBOX_DEAD', `sandbox ${id} is not running`);
    mkdirSync(dest, { recursive: true, mode: 0o700 });
    const untar = spawn('tar', ['-x', '-f', '-', '-C', dest, '--no-same-owner'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let untarErr = '';
    untar.stderr!.on('data', (d: Buffer) => { untarErr += d.toString(); });
    const untarDone = new Promise<number>((resolve) => untar.on('close', (code) => resolve(code ?? 1)));
    const started = process.hrtime.bigint();
    try {
      await this.run(handle, ['/bin/sh', '-c', SNAPSHOT_SCRIPT, 'godel-snapshot', WORKSPACE], undefined, untar.stdin!, `tar of ${WORKSPACE}`);
    } catch (err) {
      untar.kill('SIGKILL');
      throw err;
    }
    const frozenMs = Number(process.hrtime.bigint() - started) / 1e6;
    if ((await untarDone) !== 0) throw new GodelError('PROVIDER_FAILED', `unpacking the pod's /workspace failed: ${untarErr.trim()}`);
    return { frozenMs };
  }

  async restoreFilesystem(_id: string, handle: ProviderHandle, src: string): Promise<void> {
    const pack = spawn('tar', ['-c', '-f', '-', '-C', src, '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let packErr = '';
    pack.stderr!.on('data', (d: Buffer) => { packErr += d.toString(); });
    const packed = new Promise<number>((resolve) => pack.on('close', (code) => resolve(code ?? 1)));
    await this.run(handle, ['tar', '-x', '-f', '-', '-C', WORKSPACE, '--no-same-owner'], pack.stdout!);
    if ((await packed) !== 0) throw new GodelError('PROVIDER_FAILED', `packing the snapshot failed: ${packErr.trim()}`);
  }

  /** Deletes this node's pods that the store does not know (a crash between create and record, or a lost record). */
  async reapOrphans(knownIds: ReadonlySet<string>): Promise<string[]> {
    const reaped: string[] = [];
    for (const c of this.clusters.values()) {
      for (const cache of c.allCaches()) {
        if (!cache.synced) continue;
        for (const name of [...cache.pods.keys()]) {
          if (knownIds.has(name)) continue;
          await this.deletePod(c, cache.namespace, name).then(() => reaped.push(name),
            (err: unknown) => this.opts.log.error({ pod: name, err: errorMessage(err) }, 'cannot delete an orphan pod'));
        }
      }
    }
    return reaped;
  }

  async close(): Promise<void> {
    clearInterval(this.probeTimer);
    for (const c of this.clusters.values()) c.stop();
  }
}
