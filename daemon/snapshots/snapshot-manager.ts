// The snapshot manager owns snapshots: their records in the store and their files under
// STATE_DIR/snapshots/ID. A capture is written to ID.partial and renamed when complete, and recorded
// only then, so a crash never leaves a half snapshot that looks whole; leftovers are removed at start.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { GodelError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import { SCHEMA_VERSION, type SandboxRecord, type SnapshotRecord, type Store } from '../store/store.js';
import { newIdBeside } from '../ids.js';
import { isAllowList } from '../egress/policy.js';


export const MAX_FORK = 64;

export interface ClaimOptions {
  labels: Record<string, string>;
  env: Record<string, string>;
  ttlSeconds: number;
  expiryPolicy?: 'DELETE' | 'STOP';
  /** Narrows the template's allow list, as a create's does. */
  network?: { allow: string[]; deny: string[] } | 'none';
}

export class SnapshotManager {
  private readonly snapshots = new Map<string, SnapshotRecord>();

  constructor(
    private readonly dir: string,
    private readonly sandboxes: SandboxManager,
    private readonly store: Store,
    private readonly log: Logger,
  ) {
    // 0711: a VM's QEMU (the sandbox user) reads a machine snapshot's state from here; nobody lists it.
    mkdirSync(dir, { recursive: true, mode: 0o711 });
  }

  /** Loads the records and removes files that no record owns (interrupted captures, crashed deletes). */
  async start(): Promise<void> {
    for (const rec of await this.store.loadSnapshots()) {
      if (existsSync(join(this.dir, rec.id))) this.snapshots.set(rec.id, rec);
      else {
        this.log.error({ snapshot: rec.id }, 'snapshot files are missing; dropping its record');
        await this.store.removeSnapshot(rec.id);
      }
    }
    for (const entry of readdirSync(this.dir)) {
      if (!this.snapshots.has(entry)) {
        rmSync(join(this.dir, entry), { recursive: true, force: true });
        this.log.warn({ entry }, 'removed snapshot files no record owns');
      }
    }
  }

  async create(sandboxId: string, name: string, labels: Record<string, string>, memory: boolean): Promise<SnapshotRecord> {
    const sandbox = this.sandboxes.get(sandboxId);
    const { provider } = this.sandboxes.runnable(sandboxId);
    if (memory && (!provider.captureMachine || !provider.capabilities.includes('memory-snapshot'))) {
      throw new GodelError('NOT_SUPPORTED', `the ${provider.name} provider takes filesystem snapshots only; leave memory unset`);
    }
    if (!memory && !provider.captureFilesystem) {
      throw new GodelError('NOT_SUPPORTED', `the ${provider.name} provider takes whole-machine snapshots only: set memory`);
    }
    const id = newIdBeside('snap', sandbox.id);
    const partial = join(this.dir, `${id}.partial`);
    mkdirSync(partial, { mode: 0o711 });
    try {
      const { frozenMs } = memory
        ? await provider.captureMachine!(sandbox.id, sandbox.handle!, join(partial, 'machine'))
        : await provider.captureFilesystem!(sandbox.id, sandbox.handle!, join(partial, 'workspace'));
      renameSync(partial, join(this.dir, id));
      const rec: SnapshotRecord = {
        v: SCHEMA_VERSION, id, name: name || id, sandboxId, template: sandbox.template, provider: provider.name, kind: memory ? 'MEMORY' : 'FILESYSTEM',
        labels, createdAt: Date.now(), sizeBytes: await diskUsage(join(this.dir, id)), frozenMs,
      };
      await this.store.putSnapshot(rec);
      this.snapshots.set(id, rec);
      this.log.info({ snapshot: id, sandbox: sandboxId, sizeBytes: rec.sizeBytes, frozenMs: Math.round(frozenMs) }, 'snapshot taken');
      return rec;
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      rmSync(join(this.dir, id), { recursive: true, force: true });
      throw err;
    }
  }

