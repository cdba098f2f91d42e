// The warm pool of one template: idle, already-booted sandboxes waiting to be handed out. `take` is
// synchronous, so under any number of concurrent claims each idle sandbox leaves the pool exactly once.
// Refill runs in the background with bounded concurrency and backs off when boots fail, reporting why.
import type { PoolTargets, Template } from '../config/config.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { BootPriority } from '../providers/provider.js';
import type { SandboxRecord } from '../store/store.js';

export type PoolHealth = 'HEALTHY' | 'FAILING' | 'DISABLED';

export interface PoolDeps {
  /** Boots one unclaimed sandbox of the template at this priority and records it (CREATING, then READY). */
  boot(template: Template, priority: BootPriority): Promise<SandboxRecord>;
  /**
   * The template's refills under way at idle priority get a moderate share (`low`) now. Left at idle
   * beside busy sandboxes they would get no CPU at all, and hold every refill slot meanwhile.
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
/**
 * A refill still under way this long after it started at idle priority is being starved by other work
 * (busy sandboxes, other users of the host) rather than waiting out a burst of handoffs: a quiet boot
 * takes 20-50 ms here, and a burst of 80 handoffs is over in under a second. The pool's refills then run
 * at `low` until it is full again. (250 ms, with `low` also below three quarters of the target, did as
 * well beside busy sandboxes but slowed bursts: benchmarks/README.md, issue 17's fourth pass.)
 */
const AGING_MS = 1000;

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
  /** Refills under way below normal priority, one token each: the priority each has now, and when it started. */
  private readonly backgroundBoots = new Map<object, { priority: BootPriority; startedAt: number }>();
  /** A refill waited AGING_MS at idle priority: refills run at `low` until the pool is full again. */
  private starved = false;
  private agingTimer: NodeJS.Timeout | undefined;

  constructor(readonly template: Template, public targets: PoolTargets, private readonly deps: PoolDeps) {}

  /** Hands out the oldest live idle sandbox, or undefined when the pool is empty. */
  take(): SandboxRecord | undefined {
    for (let rec = this.idle.shift(); rec; rec = this.idle.shift()) {
      if (!this.deps.isAlive(rec)) {
        this.discard(rec, 'died while idle in the pool');
        continue;
      }
      this.raise();
      return rec;
    }
    return undefined;
  }

  /** Idle sandboxes enough that refills can wait for spare CPU: half the target, and at least a refill's worth. */
  private reserve(): number {
    return Math.max(this.template.refillConcurrency, Math.ceil(this.targets.minIdle / 2));
  }

  /**
   * How much a refill is wanted now. The priority follows the pool: `idle` while it holds its reserve and
   * nothing starves its boots (they take only the CPU that handoffs leave, so a burst is served first),
   * `low` once a boot was starved (until the pool is full again: else each refill above the reserve
   * would start at idle, starve again and hold a refill slot), `normal` below the reserve (a miss costs the
   * client a whole cold boot).
   */
  private priorityNow(): BootPriority {
    if (this.idle.length < this.reserve()) return 'normal';
    if (this.starved) return 'low';
    return 'idle';
  }

  /**
   * Once the pool's state calls for more than `idle`, refills under way at idle are raised, to `low` and
   * no further: at full priority in the middle of a burst they would take the CPU from its handoffs (in
   * A/B runs, the 20-client burst's p99 went from 96-159 ms to 66-72 ms when they stopped at low), and a
   * moderate share is enough not to starve. New refills below the reserve start at normal.
   */
  private raise(): void {
    if (this.priorityNow() === 'idle') return;
    let behind = false;
    for (const boot of this.backgroundBoots.values()) {
      if (boot.priority === 'idle') {
        boot.priority = 'low';
        behind = true;
      }
    }
    if (behind) this.deps.promote(this.template.name);
  }

  /** Checks, once the oldest refill at idle priority is AGING_MS old, whether it is still under way. */
  private armAging(now = Date.now()): void {
    if (this.agingTimer || this.stopped) return;
    let oldest = Infinity;
    for (const boot of this.backgroundBoots.values()) if (boot.priority === 'idle') oldest = Math.min(oldest, boot.startedAt);
    if (oldest === Infinity) return;
    this.agingTimer = setTimeout(() => {
      this.agingTimer = undefined;
      const at = Date.now();
      for (const boot of this.backgroundBoots.values()) {
        if (boot.priority === 'idle' && at - boot.startedAt >= AGING_MS) this.starved = true;
      }
      this.raise();
      this.armAging(at);
    }, Math.max(0, oldest + AGING_MS - now));
    this.agingTimer.unref();
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
    clearTimeout(this.agingTimer);
    await Promise.allSettled([...this.inFlight]);
  }

  private bootOne(): void {
    this.booting++;
    const priority = this.priorityNow();
    const token = {};
    if (priority !== 'normal') this.backgroundBoots.set(token, { priority, startedAt: Date.now() });
    if (priority === 'idle') this.armAging();
    const p = this.deps.boot(this.template, priority).then(
      (rec) => {
        this.failures = 0;
        if (this.lastError) this.deps.log.info({ template: this.template.name }, 'pool recovered: boots succeed again');
        this.lastError = '';
        this.idle.push(rec);
        if (this.idle.length >= this.targets.minIdle) this.starved = false;
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
