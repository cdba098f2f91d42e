// The daemon's state in LevelDB: one database under the state dir, a sublevel per kind of record.
// Every lifecycle transition is one synced batch holding the record and its event, so what the daemon
// acknowledged is on disk and the event log never disagrees with the records.
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { AbstractBatchOperation, AbstractSublevel } from 'abstract-level';
import type { Logger } from '../log.js';
import { GodelError } from '../errors.js';
import type { NetworkMode } from '../egress/policy.js';

export const SCHEMA_VERSION = 1;

export type SandboxStateName = 'CREATING' | 'READY' | 'PAUSED' | 'STOPPING' | 'STOPPED' | 'FAILED';

/** Provider-owned data that lets the provider find the sandbox again after a daemon restart. */
export type ProviderHandle = Record<string, string | number | boolean>;

export interface SandboxRecord {
  v: number;
  id: string;
  template: string;
  specHash: string;
  provider: string;
  node: string;
  state: SandboxStateName;
  /** False while the sandbox sits idle in its template's warm pool. */
  claimed: boolean;
  fromWarmPool: boolean;
  labels: Record<string, string>;
  env: Record<string, string>;
  ttlSeconds: number;
  createdAt: number;
  readyAt?: number;
  claimedAt?: number;
  expiresAt?: number;
  statusMessage?: string;
  handle?: ProviderHandle;
  /** Expire after this long without activity (no command running, no client attached); 0: never. */
  idleTimeoutSeconds?: number;
  /** Hard deadline from the maximum lifetime. */
  maxLifetimeAt?: number;
  expiryPolicy?: 'DELETE' | 'STOP';
  /** For a git worktree workspace: the repository, whose worktree is pruned when the sandbox goes. */
  gitRepo?: string;
  /** The sandbox's network: none, host, or the allow list its connections are held to (its template's, or narrower). */
  network?: NetworkMode;
  /** Why it is being deleted, while a delete its provider refused is retried (the sandbox is FAILED meanwhile). */
  removing?: string;
}

export interface EventRecord {
  v: number;
  seq: number;
  time: number;
  sandboxId: string;
  type: string;
  state: SandboxStateName;
  message?: string;
  /** Whether the sandbox was claimed when the event happened; Watch streams only those. */
  claimed: boolean;
}

/** Who did what to which sandbox: one per request that addresses a sandbox or changes state. */
export interface AuditRecord {
  v: number;
  seq: number;
  time: number;
  method: string;
  sandboxId?: string;
  /** gRPC status name, and the godel-error-code of a failure. */
  status: string;
  code?: string;
  uid: number;
  gid: number;
  pid: number;
  /** The node whose socket the caller used, for a call forwarded here by a peer. */
  via?: string;
  /** For a call to the E2B endpoint (uid, gid and pid are then -1): the fingerprint of its API key. */
  apiKey?: string;
  /** For a model call through the gateway (uid, gid and pid are then -1): whose, and what it cost. */
  agentId?: string;
  model?: string;
  usage?: UsageTotals;
}

export type NewAuditRecord = Omit<AuditRecord, 'v' | 'seq' | 'time'>;

export interface PoolSettingsRecord {
  v: number;
  template: string;
  minIdle?: number;
  maxTotal?: number;
  maxAgeSeconds?: number;
}

export interface SnapshotRecord {
  v: number;
  id: string;
  name: string;
  sandboxId: string;
  template: string;
  provider: string;
  kind: 'FILESYSTEM' | 'MEMORY';
  labels: Record<string, string>;
  createdAt: number;
  sizeBytes: number;
  frozenMs: number;
}

/** An agent (daemon/agents): one run of an agent CLI in a sandbox, with what it spent. */
export interface AgentRecord {
  v: number;
  id: string;
  sandboxId: string;
  template: string;
  runtime: string;
  model: string;
  state: 'STARTING' | 'RUNNING' | 'ENDED';
  endReason: string;
  exitCode: number;
  message: string;
  labels: Record<string, string>;
  swarmId: string;
  /** 0: no budget of its own. */
  budgetUsd: number;
  usage: UsageTotals;
  byModel: Record<string, UsageTotals>;
  createdAt: number;
  endedAt: number;
  prompts: number;
  /** The seq of its last stored event. */
  events: number;
}

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  requests: number;
}

/** One event of an agent's stream as stored: the normalized event as JSON, in the agent's order. */
export interface AgentEventRecord {
  v: number;
  seq: number;
  time: number;
  event: unknown;
}

