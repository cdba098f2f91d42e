// Snapshots service handlers.
import type { SnapshotsHandlers } from '../../../ipc/generated/godel/v1/Snapshots.js';
import type { Snapshot } from '../../../ipc/generated/godel/v1/Snapshot.js';
import type { Observer } from '../observer.js';
import type { SnapshotManager } from '../../snapshots/snapshot-manager.js';
import type { SnapshotRecord } from '../../store/store.js';
import { validateEnv, validateId, validateLabels, validateTtl } from '../../validation.js';
import { timestamp, toSandbox } from '../convert.js';
import { unary } from '../respond.js';

export function snapshotsHandlers(snapshots: SnapshotManager, obs: Observer): SnapshotsHandlers {
  return {
    Create: unary(obs, 'Snapshots.Create', async (r) =>
      toSnapshot(await snapshots.create(validateId(r.sandboxId), r.name.slice(0, 256), validateLabels(r.labels), r.memory)), (r) => r.sandboxId),
    Get: unary(obs, 'Snapshots.Get', async (r) => toSnapshot(snapshots.get(validateId(r.id)))),
    List: unary(obs, 'Snapshots.List', async (r) => ({
      snapshots: snapshots.list(r.sandboxId ? validateId(r.sandboxId) : '', validateLabels(r.labelSelector, 'label selector')).map(toSnapshot),
    })),
    Delete: unary(obs, 'Snapshots.Delete', async (r) => {
      await snapshots.delete(validateId(r.id));
      return {};
    }),
    Restore: unary(obs, 'Snapshots.Restore', async (r) => toSandbox(await snapshots.restore(validateId(r.snapshotId), {
      labels: validateLabels(r.labels), env: validateEnv(r.env), ttlSeconds: validateTtl(r.ttlSeconds),
    })), (_r, res) => res?.id),
    Fork: unary(obs, 'Snapshots.Fork', async (r) => {
      const { snapshot, sandboxes } = await snapshots.fork(validateId(r.sandboxId), r.count, validateLabels(r.labels));
      return { snapshot: toSnapshot(snapshot), sandboxes: sandboxes.map(toSandbox) };
    }, (r) => r.sandboxId),
  };
}

function toSnapshot(s: SnapshotRecord): Snapshot {
  return {
    id: s.id, name: s.name, sandboxId: s.sandboxId, template: s.template, provider: s.provider, kind: s.kind, labels: s.labels,
    createdAt: timestamp(s.createdAt), sizeBytes: s.sizeBytes, frozenSeconds: s.frozenMs / 1000,
  };
}
