// E2B's snapshot routes and fork, as the SDK 2.51 calls them, on godel's snapshot manager:
// `POST /sandboxes/{id}/snapshots` {name?} -> {snapshotID, names}; `GET /snapshots` (sandboxID, name,
// limit, nextToken; paged by x-next-token); `DELETE /templates/{id}` (the SDK's deleteSnapshot);
// `Sandbox.create(snapshotID or name)` starts a sandbox from one; `POST /sandboxes/{id}/fork` {timeout,
// count} -> [{sandbox}, ...] (E2B allows an {error} per entry; godel's fork is all or none). A snapshot is of the whole machine where the provider can (microvm)
// and of /workspace otherwise (process), as godel's own Snapshots.Create; an E2B snapshot belongs to the
// key that took it, like a sandbox, and another key's does not exist.
import type { SandboxManager } from '../sandboxes/manager.js';
import type { ClaimOptions, SnapshotManager } from '../snapshots/snapshot-manager.js';
import type { SandboxRecord, SnapshotRecord } from '../store/store.js';
import { OWNER_LABEL, type Caller } from './auth.js';
import { E2bHttpError } from './errors.js';

/** The E2B name a snapshot was given (absent: it has only its id). */
const NAME_LABEL = 'e2b.dev/name';
const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const DEFAULT_PAGE = 100;

export class E2bSnapshots {
  constructor(private readonly snapshots: SnapshotManager, private readonly sandboxes: SandboxManager, private readonly isTemplate: (name: string) => boolean) {}

  /** A snapshot of `sandbox` for the caller, of the whole machine where its provider can take one. */
  async create(caller: Caller, sandbox: SandboxRecord, body: Record<string, unknown>): Promise<SnapshotRecord> {
    const name = body.name;
    if (name !== undefined && name !== null && (typeof name !== 'string' || !NAME_RE.test(name))) {
      throw new E2bHttpError(400, 'name must be 1-128 characters of a-z, 0-9, ".", "_" and "-", starting with a letter or digit');
    }
    if (typeof name === 'string' && this.isTemplate(name)) throw new E2bHttpError(409, `'${name}' is a template's name; a snapshot cannot take it`);
    const { provider } = this.sandboxes.runnable(sandbox.id);
    const memory = provider.capabilities.includes('memory-snapshot');
    return this.snapshots.create(sandbox.id, typeof name === 'string' ? name : '', {
      [OWNER_LABEL]: caller.fingerprint, ...(typeof name === 'string' ? { [NAME_LABEL]: name } : {}),
    }, memory);
  }

  /**
   * The caller's snapshot a create's templateID names: by id, or by name (the newest of that name, as an
   * E2B name points at its latest build). Undefined when it names none.
   */
  find(caller: Caller, idOrName: string): SnapshotRecord | undefined {
    const mine = this.snapshots.list('', { [OWNER_LABEL]: caller.fingerprint });
    return mine.find((s) => s.id === idOrName) ?? mine.filter((s) => s.labels[NAME_LABEL] === idOrName).pop();
  }

  /** A sandbox from one of the caller's snapshots. */
  restore(snap: SnapshotRecord, claim: ClaimOptions): Promise<SandboxRecord> {
    return this.snapshots.restore(snap.id, claim);
  }

  /** GET /snapshots: the caller's, oldest first, filtered by sandbox and name, paged by id. */
  list(caller: Caller, query: URLSearchParams): { page: SnapshotRecord[]; next?: string } {
    const sandboxId = query.get('sandboxID') ?? '';
    const name = query.get('name');
    const limitRaw = query.get('limit');
    const limit = limitRaw === null ? DEFAULT_PAGE : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > DEFAULT_PAGE) throw new E2bHttpError(400, `limit must be an integer from 1 to ${DEFAULT_PAGE}`);
    const all = this.snapshots.list(sandboxId, { [OWNER_LABEL]: caller.fingerprint, ...(name ? { [NAME_LABEL]: name } : {}) });
    const after = query.get('nextToken');
    const start = after === null ? 0 : all.findIndex((s) => s.id === after) + 1;
    if (after !== null && start === 0) throw new E2bHttpError(400, 'nextToken is not one this endpoint gave');
    const page = all.slice(start, start + limit);
    return { page, ...(start + limit < all.length ? { next: page[page.length - 1]!.id } : {}) };
  }

  /** DELETE /templates/{id}: the caller's snapshot; anything else (a template included) is not found. */
  async delete(caller: Caller, id: string): Promise<void> {
    const snap = this.snapshots.list('', { [OWNER_LABEL]: caller.fingerprint }).find((s) => s.id === id);
    if (!snap) throw new E2bHttpError(404, `snapshot '${id}' not found`);
    await this.snapshots.delete(snap.id);
  }

  /**
   * `count` copies of `source` from one capture (godel's fork: all of them, or none, so every entry has the
   * same outcome), each with the source's metadata, environment and egress policy, and `timeout` as TTL.
   */
  async fork(source: SandboxRecord, count: number, timeout: number | undefined): Promise<SandboxRecord[]> {
    const { snapshot, sandboxes } = await this.snapshots.fork(source.id, count, source.labels);
    // Each copy holds its own files once restored from a filesystem capture, and E2B never shows a fork's
    // capture, so it goes; a machine capture stays (as godel's own Fork leaves it) for VMs restored from it.
    if (snapshot.kind === 'FILESYSTEM') await this.snapshots.delete(snapshot.id);
    if (timeout !== undefined) await Promise.all(sandboxes.map((s) => this.sandboxes.setTtl(s.id, timeout)));
    return sandboxes;
  }
}

/** E2B's names for a snapshot: the one it was given, if any. */
export function namesOf(snap: SnapshotRecord): string[] {
  const name = snap.labels[NAME_LABEL];
  return name ? [name] : [];
}