/** A budget shared by the agents with a label (`label:KEY=VALUE`) or of a swarm (`swarm:ID`). */
export interface BudgetRecord {
  scope: string;
  /** 0: removed (kept, so that the removal wins over an older set a federation peer still holds). */
  budgetUsd: number;
  /** When it was set, ms since the epoch (absent in records from before federated budgets: 0). */
  setAt?: number;
}

export class StateDirLockedError extends Error {}

type Sub = AbstractSublevel<ClassicLevel<string, string>, string | Buffer | Uint8Array, string, string>;

const SEQ_WIDTH = 16;
/** Events, and audit records, kept in the store; older ones are pruned at start. */
const EVENT_RETENTION = 100_000;

type Op = AbstractBatchOperation<ClassicLevel<string, string>, string, string>;

interface PendingCommit {
  ops: Op[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * How a write reaches the disk. `synced`: the caller resumes once it is on disk (what is acknowledged to a
 * client). `lazy`: written without an fsync of its own; it reaches the disk with the next synced batch, or
 * the OS's writeback, and a crash may lose it.
 */
export type Durability = 'synced' | 'lazy';

export class Store {
  private nextSeq = 1;
  private readonly synced: PendingCommit[] = [];
  private readonly lazy: PendingCommit[] = [];
  private writing = false;

  private constructor(
    private readonly db: ClassicLevel<string, string>,
    private readonly sandboxes: Sub,
    private readonly pools: Sub,
    private readonly events: Sub,
    private readonly meta: Sub,
    private readonly snapshots: Sub,
    private readonly audit: Sub,
    private readonly agents: Sub,
    private readonly agentEvents: Sub,
    private readonly budgets: Sub,
    private readonly log: Logger,
  ) {}

  static async open(stateDir: string, log: Logger): Promise<Store> {
    const location = join(stateDir, 'db');
    const db = new ClassicLevel<string, string>(location, { valueEncoding: 'utf8', keyEncoding: 'utf8' });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new StateDirLockedError(`state dir ${stateDir} is in use by another godeld (its database is locked); stop that daemon or use another --state-dir`);
      }
      throw err;
    }
    const sub = (name: string): Sub => db.sublevel<string, string>(name, { valueEncoding: 'utf8' });
    const store = new Store(db, sub('sandboxes'), sub('pools'), sub('events'), sub('meta'), sub('snapshots'), sub('audit'), sub('agents'), sub('agent-events'), sub('budgets'), log);
    await store.init();
    return store;
  }