  get(id: string): SnapshotRecord {
    const rec = this.snapshots.get(id);
    if (!rec) throw new GodelError('SNAPSHOT_NOT_FOUND', `no snapshot with id ${id}`);
    return rec;
  }

  list(sandboxId: string, selector: Record<string, string>): SnapshotRecord[] {
    return [...this.snapshots.values()]
      .filter((s) => (!sandboxId || s.sandboxId === sandboxId) && Object.entries(selector).every(([k, v]) => s.labels[k] === v))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async delete(id: string): Promise<void> {
    this.get(id);
    this.snapshots.delete(id);
    await this.store.removeSnapshot(id);
    rmSync(join(this.dir, id), { recursive: true, force: true });
  }

  /** A new sandbox of the snapshot's template, its filesystem filled from the snapshot before it is handed out. */
  restore(id: string, claim: ClaimOptions): Promise<SandboxRecord> {
    const snap = this.get(id);
    // A whole machine comes back running, processes and all, instead of being booted.
    if (snap.kind === 'MEMORY') return this.sandboxes.create({ template: snap.template, ...claim, restoreFrom: join(this.dir, id, 'machine') });
    const src = join(this.dir, id, 'workspace');
    return this.sandboxes.create({
      template: snap.template, ...claim,
      prepare: async (sandbox, provider) => {
        if (!provider.restoreFilesystem) throw new GodelError('NOT_SUPPORTED', `the ${provider.name} provider cannot restore snapshots`);
        await provider.restoreFilesystem(sandbox.id, sandbox.handle!, src);
      },
    });
  }

  /** `count` new sandboxes from one point of a running sandbox; all of them, or none. */
  async fork(sandboxId: string, count: number, labels: Record<string, string>): Promise<{ snapshot: SnapshotRecord; sandboxes: SandboxRecord[] }> {
    if (!Number.isInteger(count) || count < 1 || count > MAX_FORK) throw new GodelError('INVALID_COUNT', `count must be from 1 to ${MAX_FORK}`);
    const source = this.sandboxes.get(sandboxId);
    this.sandboxes.requireCapacity(source.template, count);
    // Where the provider can, a fork is of the whole machine: the copies run on with their processes.
    const memory = this.sandboxes.runnable(sandboxId).provider.capabilities.includes('memory-snapshot');
    const snapshot = await this.create(sandboxId, `fork of ${sandboxId}`, { 'godel.fork-of': sandboxId }, memory);
    // A copy is held to the source's own allow list, never to its template's wider one.
    const network = isAllowList(source.network) ? { allow: source.network.allow, deny: source.network.deny } : source.network === 'none' ? 'none' as const : undefined;
    const results = await Promise.allSettled(Array.from({ length: count }, () => this.restore(snapshot.id, {
      labels: { ...labels, 'godel.fork-of': sandboxId }, env: source.env, ttlSeconds: source.ttlSeconds,
      ...(source.expiryPolicy ? { expiryPolicy: source.expiryPolicy } : {}), ...(network ? { network } : {}),
    })));
    const made = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await Promise.allSettled(made.map((s) => this.sandboxes.delete(s.id, 'fork failed part-way')));
      await this.delete(snapshot.id).catch((err: unknown) => this.log.error({ snapshot: snapshot.id, err: errorMessage(err) }, 'cannot remove the snapshot of a failed fork'));
      throw failure.reason;
    }
    return { snapshot, sandboxes: made };
  }
}

/** Apparent size in bytes of a directory tree. */
function diskUsage(path: string): Promise<number> {
  return new Promise((resolve) => {
    let out = '';
    const du = spawn('du', ['-sb', '--', path], { stdio: ['ignore', 'pipe', 'ignore'] });
    du.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    du.on('error', () => resolve(0));
    du.on('close', () => resolve(Number(out.split('\t')[0]) || 0));
  });
}
