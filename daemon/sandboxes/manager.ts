// The sandbox manager owns every sandbox record and its lifecycle: warm handoff and cold boot, delete,
// TTL expiry, liveness, and reconciliation with what actually runs when the daemon starts. Each
// transition is written to the store (with its event) before it is acknowledged or announced.
import { EventEmitter } from 'node:events';
import type { PoolTargets, Template } from '../config/config.js';
import { GodelError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { WarmPool, type PoolStatus } from '../pool/warm-pool.js';
import type { BootOverrides, BootPriority, Provider, ResourceEvent, SandboxUsage } from '../providers/provider.js';
import { SCHEMA_VERSION, type EventRecord, type NewEvent, type SandboxRecord, type Store } from '../store/store.js';
import { validateTemplateName } from '../validation.js';
import { newId } from '../ids.js';
import { PolicyError, describePolicy, isAllowList, narrow, type NetworkMode, type NetworkPolicy } from '../egress/policy.js';

/** Where sandboxes with an allow list get their way out: the egress proxy (daemon/egress/egress-manager.ts). */
export interface EgressEnforcer {
  register(sandboxId: string, policy: NetworkPolicy): Promise<void>;
  /** Stops serving a sandbox that is gone; a proxy that cannot be told forgets it at the next sync. */
  unregister(sandboxId: string): Promise<void>;
  /** Stops serving a sandbox that stays (narrowed to no network); fails unless the proxy has let go of it. */
  withdraw(sandboxId: string): Promise<void>;
  sync(policies: ReadonlyMap<string, NetworkPolicy>): Promise<void>;
}


export interface CreateRequest {
  template: string;
  labels: Record<string, string>;
  env: Record<string, string>;
  /** 0 (or unset) takes the template's default for each of these. */
  ttlSeconds: number;
  idleTimeoutSeconds?: number;
  maxLifetimeSeconds?: number;
  expiryPolicy?: 'DELETE' | 'STOP';
  /** Runs on the sandbox before it is handed out (e.g. fills its filesystem); a failure discards it. */
  prepare?: (sandbox: SandboxRecord, provider: Provider) => Promise<void>;
  /** Boot-time changes for this sandbox alone: it is booted for the request, never taken from the pool. */
  overrides?: BootOverrides;
  /** A machine capture to restore instead of a boot (a memory snapshot): never taken from the pool either. */
  restoreFrom?: string;
  gitRepo?: string;
  /** Narrows the template's allow list for this sandbox, or takes its network away ('none': loopback only). */
  network?: { allow: string[]; deny: string[] } | 'none';
}

export interface SandboxEventNotice {
  event: EventRecord;
  sandbox: SandboxRecord;
}

export interface PoolChange {
  minIdle?: number;
  maxTotal?: number;
  maxAgeSeconds?: number;
}

const SWEEP_INTERVAL_MS = 1000;
/** Idle sandboxes tried for one handoff before a cold boot. */
const MAX_HANDOFF_ATTEMPTS = 3;
/** The provider a sandbox with a corrupt record is taken to be of: the record no longer says. */
const DEFAULT_PROVIDER = 'process';
/** Backoff between attempts to remove a sandbox that was never handed out and whose removal failed. */
const REMOVAL_RETRY_MIN_MS = 1000;
const REMOVAL_RETRY_MAX_MS = 30_000;

/** A sandbox that was never handed out, whose removal at its provider failed: retried from the sweep until it goes. */
interface Leftover {
  /** Why it was being removed. */
  reason: string;
  attempts: number;
  nextAt: number;
}

export class SandboxManager {
  /** Every sandbox this daemon owns, idle in a pool or claimed. */
  private readonly records = new Map<string, SandboxRecord>();
  private readonly pools = new Map<string, WarmPool>();
  private readonly deleting = new Map<string, Promise<void>>();
  /** Never handed out, FAILED because their provider could not remove them; by sandbox id. */
  private readonly leftovers = new Map<string, Leftover>();
  /** Pool boots under way below normal priority, by sandbox id (promote raises them). */
  private readonly backgroundBoots = new Map<string, SandboxRecord>();
  private readonly bootsInFlight = new Set<Promise<unknown>>();
  private readonly events = new EventEmitter();
  /** Called after a sandbox is destroyed, for clean-up owned elsewhere (a git worktree). */
  private readonly removedHooks: Array<(rec: SandboxRecord) => Promise<void>> = [];
  private readonly createdHooks: Array<(source: 'warm' | 'cold', template: string, seconds: number) => void> = [];
  private readonly claimedHooks: Array<(provider: string, seconds: number) => void> = [];
  /** When each handed-out sandbox was last seen in use; kept in memory (a restart restarts idle clocks). */
  private readonly lastActive = new Map<string, number>();
  private busy: (sandboxId: string) => boolean = () => false;
  private readonly expiring = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly unwatch: Array<() => void> = [];

  constructor(
    private readonly node: string,
    private readonly templates: ReadonlyMap<string, Template>,
    private readonly providers: ReadonlyMap<string, Provider>,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly egress?: EgressEnforcer,
  ) {
    this.events.setMaxListeners(0);
  }

  /** Loads the store, reconciles it with what runs, restores pool targets, and starts the background work. */
  async start(): Promise<void> {
    const overrides = new Map((await this.store.loadPoolSettings()).map((p) => [p.template, p]));
    for (const t of this.templates.values()) {
      const o = overrides.get(t.name);
      const targets: PoolTargets = {
        minIdle: o?.minIdle ?? t.pool.minIdle,
        maxTotal: o?.maxTotal ?? t.pool.maxTotal,
        maxAgeSeconds: o?.maxAgeSeconds ?? t.pool.maxAgeSeconds,
      };
      this.pools.set(t.name, new WarmPool(t, targets, {
        boot: (tpl, priority) => this.boot(tpl, undefined, priority),
        promote: (name) => this.promoteBoots(name),
        discard: (rec, reason) => this.discard(rec, reason),
        total: (name) => this.total(name),
        isAlive: (rec) => this.isAlive(rec),
        log: this.log,
      }));
    }
    await Promise.all([...this.providers.values()].map((p) => p.discover?.()));
    await this.reconcile();
    if (this.egress) {
      const policies = new Map<string, NetworkPolicy>();
      for (const r of this.records.values()) if (isAllowList(r.network) && r.state !== 'STOPPED' && r.state !== 'FAILED') policies.set(r.id, r.network);
      await this.egress.sync(policies);
    }
    for (const p of this.providers.values()) {
      if (p.watchResources) this.unwatch.push(p.watchResources((e) => void this.resourceEvent(e)));
    }
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    for (const pool of this.pools.values()) pool.refill();
  }

  /** Stops background work, waits for boots and deletes under way, and closes the providers. Sandboxes keep running. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweepTimer);
    for (const u of this.unwatch.splice(0)) u();
    await Promise.allSettled([...this.pools.values()].map((p) => p.stop()));
    await Promise.allSettled([...this.bootsInFlight, ...this.deleting.values()]);
    await Promise.allSettled([...this.providers.values()].map((p) => p.close?.()));
    this.events.removeAllListeners();
  }

  template(name: string): Template {
    const t = this.templates.get(validateTemplateName(name));
    if (!t) {
      throw new GodelError('TEMPLATE_NOT_FOUND', `template "${name}" is not defined on this daemon (defined: ${[...this.templates.keys()].join(', ')})`);
    }
    return t;
  }

  async create(req: CreateRequest): Promise<SandboxRecord> {
    const started = process.hrtime.bigint();
    const rec = await this.createInner(req);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const hook of this.createdHooks) hook(rec.fromWarmPool ? 'warm' : 'cold', rec.template, seconds);
    return rec;
  }

  private async createInner(req: CreateRequest): Promise<SandboxRecord> {
    if (this.stopping) throw new GodelError('SHUTTING_DOWN', 'the daemon is shutting down');
    const template = this.template(req.template);
    const provider = this.provider(template.spec.provider);
    const pool = this.pools.get(template.name)!;
    const network = this.networkFor(template, req);
    // A sandbox on the host's network cannot be taken off it: one without network is booted for the request.
    const coldOnly = network === 'none' && template.spec.network === 'host';
    // An idle sandbox that another daemon claimed first (a pod in a namespace two daemons share) is
    // dropped and the next one tried: a few times, then a cold boot.
    for (let attempt = 0; attempt < MAX_HANDOFF_ATTEMPTS; attempt++) {
      const warm = req.overrides || req.restoreFrom || coldOnly ? undefined : pool.take();
      if (!warm) break;
      // The provider's claim (a round trip to a pod's API server) runs beside the store's synced write of
      // the claimed record, not before it: neither waits for the other, and the client hears of the
      // sandbox once both hold. A crash between the two leaves a record and a provider that disagree, and
      // no client told: adoption gives such a sandbox back to its pool (reconcileOne). With a prepare
      // step the claim comes first, as the prepare works in the sandbox before anything is stored.
      const claimBeside = !!provider.claim && !req.prepare;
      if (provider.claim && !claimBeside) {
        try {
          await this.claimAtProvider(provider, warm);
        } catch (err) {
          this.claimFailed(warm, err, false);
          pool.refillSoon();
          continue;
        }
      }
      // Without a prepare step, the client hears of the sandbox once its claim is durable (and a narrowed
      // network policy is in force at the egress proxy, before the client can use the sandbox), and no
      // later: the provider's part of the handoff (the priority of a pool sandbox's own processes, back up
      // from SCHED_IDLE) is a round trip through its launch helper, a process that a busy machine schedules
      // when it will, and nothing the client does next waits for it (commands it runs are started by the
      // daemon, at the daemon's priority; a VM's clock sync is queued to its agent, before the response,
      // ahead of anything the client sends). With a prepare step, the sandbox is prepared at full priority first.
      // Narrowed to nothing, it leaves the proxy (its forwarder inside then reaches no socket); narrowed to less, the proxy holds it to less.
      const narrow = (): Promise<void> | undefined => (network === template.spec.network || !isAllowList(template.spec.network) ? undefined
        : isAllowList(network) ? this.egress?.register(warm.id, network) : this.egress?.withdraw(warm.id));
      if (req.prepare) {
        try {
          await provider.handedOut?.(warm.id, warm.handle!);
          await narrow();
          await req.prepare(warm, provider);
        } catch (err) {
          this.discard(warm, 'preparing it failed').catch((e: unknown) => {
            this.log.error({ sandbox: warm.id, err: errorMessage(e) }, 'cannot discard a sandbox that failed to prepare');
          });
          throw err;
        }
      }
      this.claim(warm, req, true);
      const [claimedAtProvider, narrowedAtProxy, stored] = await Promise.allSettled([
        claimBeside ? this.claimAtProvider(provider, warm) : undefined,
        req.prepare ? undefined : narrow(),
        this.store.putSandbox(warm, { type: 'claimed' }),
      ]);
      if (claimedAtProvider.status === 'rejected') {
        // Never acknowledged, nor announced; the record may already be stored as claimed, so its end is stored too.
        this.claimFailed(warm, claimedAtProvider.reason, stored.status === 'fulfilled');
        pool.refillSoon();
        continue;
      }
      if (stored.status === 'rejected') {
        // The claim is not durable, so it is not acknowledged; the sandbox is not handed to anyone else either.
        this.discard(warm, 'claim could not be stored').catch((e: unknown) => {
          this.log.error({ sandbox: warm.id, err: errorMessage(e) }, 'cannot discard a sandbox whose claim failed');
        });
        throw stored.reason;
      }
      if (stored.value) this.announce(stored.value, warm);
      if (narrowedAtProxy.status === 'rejected') {
        // Stored as claimed, but never acknowledged: it is deleted as a claimed sandbox is, events and all.
        this.delete(warm.id, 'its network policy could not be put in force').catch((e: unknown) => {
          this.log.error({ sandbox: warm.id, err: errorMessage(e) }, 'cannot delete a sandbox whose handoff failed');
        });
        throw narrowedAtProxy.reason;
      }
      if (!req.prepare) provider.handedOut?.(warm.id, warm.handle!).catch((err: unknown) => this.handoffFailed(warm, err));
      // Refill after the response is on its way: the handoff path does no boot work.
      pool.refillSoon();
      return warm;
    }
    if (this.total(template.name) >= pool.targets.maxTotal) {
      throw new GodelError('POOL_EXHAUSTED', `template "${template.name}" is at its max_total of ${pool.targets.maxTotal} sandboxes and none is idle; delete some or raise it with 'godelctl pool set ${template.name} --max-total N'`);
    }
    const st = provider.status();
    if (!st.available) throw new GodelError('PROVIDER_UNAVAILABLE', `provider ${provider.name} cannot run here: ${st.message}`);
    const rec = await this.boot(template, req);
    pool.refill();
    return rec;
  }

  get(id: string): SandboxRecord {
    const rec = this.records.get(id);
    if (!rec || !rec.claimed) throw new GodelError('SANDBOX_NOT_FOUND', `no sandbox with id ${id}`);
    return rec;
  }

  list(selector: Record<string, string>, template: string): SandboxRecord[] {
    return [...this.records.values()]
      .filter((r) => r.claimed && (!template || r.template === template))
      .filter((r) => Object.entries(selector).every(([k, v]) => r.labels[k] === v))
      .sort((a, b) => (a.claimedAt ?? 0) - (b.claimedAt ?? 0));
  }

  /** Kills the sandbox's processes, removes its files and its record. Concurrent deletes share one. */
  delete(id: string, reason = 'deleted'): Promise<void> {
    const rec = this.get(id);
    const pending = this.deleting.get(id);
    if (pending) return pending;
    const p = this.destroy(rec, reason).finally(() => this.deleting.delete(id));
    this.deleting.set(id, p);
    return p;
  }

  /** Room for `count` more sandboxes of a template, or POOL_EXHAUSTED. */
  requireCapacity(templateName: string, count: number): void {
    const pool = this.pool(templateName);
    const free = pool.targets.maxTotal - this.total(templateName) + pool.status().idle;
    if (count > free) {
      throw new GodelError('POOL_EXHAUSTED', `template "${templateName}" has room for ${Math.max(0, free)} more sandboxes (max_total ${pool.targets.maxTotal}), not ${count}`);
    }
  }

  /** The sandbox and provider to run a command in; fails when the sandbox is not running. */
  runnable(id: string): { sandbox: SandboxRecord; provider: Provider } {
    const rec = this.get(id);
    if (rec.state === 'READY' && !this.isAlive(rec)) void this.markFailed(rec, this.deathReason(rec, 'its processes exited unexpectedly'));
    if (rec.state === 'FAILED') {
      throw new GodelError('SANDBOX_DEAD', `sandbox ${id} has failed (${rec.statusMessage ?? 'unknown reason'}); delete it and create another`);
    }
    if (rec.state !== 'READY') throw new GodelError('SANDBOX_NOT_READY', `sandbox ${id} is ${rec.state}, not READY`);
    return { sandbox: rec, provider: this.provider(rec.provider) };
  }

  pool(name: string): WarmPool {
    this.template(name);
    return this.pools.get(name)!;
  }

  poolStatuses(): PoolStatus[] {
    return [...this.pools.values()].map((p) => p.status());
  }

  claimedCount(template: string): number {
    let n = 0;
    for (const r of this.records.values()) if (r.claimed && r.template === template && r.state !== 'STOPPING') n++;
    return n;
  }

  async setPool(name: string, change: PoolChange): Promise<PoolStatus> {
    const pool = this.pool(name);
    const targets: PoolTargets = {
      minIdle: change.minIdle ?? pool.targets.minIdle,
      maxTotal: change.maxTotal ?? pool.targets.maxTotal,
      maxAgeSeconds: change.maxAgeSeconds ?? pool.targets.maxAgeSeconds,
    };
    if (targets.maxTotal < 1 || targets.maxTotal > 100_000 || targets.minIdle > 10_000 || targets.maxAgeSeconds > 10 ** 9) {
      throw new GodelError('INVALID_POOL_SETTINGS', 'max_total must be 1..100000, min_idle at most 10000, max_age_seconds at most 1e9');
    }
    if (targets.minIdle > targets.maxTotal) {
      throw new GodelError('INVALID_POOL_SETTINGS', `min_idle (${targets.minIdle}) cannot exceed max_total (${targets.maxTotal})`);
    }
    await this.store.putPoolSettings({ v: SCHEMA_VERSION, template: name, ...targets });
    pool.setTargets(targets);
    this.log.info({ template: name, ...targets }, 'pool targets changed');
    return pool.status();
  }

  countsByStateAndProvider(): Array<{ state: string; provider: string; count: number }> {
    const m = new Map<string, { state: string; provider: string; count: number }>();
    for (const r of this.records.values()) {
      if (!r.claimed) continue;
      const key = `${r.state}/${r.provider}`;
      const e = m.get(key) ?? { state: r.state, provider: r.provider, count: 0 };
      e.count++;
      m.set(key, e);
    }
    return [...m.values()];
  }

  /** Reports each successful Create: warm (handoff) or cold (boot), and how long it took. */
  onCreated(hook: (source: 'warm' | 'cold', template: string, seconds: number) => void): void {
    this.createdHooks.push(hook);
  }

  /** Called with how long a provider's claim of a pool sandbox took (a pod's is a round trip to its API server). */
  onClaimed(hook: (provider: string, seconds: number) => void): void {
    this.claimedHooks.push(hook);
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.records.values()) if (r.claimed) out[r.state] = (out[r.state] ?? 0) + 1;
    return out;
  }

  onRemoved(hook: (rec: SandboxRecord) => Promise<void>): void {
    this.removedHooks.push(hook);
  }

  onEvent(listener: (n: SandboxEventNotice) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  private provider(name: string): Provider {
    const p = this.providers.get(name);
    if (!p) throw new GodelError('PROVIDER_UNAVAILABLE', `provider "${name}" is not available on this daemon`);
    return p;
  }

  /** Sandboxes of a template that count against max_total: all but those being torn down. */
  private total(template: string): number {
    let n = 0;
    for (const r of this.records.values()) if (r.template === template && r.state !== 'STOPPING') n++;
    return n;
  }

  /** The provider's account of why a sandbox is gone, where it has one, else `fallback`. */
  private deathReason(rec: SandboxRecord, fallback: string): string {
    const p = this.providers.get(rec.provider);
    return (rec.handle && p?.deathReason?.(rec.handle)) || fallback;
  }

  private isAlive(rec: SandboxRecord): boolean {
    const p = this.providers.get(rec.provider);
    return !!p && !!rec.handle && p.isAlive(rec.handle);
  }

  /**
   * The network a sandbox created by `req` gets: its template's, a narrower allow list, or none at all
   * ('none': loopback only, no proxy). A request that names entries the template does not allow is
   * refused, as is a list for a template without an allow list.
   */
  private networkFor(template: Template, req: CreateRequest | undefined): NetworkMode {
    const mode = template.spec.network;
    const ask = req?.network;
    if (ask === 'none') return 'none';
    const asks = !!ask && (ask.allow.length > 0 || ask.deny.length > 0);
    if (!isAllowList(mode)) {
      if (asks && mode === 'none') throw new GodelError('NETWORK_POLICY_WIDENED', `template "${template.name}" has no network: a sandbox of it cannot be allowed any`);
      if (asks) throw new GodelError('NOT_SUPPORTED', `template "${template.name}" uses the host's network, which has no allow list to narrow; use a template with one (or ask for no network)`);
      return mode;
    }
    if (!asks) return mode;
    let result: ReturnType<typeof narrow>;
    try {
      result = narrow(mode, ask.allow, ask.deny);
    } catch (err) {
      if (err instanceof PolicyError) throw new GodelError('INVALID_NETWORK_POLICY', err.message);
      throw err;
    }
    if (result.widens.length) {
      throw new GodelError('NETWORK_POLICY_WIDENED', `network.allow may only narrow template "${template.name}"'s policy (${describePolicy(mode)}); not within it: ${result.widens.join(', ')}`);
    }
    return result.policy;
  }

  private claim(rec: SandboxRecord, req: CreateRequest, fromWarmPool: boolean): void {
    const now = Date.now();
    const template = this.templates.get(rec.template)!;
    const defaults = template.lifecycle;
    rec.network = this.networkFor(template, req);
    rec.claimed = true;
    rec.fromWarmPool = fromWarmPool;
    rec.labels = req.labels;
    rec.env = req.env;
    rec.ttlSeconds = req.ttlSeconds || defaults.ttlSeconds;
    rec.claimedAt = now;
    if (rec.ttlSeconds > 0) rec.expiresAt = now + rec.ttlSeconds * 1000;
    rec.idleTimeoutSeconds = req.idleTimeoutSeconds || defaults.idleTimeoutSeconds;
    const maxLifetime = req.maxLifetimeSeconds || defaults.maxLifetimeSeconds;
    if (maxLifetime > 0) rec.maxLifetimeAt = now + maxLifetime * 1000;
    rec.expiryPolicy = req.expiryPolicy ?? defaults.policy;
    this.lastActive.set(rec.id, now);
  }

  /** Moves the TTL deadline to `seconds` from now; 0 removes it. */
  async setTtl(id: string, seconds: number): Promise<SandboxRecord> {
    const rec = this.get(id);
    rec.ttlSeconds = seconds;
    rec.expiresAt = seconds > 0 ? Date.now() + seconds * 1000 : undefined;
    await this.persist(rec, { type: 'ttl', message: seconds > 0 ? `expires in ${seconds} s` : 'no ttl' });
    return rec;
  }

  /** Stops every vCPU of the sandbox (state PAUSED) where its provider can. */
  async pause(id: string): Promise<SandboxRecord> {
    const { sandbox: rec, provider } = this.runnable(id);
    if (!provider.pause || !provider.capabilities.includes('pause')) {
      throw new GodelError('NOT_SUPPORTED', `the ${provider.name} provider cannot pause sandboxes`);
    }
    await provider.pause(rec.id, rec.handle!);
    rec.state = 'PAUSED';
    await this.persist(rec, { type: 'paused' });
    return rec;
  }

  /** What a ready sandbox uses now, as its provider measures it; NOT_SUPPORTED where the provider cannot. */
  async usage(id: string): Promise<SandboxUsage | undefined> {
    const { sandbox: rec, provider } = this.runnable(id);
    if (!provider.usage) throw new GodelError('NOT_SUPPORTED', `the ${provider.name} provider does not measure its sandboxes' CPU, memory and disk use`);
    return provider.usage(rec.id, rec.handle!);
  }

  async resume(id: string): Promise<SandboxRecord> {
    const rec = this.get(id);
    if (rec.state !== 'PAUSED') throw new GodelError('SANDBOX_NOT_READY', `sandbox ${id} is ${rec.state}, not PAUSED`);
    const provider = this.provider(rec.provider);
    if (!this.isAlive(rec)) {
      await this.markFailed(rec, 'its processes exited while it was paused');
      throw new GodelError('SANDBOX_DEAD', `sandbox ${id} died while paused; delete it and create another`);
    }
    await provider.resume!(rec.id, rec.handle!);
    rec.state = 'READY';
    await this.persist(rec, { type: 'resumed' });
    return rec;
  }

  /** How the sweep learns that a sandbox is in use (a command running or a client attached to a session). */
  setBusyProbe(probe: (sandboxId: string) => boolean): void {
    this.busy = probe;
  }

  /** Kills the sandbox's processes but keeps its files and record (the STOP expiry policy). */
  private async stopSandbox(rec: SandboxRecord, reason: string): Promise<void> {
    await this.provider(rec.provider).stop(rec.id, rec.handle);
    if (isAllowList(rec.network)) await this.egress?.unregister(rec.id);
    rec.state = 'STOPPED';
    rec.statusMessage = reason;
    await this.persist(rec, { type: 'stopped', message: reason });
    this.log.info({ sandbox: rec.id, template: rec.template, reason }, 'sandbox stopped');
  }

  /** The template's refills under way get this priority (their pool runs low, or they were starved). */
  private promoteBoots(template: string): void {
    for (const [id, rec] of this.backgroundBoots) {
      if (rec.template !== template) continue;
      this.provider(rec.provider).promote?.(id).catch((err: unknown) => {
        // It boots on at idle priority, which only slows the refill.
        this.log.warn({ sandbox: id, template, err: errorMessage(err) }, 'cannot raise the priority of a pool boot');
      });
    }
  }

  /** Boots one sandbox: recorded as CREATING first, so a crash mid-boot leaves a trace to clean up. */
  private boot(template: Template, claim?: CreateRequest, priority: BootPriority = 'normal'): Promise<SandboxRecord> {
    const p = this.bootInner(template, claim, priority);
    this.bootsInFlight.add(p);
    return p.finally(() => this.bootsInFlight.delete(p));
  }

  private async bootInner(template: Template, claim: CreateRequest | undefined, priority: BootPriority): Promise<SandboxRecord> {
    const provider = this.provider(template.spec.provider);
    const rec: SandboxRecord = {
      v: SCHEMA_VERSION, id: newId('sb', this.node), template: template.name, specHash: template.specHash, provider: provider.name,
      node: this.node, state: 'CREATING', claimed: false, fromWarmPool: false, labels: {}, env: {}, ttlSeconds: 0,
      createdAt: Date.now(),
    };
    this.records.set(rec.id, rec);
    const network = this.networkFor(template, claim);
    rec.network = network;
    // Booted without network when asked for none: no forwarder, no proxy sockets. A machine restored from a
    // capture keeps the devices it was captured with (a VM's egress port, left with nothing to reach).
    const spec = network === 'none' && template.spec.network !== 'none' && !claim?.restoreFrom ? { ...template.spec, network } : template.spec;
    try {
      await this.store.putSandbox(rec);
      // Its way out exists before it does: the forwarder inside finds the proxy's sockets from the start.
      if (isAllowList(network)) await this.requireEgress().register(rec.id, network);
      if (priority !== 'normal') this.backgroundBoots.set(rec.id, rec);
      try {
        rec.handle = await provider.boot({ id: rec.id, spec, priority, overrides: claim?.overrides, restoreFrom: claim?.restoreFrom, claimed: !!claim });
      } finally {
        this.backgroundBoots.delete(rec.id);
      }
      if (claim?.gitRepo) rec.gitRepo = claim.gitRepo;
      if (claim?.prepare) await claim.prepare(rec, provider);
    } catch (err) {
      this.records.delete(rec.id);
      if (isAllowList(network)) await this.egress?.unregister(rec.id);
      await provider.destroy(rec.id, rec.handle).catch((e: unknown) => this.log.error({ sandbox: rec.id, err: errorMessage(e) }, 'cleanup after a failed boot failed'));
      await this.store.removeSandbox(rec).catch((e: unknown) => this.log.error({ sandbox: rec.id, err: errorMessage(e) }, 'cannot remove the record of a failed boot'));
      throw err;
    }
    rec.state = 'READY';
    rec.readyAt = Date.now();
    if (claim) this.claim(rec, claim, false);
    await this.persist(rec, { type: claim ? 'claimed' : 'ready' });
    this.log.info({ sandbox: rec.id, template: rec.template, claimed: rec.claimed, bootMs: rec.readyAt - rec.createdAt }, 'sandbox booted');
    return rec;
  }

  private async destroy(rec: SandboxRecord, reason: string): Promise<void> {
    const retry = rec.removing !== undefined;
    rec.state = 'STOPPING';
    if (!retry) await this.persist(rec, { type: 'deleting', message: reason });
    try {
      await this.provider(rec.provider).destroy(rec.id, rec.handle);
    } catch (err) {
      await this.deleteFailed(rec, reason, err);
      throw err;
    }
    if (isAllowList(rec.network)) await this.egress?.unregister(rec.id);
    for (const hook of this.removedHooks) await hook(rec);
    rec.state = 'STOPPED';
    this.records.delete(rec.id);
    this.lastActive.delete(rec.id);
    const ev = await this.store.removeSandbox(rec, { type: 'deleted', message: reason });
    if (ev) this.announce(ev, rec);
    this.log.info({ sandbox: rec.id, template: rec.template, reason }, 'sandbox deleted');
    this.pools.get(rec.template)?.refillSoon();
  }

  /**
   * Removes an idle sandbox that was never handed out. Where its provider cannot remove it (a pod whose
   * delete the API server refused), it is not left half-way in STOPPING: it is recorded FAILED, with why
   * as an event, and its removal is retried from the sweep until it goes.
   */
  private async discard(rec: SandboxRecord, reason: string, event?: NewEvent): Promise<void> {
    rec.state = 'STOPPING';
    this.lastActive.delete(rec.id);
    const provider = this.providers.get(rec.provider);
    try {
      if (provider) await provider.destroy(rec.id, rec.handle);
    } catch (err) {
      await this.removalFailed(rec, reason, err);
      return;
    }
    if (isAllowList(rec.network)) await this.egress?.unregister(rec.id);
    this.records.delete(rec.id);
    await this.store.removeSandbox(rec, event);
    this.log.info({ sandbox: rec.id, template: rec.template, reason }, 'idle sandbox discarded');
  }

  /**
   * Its provider could not remove a sandbox that no client was given. Whatever a handoff had put on it
   * (labels, deadlines, the claim) goes: it is listed to no one, and counts against its template's
   * max_total while it still exists at the provider.
   */
  private async removalFailed(rec: SandboxRecord, reason: string, err: unknown): Promise<void> {
    const message = `never handed out: ${reason}; removing it failed: ${errorMessage(err)} (retried until it goes)`;
    const failed: SandboxRecord = { ...this.unclaimedRecord(rec), network: rec.network, state: 'FAILED', statusMessage: message };
    this.records.set(failed.id, failed);
    const prior = this.leftovers.get(failed.id);
    const attempts = (prior?.attempts ?? 0) + 1;
    this.leftovers.set(failed.id, { reason, attempts, nextAt: Date.now() + Math.min(REMOVAL_RETRY_MAX_MS, REMOVAL_RETRY_MIN_MS * 2 ** (attempts - 1)) });
    this.log.warn({ sandbox: failed.id, template: failed.template, attempts, err: errorMessage(err) }, 'cannot remove a sandbox that was never handed out; retrying');
    // One event for the failure, not one per attempt.
    if (!prior) await this.store.putSandbox(failed, { type: 'failed', message });
  }

  /**
   * Its provider could not remove a sandbox a client deleted (a pod whose delete the API server refused,
   * a VM that would not die). It is not left half-way in STOPPING: it is FAILED with why, still listed to
   * its owner, and its removal is retried from the sweep until it goes (across a restart too); a delete
   * again tries at once. One event for the failure, not one per attempt.
   */
  private async deleteFailed(rec: SandboxRecord, reason: string, err: unknown): Promise<void> {
    const prior = this.leftovers.get(rec.id);
    const attempts = (prior?.attempts ?? 0) + 1;
    this.leftovers.set(rec.id, { reason, attempts, nextAt: Date.now() + Math.min(REMOVAL_RETRY_MAX_MS, REMOVAL_RETRY_MIN_MS * 2 ** (attempts - 1)) });
    this.log.warn({ sandbox: rec.id, template: rec.template, attempts, err: errorMessage(err) }, 'cannot remove a deleted sandbox; retrying');
    const first = rec.removing === undefined;
    rec.state = 'FAILED';
    rec.removing = reason;
    rec.statusMessage = `${reason}, but removing it failed: ${errorMessage(err)} (retried until it goes; delete it again to retry now)`;
    await this.persist(rec, first ? { type: 'failed', message: rec.statusMessage } : undefined);
  }

  /** Tries again to remove the sandboxes whose removal failed, each on its own backoff. */
  private retryRemovals(now: number): void {
    for (const [id, left] of this.leftovers) {
      const rec = this.records.get(id);
      if (!rec) {
        this.leftovers.delete(id);
        continue;
      }
      if (left.nextAt > now || this.deleting.has(id)) continue;
      // A sandbox a client deleted keeps its delete's reason; one never handed out goes as it came.
      const removal = rec.removing !== undefined
        ? this.destroy(rec, rec.removing).catch(() => undefined) // Failed again: still a leftover, recorded by deleteFailed.
        : this.discard(rec, left.reason, { type: 'deleted', message: `never handed out: ${left.reason}; removed on attempt ${left.attempts + 1}` });
      const p = removal
        .then(() => {
          if (this.records.has(id)) return; // Failed again: still a leftover, with a longer wait.
          this.leftovers.delete(id);
          this.pools.get(rec.template)?.refillSoon();
        })
        .catch((err: unknown) => this.log.error({ sandbox: id, err: errorMessage(err) }, 'cannot record the removal of a sandbox'))
        .finally(() => this.deleting.delete(id));
      this.deleting.set(id, p);
    }
  }

  /**
   * The provider's part of a handoff failed after the client heard of the sandbox: the sandbox runs, but
   * not as a claimed one should (its own processes left at idle priority). It is marked FAILED with why,
   * so that its owner sees it and deletes it, rather than working on in a sandbox that starves.
   */
  private handoffFailed(rec: SandboxRecord, err: unknown): void {
    if (!this.records.has(rec.id) || this.deleting.has(rec.id)) return; // Deleted meanwhile: nothing to report.
    void this.markFailed(rec, `handing it out failed: ${errorMessage(err)}`);
  }

  /** The provider's claim of an idle pool sandbox, timed for the claim duration metric. */
  private async claimAtProvider(provider: Provider, rec: SandboxRecord): Promise<void> {
    const started = process.hrtime.bigint();
    await provider.claim!(rec.id, rec.handle!);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const hook of this.claimedHooks) hook(provider.name, seconds);
  }

  /**
   * An idle sandbox whose claim failed (someone else's now, or its provider unreachable) is dropped and
   * the handoff tries the next one. Where its claimed record was already stored, its end is stored too,
   * so that the history says what became of it; no client heard of it either way.
   */
  private claimFailed(rec: SandboxRecord, err: unknown, storedClaimed: boolean): void {
    const why = `claiming it failed: ${errorMessage(err)}`;
    this.log.warn({ sandbox: rec.id, err: errorMessage(err) }, 'claiming an idle sandbox failed; trying another');
    this.discard(rec, why, storedClaimed ? { type: 'deleted', message: `never handed out: ${why}` } : undefined).catch((e: unknown) => {
      this.log.error({ sandbox: rec.id, err: errorMessage(e) }, 'cannot discard a sandbox whose claim failed');
    });
  }

  private async markFailed(rec: SandboxRecord, message: string): Promise<void> {
    if (rec.state === 'FAILED') return;
    rec.state = 'FAILED';
    rec.statusMessage = message;
    this.log.warn({ sandbox: rec.id, template: rec.template, reason: message }, 'sandbox failed');
    await this.persist(rec, { type: 'failed', message }).catch((err: unknown) => {
      this.log.error({ sandbox: rec.id, err: errorMessage(err) }, 'cannot store a sandbox failure');
    });
  }

  /** An OOM kill or a refused fork: the sandbox carries on, and the event says what its limits did. */
  private async resourceEvent(e: ResourceEvent): Promise<void> {
    const rec = this.records.get(e.sandboxId);
    if (!rec || this.stopping) return;
    this.log.warn({ sandbox: rec.id, template: rec.template, event: e.type }, e.message);
    await this.persist(rec, { type: e.type, message: e.message }).catch((err: unknown) => {
      this.log.error({ sandbox: rec.id, err: errorMessage(err) }, 'cannot store a resource event');
    });
  }

  /** Appends an event about something a sandbox did outside the daemon's calls (its connections); none for a sandbox that is gone. */
  async note(id: string, type: string, message: string): Promise<void> {
    const rec = this.records.get(id);
    if (!rec || this.stopping) return;
    await this.persist(rec, { type, message });
  }

  private requireEgress(): EgressEnforcer {
    if (!this.egress) throw new GodelError('EGRESS_UNAVAILABLE', 'this daemon runs no egress proxy');
    return this.egress;
  }

  private async persist(rec: SandboxRecord, event?: NewEvent): Promise<void> {
    const ev = await this.store.putSandbox(rec, event);
    if (ev) this.announce(ev, rec);
  }

  private announce(event: EventRecord, sandbox: SandboxRecord): void {
    this.events.emit('event', { event, sandbox } satisfies SandboxEventNotice);
  }

  /** Expires TTLs, notices sandboxes that died behind the daemon's back, recycles and refills pools. */
  private sweep(): void {
    if (this.stopping) return;
    const now = Date.now();
    for (const rec of this.records.values()) {
      // One whose removal is being retried is on its own backoff (retryRemovals), not its deadline's.
      if (!rec.claimed || rec.removing !== undefined || this.deleting.has(rec.id) || this.expiring.has(rec.id)) continue;
      if (rec.state === 'READY' && this.busy(rec.id)) this.lastActive.set(rec.id, now);
      const why = this.expiry(rec, now);
      if (why && !(rec.expiryPolicy === 'STOP' && rec.state === 'STOPPED')) {
        this.expiring.add(rec.id);
        const done = rec.expiryPolicy === 'STOP' && rec.state === 'READY' ? this.stopSandbox(rec, why) : this.delete(rec.id, why);
        done.catch((err: unknown) => {
          this.log.error({ sandbox: rec.id, err: errorMessage(err) }, 'cannot expire a sandbox');
        }).finally(() => this.expiring.delete(rec.id));
      } else if (rec.state === 'READY' && !this.isAlive(rec)) {
        void this.markFailed(rec, this.deathReason(rec, 'its processes exited unexpectedly'));
      }
    }
    this.retryRemovals(now);
    for (const pool of this.pools.values()) {
      pool.trim(now);
      pool.refill(now);
    }
  }

  /** Why a handed-out sandbox has expired, or undefined. Deadlines are stored; the idle clock is not. */
  private expiry(rec: SandboxRecord, now: number): string | undefined {
    if (rec.expiresAt && rec.expiresAt <= now) return `ttl of ${rec.ttlSeconds} s expired`;
    if (rec.maxLifetimeAt && rec.maxLifetimeAt <= now) return 'maximum lifetime reached';
    const idle = rec.idleTimeoutSeconds ?? 0;
    if (idle > 0 && rec.state === 'READY') {
      const last = this.lastActive.get(rec.id) ?? now;
      if (!this.lastActive.has(rec.id)) this.lastActive.set(rec.id, now);
      if (now - last >= idle * 1000) return `idle for ${idle} s`;
    }
    return undefined;
  }

  /** Brings the store in line with what runs: adopts live sandboxes, marks dead ones, reaps orphans. */
  private async reconcile(): Promise<void> {
    const started = Date.now();
    const tally = { adopted: 0, pooled: 0, failed: 0, removed: 0, orphans: 0 };
    const { records, corrupt } = await this.store.loadSandboxes();
    for (const id of corrupt) await this.quarantine(id);
    for (const rec of records) {
      try {
        await this.reconcileOne(rec, tally);
      } catch (err) {
        // One sandbox that cannot be cleaned up must not keep the daemon from serving the others: it
        // stays listed as FAILED (if it was handed out) so that a later delete retries, and is retried
        // at the next start otherwise.
        this.log.error({ sandbox: rec.id, state: rec.state, err: errorMessage(err) }, 'cannot reconcile a sandbox; keeping it for a retry');
        if (rec.claimed) {
          rec.state = 'FAILED';
          rec.statusMessage = `could not be cleaned up after a restart: ${errorMessage(err)}`;
          this.records.set(rec.id, rec);
        }
      }
    }
    const known = new Set(this.records.keys());
    for (const provider of this.providers.values()) {
      const reaped = await provider.reapOrphans(known);
      tally.orphans += reaped.length;
      if (reaped.length) this.log.warn({ provider: provider.name, sandboxes: reaped }, 'reaped orphan sandboxes unknown to the store');
    }
    this.log.info({ ...tally, ms: Date.now() - started }, 'reconciled the store with running sandboxes');
  }

  /** The record of a sandbox as it was in its pool, before a claim that did not complete. */
  private unclaimedRecord(rec: SandboxRecord): SandboxRecord {
    const template = this.templates.get(rec.template);
    return {
      v: rec.v, id: rec.id, template: rec.template, specHash: rec.specHash, provider: rec.provider, node: rec.node, state: 'READY',
      claimed: false, fromWarmPool: false, labels: {}, env: {}, ttlSeconds: 0, createdAt: rec.createdAt, readyAt: rec.readyAt,
      handle: rec.handle, network: template?.spec.network ?? rec.network,
    };
  }

  /**
   * A sandbox whose record cannot be read: its processes are not killed as orphans (it may hold
   * someone's work), and it is listed FAILED with a record written anew, so that its owner sees it
   * and can delete it. What the record said (template, labels, deadlines) is lost.
   */
  private async quarantine(id: string): Promise<void> {
    this.log.error({ sandbox: id }, 'the store record of a sandbox is corrupt: listing it as FAILED for its owner to delete');
    const rec: SandboxRecord = {
      v: SCHEMA_VERSION, id, template: '', specHash: '', provider: DEFAULT_PROVIDER, node: this.node, state: 'FAILED', claimed: true,
      fromWarmPool: false, labels: {}, env: {}, ttlSeconds: 0, createdAt: Date.now(),
      statusMessage: 'its record in the daemon\'s store was corrupt; its files may remain, but delete it when done',
    };
    this.records.set(id, rec);
    await this.persist(rec, { type: 'failed', message: rec.statusMessage }).catch((err: unknown) => {
      this.log.error({ sandbox: id, err: errorMessage(err) }, 'cannot rewrite a corrupt sandbox record');
    });
  }

  private async reconcileOne(rec: SandboxRecord, tally: Record<'adopted' | 'pooled' | 'failed' | 'removed' | 'orphans', number>): Promise<void> {
    const provider = this.providers.get(rec.provider);
    const alive = this.isAlive(rec);
    const template = this.templates.get(rec.template);
    const cleanup = async (why: string): Promise<void> => {
      if (provider) await provider.destroy(rec.id, rec.handle);
      await this.store.removeSandbox(rec, rec.claimed ? { type: 'deleted', message: why } : undefined);
      tally.removed++;
    };
    if (rec.state === 'CREATING') {
      await cleanup('boot interrupted by a daemon stop'); // Never acknowledged to a client.
    } else if (rec.state === 'STOPPING') {
      await cleanup('delete completed after a daemon restart');
    } else if ((!rec.claimed || rec.removing !== undefined) && rec.state === 'FAILED') {
      // Never handed out, or deleted by its client, and its removal failed before the stop: retried from the
      // sweep, not here, so that a provider that does not answer does not hold up the start.
      this.records.set(rec.id, rec);
      this.leftovers.set(rec.id, { reason: rec.removing ?? 'its removal failed before a daemon restart', attempts: 1, nextAt: 0 });
      tally.failed++;
    } else if (!rec.claimed) {
      if (alive && template?.specHash === rec.specHash && rec.state === 'READY') {
        // Claimed at the provider, but the record of it never reached the disk: no client heard of it.
        if (rec.handle && provider?.claimState?.(rec.handle) === 'claimed') await provider.unclaim!(rec.id, rec.handle);
        this.records.set(rec.id, rec);
        this.pools.get(rec.template)!.adopt(rec);
        tally.pooled++;
      } else {
        await cleanup(alive ? 'template changed' : 'died while the daemon was down');
      }
    } else if (rec.state === 'READY' && alive && rec.handle && provider?.claimState?.(rec.handle) === 'idle') {
      // Stored as claimed, but the provider's claim never happened: the handoff was cut short before the
      // client heard of it. The sandbox goes back to its pool (or away, if its template changed).
      const idle = this.unclaimedRecord(rec);
      if (template?.specHash === rec.specHash) {
        await this.store.putSandbox(idle, { type: 'released', message: 'its handoff was cut short by a daemon stop before it was acknowledged; back in its pool' });
        this.records.set(idle.id, idle);
        this.pools.get(idle.template)!.adopt(idle);
        tally.pooled++;
      } else {
        await cleanup('its handoff was cut short by a daemon stop before it was acknowledged, and its template changed');
      }
    } else {
      this.records.set(rec.id, rec);
      if (rec.state === 'READY' && !alive) {
        await this.markFailed(rec, this.deathReason(rec, 'its processes exited while the daemon was not running'));
        tally.failed++;
      } else {
        tally.adopted++;
      }
    }
  }
}