  private async init(): Promise<void> {
    const version = await this.meta.get('schema');
    if (version === undefined) {
      await this.db.batch().put('schema', String(SCHEMA_VERSION), { sublevel: this.meta }).write({ sync: true });
    }
    else if (Number(version) > SCHEMA_VERSION) {
      throw new Error(`the store was written by a newer godeld (schema ${version}, this one reads ${SCHEMA_VERSION})`);
    }
    // Events and audit records share one sequence, so that together they are one ordered history.
    for (const log of [this.events, this.audit]) {
      let count = 0;
      for await (const key of log.keys({ reverse: true })) {
        if (count === 0) this.nextSeq = Math.max(this.nextSeq, Number(key) + 1);
        count++;
        if (count > EVENT_RETENTION) await log.del(key);
      }
    }
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /**
   * All sandbox records, and the keys (sandbox ids) of those that cannot be parsed: never fatal, and
   * the caller decides what a sandbox with a corrupt record becomes.
   */
  async loadSandboxes(): Promise<{ records: SandboxRecord[]; corrupt: string[] }> {
    const records: SandboxRecord[] = [];
    const corrupt: string[] = [];
    for await (const [key, value] of this.sandboxes.iterator()) {
      const rec = parseRecord<SandboxRecord>(value);
      if (rec && rec.id === key && typeof rec.state === 'string') records.push(rec);
      else corrupt.push(key);
    }
    return { records, corrupt };
  }

  async loadPoolSettings(): Promise<PoolSettingsRecord[]> {
    const out: PoolSettingsRecord[] = [];
    for await (const [key, value] of this.pools.iterator()) {
      const rec = parseRecord<PoolSettingsRecord>(value);
      if (rec && rec.template === key) out.push(rec);
      else this.log.error({ key }, 'skipping a corrupt pool record in the store');
    }
    return out;
  }

  async loadSnapshots(): Promise<SnapshotRecord[]> {
    const out: SnapshotRecord[] = [];
    for await (const [key, value] of this.snapshots.iterator()) {
      const rec = parseRecord<SnapshotRecord>(value);
      if (rec && rec.id === key) out.push(rec);
      else this.log.error({ key }, 'skipping a corrupt snapshot record in the store');
    }
    return out;
  }

  async putSnapshot(rec: SnapshotRecord): Promise<void> {
    await this.commit([{ type: 'put', key: rec.id, value: JSON.stringify(rec), sublevel: this.snapshots }]);
  }

  async removeSnapshot(id: string): Promise<void> {
    await this.commit([{ type: 'del', key: id, sublevel: this.snapshots }]);
  }

  async loadAgents(): Promise<AgentRecord[]> {
    const out: AgentRecord[] = [];
    for await (const [key, value] of this.agents.iterator()) {
      const rec = parseRecord<AgentRecord>(value);
      if (rec && rec.id === key) out.push(rec);
      else this.log.error({ key }, 'skipping a corrupt agent record in the store');
    }
    return out;
  }

  /**
   * Writes an agent's record with the events given since the last write, in one batch. Synced when
   * asked (an agent's start and end: what a client was told); otherwise lazy, as a running agent's events
   * stream by faster than one fsync each should cost.
   */
  async putAgent(rec: AgentRecord, events: AgentEventRecord[], durability: Durability): Promise<void> {
    const ops: Op[] = [{ type: 'put', key: rec.id, value: JSON.stringify(rec), sublevel: this.agents }];
    for (const e of events) ops.push({ type: 'put', key: `${rec.id}/${seqKey(e.seq)}`, value: JSON.stringify(e), sublevel: this.agentEvents });
    await this.commit(ops, durability);
  }

  /** Removes an agent's record and every event of it. */
  async removeAgent(agentId: string): Promise<void> {
    await this.agentEvents.clear({ gt: `${agentId}/`, lt: `${agentId}/~` });
    await this.commit([{ type: 'del', key: agentId, sublevel: this.agents }]);
  }

  /** An agent's events after `afterSeq`, in order. */
  async loadAgentEvents(agentId: string, afterSeq: number): Promise<AgentEventRecord[]> {
    const out: AgentEventRecord[] = [];
    for await (const value of this.agentEvents.values({ gt: `${agentId}/${seqKey(afterSeq)}`, lt: `${agentId}/~` })) {
      const rec = parseRecord<AgentEventRecord>(value);
      if (rec) out.push(rec);
    }
    return out;
  }

  async loadBudgets(): Promise<BudgetRecord[]> {
    const out: BudgetRecord[] = [];
    for await (const [key, value] of this.budgets.iterator()) {
      const rec = parseRecord<BudgetRecord & { v: number }>(value);
      if (rec && rec.scope === key) out.push(rec);
      else this.log.error({ key }, 'skipping a corrupt budget record in the store');
    }
    return out;
  }

  async putBudget(rec: BudgetRecord): Promise<void> {
    await this.commit([{ type: 'put', key: rec.scope, value: JSON.stringify({ v: SCHEMA_VERSION, ...rec }), sublevel: this.budgets }]);
  }

  async putPoolSettings(rec: PoolSettingsRecord): Promise<void> {
    await this.db.batch().put(rec.template, JSON.stringify(rec), { sublevel: this.pools }).write({ sync: true });
  }

  /**
   * Writes a sandbox record, and its event when given, in one batch. Returns the event as stored.
   * A handed-out sandbox's record is synced before this returns. An unclaimed pool sandbox's is lazy: it
   * must never make a handoff wait for its fsync, and a crash that loses it leaves a sandbox the store
   * does not know, which the next start reaps as an orphan (or a record of one that died, which it removes).
   */
  async putSandbox(rec: SandboxRecord, event?: NewEvent): Promise<EventRecord | undefined> {
    const ev = event && this.makeEvent(rec, event);
    const ops: Op[] = [{ type: 'put', key: rec.id, value: JSON.stringify(rec), sublevel: this.sandboxes }];
    if (ev) ops.push({ type: 'put', key: seqKey(ev.seq), value: JSON.stringify(ev), sublevel: this.events });
    await this.commit(ops, rec.claimed ? 'synced' : 'lazy');
    return ev;
  }

  /** Removes a sandbox record, with its final event, in one batch; synced as putSandbox is. */
  async removeSandbox(rec: SandboxRecord, event?: NewEvent): Promise<EventRecord | undefined> {
    const ev = event && this.makeEvent(rec, event);
    const ops: Op[] = [{ type: 'del', key: rec.id, sublevel: this.sandboxes }];
    if (ev) ops.push({ type: 'put', key: seqKey(ev.seq), value: JSON.stringify(ev), sublevel: this.events });
    await this.commit(ops, rec.claimed ? 'synced' : 'lazy');
    return ev;
  }

  /**
   * Group commit: while one batch is being written, later writes queue up and go to disk together in
   * the next one. Each caller's operations stay atomic (they are in one batch) and each synced caller
   * resumes only once its batch is synced, but 20 concurrent handoffs cost two fsyncs, not twenty.
   * Lazy writes ride along in the next batch either way, in the order they were made, so that a
   * record's writes never land out of order; on their own they are written without an fsync. One
   * batch is in flight at a time (LevelDB orders batches only as they reach it).
   */
  private commit(ops: Op[], durability: Durability = 'synced'): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      (durability === 'synced' ? this.synced : this.lazy).push({ ops, resolve, reject });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.synced.length || this.lazy.length) {
      const sync = this.synced.length > 0;
      const group = [...this.lazy.splice(0), ...this.synced.splice(0)];
      try {
        await this.db.batch(group.flatMap((g) => g.ops), { sync });
        for (const g of group) g.resolve();
      } catch (err) {
        const e = storeError(err);
        for (const g of group) g.reject(e);
      }
    }
    this.writing = false;
  }

  /**
   * Appends an audit record. It rides in the store's next batch with the lifecycle writes (a put of its
   * own costs the event loop several times an op in a batch, once per request), and is not synced on its
   * own (an fsync per exec would double its latency): it reaches the disk with the next synced batch, or
   * with the OS's writeback. A daemon crash loses none that were written; one still queued behind the
   * batch in flight (a few ms) goes with it, as a put still on its way to LevelDB's thread would.
   */
  async appendAudit(r: NewAuditRecord): Promise<AuditRecord> {
    const rec: AuditRecord = { v: SCHEMA_VERSION, seq: this.nextSeq++, time: Date.now(), ...r };
    await this.commit([{ type: 'put', key: seqKey(rec.seq), value: JSON.stringify(rec), sublevel: this.audit }], 'lazy');
    return rec;
  }

  /** The newest `limit` events and audit records (of one sandbox, when given), oldest first. */
  async history(sandboxId: string | undefined, limit: number): Promise<Array<EventRecord | AuditRecord>> {
    await this.commit([], 'lazy'); // What was written before the question is in the answer, queued or not.
    const newest = async <T extends { v: number; seq: number; sandboxId?: string }>(log: Sub): Promise<T[]> => {
      const out: T[] = [];
      for await (const value of log.values({ reverse: true })) {
        const r = parseRecord<T>(value);
        if (!r || (sandboxId && r.sandboxId !== sandboxId)) continue;
        out.push(r);
        if (out.length >= limit) break;
      }
      return out;
    };
    const all = [...await newest<EventRecord>(this.events), ...await newest<AuditRecord>(this.audit)];
    return all.sort((a, b) => a.seq - b.seq).slice(-limit);
  }

  private makeEvent(rec: SandboxRecord, e: NewEvent): EventRecord {
    return {
      v: SCHEMA_VERSION, seq: this.nextSeq++, time: Date.now(), sandboxId: rec.id, type: e.type,
      state: rec.state, claimed: rec.claimed, ...(e.message ? { message: e.message } : {}),
    };
  }
}

export interface NewEvent {
  type: string;
  message?: string;
}

function seqKey(seq: number): string {
  return String(seq).padStart(SEQ_WIDTH, '0');
}

/**
 * A full disk under the state dir is the operator's to fix, and nothing was written: say so, with a
 * code. LevelDB's write-ahead log recovers by itself once there is space again (checked by hand:
 * writes succeed again without reopening the database).
 */
function storeError(err: unknown): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (/No space left on device|Disk quota exceeded/.test(message)) {
    return new GodelError('DISK_FULL', `the state dir's disk is full, so godeld cannot record the change (nothing was changed): ${message}`, { cause: err });
  }
  return err;
}

function parseRecord<T extends { v: number }>(value: string): T | undefined {
  try {
    const rec = JSON.parse(value) as T;
    return typeof rec === 'object' && rec !== null && typeof rec.v === 'number' ? rec : undefined;
  } catch {
    // A corrupt value is reported by the caller with its key; the rest of the store stays usable.
    return undefined;
  }
}
