// The warm pool of one template: idle, already-booted sandboxes waiting to be handed out. `take` is
// synchronous, so under any number of concurrent claims each idle sandbox leaves the pool exactly once.
// Refill runs in the background with bounded concurrency and backs off when boots fail, reporting why.
import type { PoolTargets, Template } from '../config/config.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { SandboxRecord } from '../store/store.js';

export type PoolHealth = 'HEALTHY' | 'FAILING' | 'DISABLED';

export interface PoolDeps {
  /**
   * Boots one unclaimed sandbox of the template and records it (CREATING, then READY). `background`: at
   * the lowest priority, taking only the CPU that handoffs leave.
   */
  boot(template: Template, background: boolean): Promise<SandboxRecord>;
  /**
   * The pool lost its reserve while background boots were under way: they get normal priority now. Left at
   * idle priority beside busy sandboxes they would get no CPU at all, and hold every refill slot meanwhile.
   */
  promote(template: string): void;
  /** Destroys an idle sandbox that leaves the pool without being handed out. */
  discard(rec: SandboxRecord, reason: string): Promise<void>;
  /** All sandboxes of the template: idle, booting and claimed. */
  total(template: string): number;
  isAlive(rec: SandboxRecord): boolean;
  log: Logger;
}

export interface PoolStatus {
  template: Template;
  targets: PoolTargets;
  idle: number;
  booting: number;
  health: PoolHealth;
  lastError: string;
  lastErrorAt?: number;
  consecutiveFailures: number;
}

const MAX_BACKOFF_MS = 60_000;
const REFILL_DELAY_MS = 10;

export class WarmPool {
  private idle: SandboxRecord[] = [];
  private booting = 0;
  private failures = 0;
  private lastError = '';
  private lastErrorAt: number | undefined;
  private nextAttemptAt = 0;
  private stopped = false;
  private refillTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Boots under way at idle priority, one token each (until the pool loses its reserve and promotes them). */
  private readonly backgroundBoots = new Set<object>();

  constructor(readonly template: Template, public targets: PoolTargets, private readonly deps: PoolDeps) {}

  /** Hands out the oldest live idle sandbox, or undefined when the pool is empty. */
  take(): SandboxRecord | undefined {
    for (let rec = this.idle.shift(); rec; rec = this.idle.shift()) {
      if (!this.deps.isAlive(rec)) {
        this.discard(rec, 'died while idle in the pool');
        continue;
      }
      if (this.backgroundBoots.size > 0 && this.idle.length < this.reserve()) {
        this.backgroundBoots.clear();
        this.deps.promote(this.template.name);
      }
      return rec;
    }
    return undefined;
  }

  /** Idle sandboxes enough that refills can wait for spare CPU: half the target, and at least a refill's worth. */
  private reserve(): number {
    return Math.max(this.template.refillConcurrency, Math.ceil(this.targets.minIdle / 2));
  }

  /** Puts back an idle sandbox found running at daemon start. */
  adopt(rec: SandboxRecord): void {
    this.idle.push(rec);
    this.idle.sort((a, b) => (a.readyAt ?? 0) - (b.readyAt ?? 0));
  }

  /** Starts boots until idle + booting reaches min_idle, within max_total, the refill concurrency and the backoff. */
  refill(now = Date.now()): void {
    if (this.stopped || now < this.nextAttemptAt) return;
    while (
      this.idle.length + this.booting < this.targets.minIdle &&
      this.booting < this.template.refillConcurrency &&
      this.deps.total(this.template.name) < this.targets.maxTotal
    ) {
      this.bootOne();
    }
  }

  /**
   * Refills soon, after a burst of handoffs rather than in the middle of it: starting a boot costs the
   * event loop about a millisecond, which the handoffs queued behind it would pay.
   */
  refillSoon(): void {
    if (this.refillTimer || this.stopped) return;
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      this.refill();
    }, REFILL_DELAY_MS);
  }

  /** Recycles idle sandboxes that outlived max_age and trims the pool down to its targets. */
  trim(now = Date.now()): void {
    const maxAgeMs = this.targets.maxAgeSeconds * 1000;
    if (maxAgeMs > 0) {
      const old = this.idle.filter((r) => now - (r.readyAt ?? r.createdAt) > maxAgeMs);
      this.idle = this.idle.filter((r) => !old.includes(r));
      for (const rec of old) this.discard(rec, `idle longer than max_age (${this.targets.maxAgeSeconds} s)`);
    }
    const excess = Math.min(this.idle.length,
      Math.max(this.idle.length - this.targets.minIdle, this.deps.total(this.template.name) - this.targets.maxTotal, 0));
    for (let i = 0; i < excess; i++) this.discard(this.idle.pop()!, 'pool targets lowered');
  }

  setTargets(targets: PoolTargets): void {
    this.targets = targets;
    this.failures = 0;
    this.nextAttemptAt = 0;
    this.trim();
    this.refill();
  }

  status(): PoolStatus {
    let health: PoolHealth = 'HEALTHY';
    if (this.targets.minIdle === 0) health = 'DISABLED';
    if (this.failures > 0) health = 'FAILING';
    return {
      template: this.template, targets: this.targets, idle: this.idle.length, booting: this.booting, health,
      lastError: this.lastError, lastErrorAt: this.lastErrorAt, consecutiveFailures: this.failures,
    };
  }

  idleIds(): string[] {
    return this.idle.map((r) => r.id);
  }

  /** Stops refilling and waits for boots under way to land (they stay in the store as idle sandboxes). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.refillTimer);
    await Promise.allSettled([...this.inFlight]);
  }

  private bootOne(): void {
    this.booting++;
    // A pool with a reserve (at least half its target idle) refills in the background, so that its boots
    // never slow the handoffs they replace. Below that it refills at normal priority: a miss costs the
    // client a whole cold boot, and on a host busy with other work idle-priority boots would starve.
    const background = this.idle.length >= this.reserve();
    const token = {};
    if (background) this.backgroundBoots.add(token);
    const p = this.deps.boot(this.template, background).then(
      (rec) => {
        this.failures = 0;
        if (this.lastError) this.deps.log.info({ template: this.template.name }, 'pool recovered: boots succeed again');
        this.lastError = '';
        this.idle.push(rec);
        // Targets may have been lowered while it booted.
        this.trim();
      },
      (err: unknown) => {
        this.failures++;
        this.lastError = errorMessage(err);
        this.lastErrorAt = Date.now();
        const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.failures - 1));
        this.nextAttemptAt = Date.now() + backoff;
        this.deps.log.error({ template: this.template.name, err: this.lastError, consecutiveFailures: this.failures, retryInMs: backoff },
          'pool cannot refill: boot failed');
      },
    ).finally(() => {
      this.booting--;
      this.backgroundBoots.delete(token);
      this.inFlight.delete(p);
      this.refill();
    });
    this.inFlight.add(p);
  }

  private discard(rec: SandboxRecord, reason: string): void {
    const p = this.deps.discard(rec, reason).catch((err: unknown) => {
      this.deps.log.error({ sandbox: rec.id, template: this.template.name, err: errorMessage(err) }, 'failed to discard an idle sandbox');
    }).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }
}
