// Two daemons sharing one namespace of the FAKE Kubernetes API server, and a daemon killed with
// SIGKILL: pods are found again by their labels, vanished ones are marked FAILED with why, unknown
// pods of this node are deleted, the other daemon's pods are left alone, a claim another party won is
// never handed out, a handoff cut short between its claim and its record gives the pod back, and a pod
// deleted behind the daemon's back fails its sandbox with an event.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectError, sh, startDaemon, waitFor } from './helpers/daemon.js';
import { k8sTemplate, startFakeKube } from './helpers/fake-kube/start.js';

/**
 * The payload of a LevelDB write-ahead log (what a synced batch reached the disk as), its 32 KiB blocks'
 * record headers (crc 4 bytes, length 2, type 1) taken out, as latin1 text.
 */
function levelLogText(file: Buffer): string {
  const parts: Buffer[] = [];
  for (let block = 0; block < file.length; block += 32768) {
    for (let at = block; at + 7 <= Math.min(block + 32768, file.length);) {
      const len = file.readUInt16LE(at + 4);
      if (len === 0 && file[at + 6] === 0) break; // Zero padding at a block's end, or the end of what was written.
      parts.push(file.subarray(at + 7, at + 7 + len));
      at += 7 + len;
    }
  }
  return Buffer.concat(parts).toString('latin1');
}

t.test('daemons sharing a namespace, and adoption after SIGKILL', async (t) => {
  const fake = await startFakeKube(t, { host: '127.0.10.2', namespaces: ['shared'] });
  const kubeconfig = fake.writeKubeconfig(join(fake.dir, 'kubeconfig'));
  const config = (node: string): Record<string, unknown> => ({
    node, templates: { default: { pool: { min_idle: 0 } }, k8s: k8sTemplate(kubeconfig, { namespace: 'shared' }, { min_idle: 3, max_total: 30 }) },
  });
  const a = await startDaemon(t, { config: config('node-a') });
  const b = await startDaemon(t, { config: config('node-b') });
  const api = async (method: string, path: string, body?: unknown, type = 'application/json'): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${fake.url}${path}`, { method, headers: { 'Content-Type': type, Authorization: 'Bearer fake-token' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: await res.json() };
  };
  const idleOf = (node: string): string[] => fake.list('shared')
    .filter((p) => p.metadata.labels?.['godel.dev/node'] === node && p.metadata.labels['godel.dev/state'] === 'idle' && p.status.phase === 'Running').map((p) => p.metadata.name);
  for (const d of [a, b]) await waitFor('both pools to fill', async () => (await d.client.listPools()).find((p) => p.template === 'k8s' && p.idle >= 3), 30_000);

  await t.test('concurrent handoffs on both daemons never share a pod', async (t) => {
    const got = await Promise.all([a, b].flatMap((d) => Array.from({ length: 5 }, () => d.client.createSandbox({ template: 'k8s' }))));
    t.equal(new Set(got.map((s) => s.id)).size, 10);
    for (const s of got) t.equal(fake.pod('shared', s.id)?.metadata.labels?.['godel.dev/state'], 'claimed');
    t.ok(got.slice(0, 5).every((s) => fake.pod('shared', s.id)?.metadata.labels?.['godel.dev/node'] === 'node-a'));
    t.ok(got.slice(5).every((s) => fake.pod('shared', s.id)?.metadata.labels?.['godel.dev/node'] === 'node-b'));
    for (const s of got.slice(0, 5)) await a.client.deleteSandbox(s.id);
    for (const s of got.slice(5)) await b.client.deleteSandbox(s.id);
  });

  await t.test('a pod claimed by someone else first is never handed out', async (t) => {
    await waitFor('a full pool on a', async () => (await a.client.listPools()).find((p) => p.template === 'k8s' && p.idle >= 3), 30_000);
    const taken = idleOf('node-a');
    for (const name of taken) {
      const path = '/metadata/labels/godel.dev~1state';
      const r = await api('PATCH', `/api/v1/namespaces/shared/pods/${name}`, [{ op: 'test', path, value: 'idle' }, { op: 'replace', path, value: 'claimed' }], 'application/json-patch+json');
      t.equal(r.status, 200, 'the other party wins the claim');
    }
    const again = await api('PATCH', `/api/v1/namespaces/shared/pods/${taken[0]}`, [{ op: 'test', path: '/metadata/labels/godel.dev~1state', value: 'idle' }], 'application/json-patch+json');
    t.equal(again.status, 422, 'a second claim of the same pod is refused');
    const sb = await a.client.createSandbox({ template: 'k8s' });
    t.notOk(taken.includes(sb.id), 'the daemon handed out none of the pods it lost');
    for (const name of taken) t.ok(fake.pod('shared', name), 'and deleted none of them');
    for (const name of taken) await api('DELETE', `/api/v1/namespaces/shared/pods/${name}`);
    await a.client.deleteSandbox(sb.id);
  });

  await t.test('adoption after SIGKILL: claimed pods re-attached, vanished ones FAILED, orphans deleted', async (t) => {
    const kept = await a.client.createSandbox({ template: 'k8s', labels: { role: 'kept' } });
    const vanished = await a.client.createSandbox({ template: 'k8s' });
    await sh(a.client, kept.id, 'echo state > /workspace/f');
    const bPods = fake.list('shared').filter((p) => p.metadata.labels?.['godel.dev/node'] === 'node-b').map((p) => p.metadata.name);
    // A handoff whose claimed record is on disk while the pod's claim patch hangs at the API server: the
    // claim and the store's write run side by side, and the daemon dies between the two.
    await waitFor('a full pool on a', async () => (await a.client.listPools()).find((p) => p.template === 'k8s' && p.idle >= 3), 30_000);
    const idleBefore = idleOf('node-a');
    fake.holdPatches = 1;
    const cut = a.client.createSandbox({ template: 'k8s' }).then(() => undefined, (err: unknown) => err);
    const cutPod = await waitFor('the claim patch to reach the fake', () => fake.heldPatches[0]);
    const db = join(a.stateDir, 'db');
    const claimedOnDisk = new RegExp(`"id":"${cutPod}"[^}]*"claimed":true`);
    await waitFor('the claimed record in the store\'s log', () => readdirSync(db).filter((f) => f.endsWith('.log'))
      .some((f) => claimedOnDisk.test(levelLogText(readFileSync(join(db, f))))), 10_000);
    await a.stop('SIGKILL');
    t.ok(await cut, 'the cut handoff was never acknowledged');
    // And the other way round, as the dead daemon's claim patch would have left them with no record of it
    // on disk: one pod claimed by node-a itself, one by someone else.
    const [ours, theirs] = idleBefore.filter((n) => n !== cutPod);
    const claimPatch = (claimant?: string): unknown[] => [
      { op: 'test', path: '/metadata/labels/godel.dev~1state', value: 'idle' }, { op: 'replace', path: '/metadata/labels/godel.dev~1state', value: 'claimed' },
      ...(claimant ? [{ op: 'add', path: '/metadata/annotations/godel.dev~1claimed-by', value: claimant }] : []),
    ];
    t.equal((await api('PATCH', `/api/v1/namespaces/shared/pods/${ours}`, claimPatch('node-a'), 'application/json-patch+json')).status, 200);
    t.equal((await api('PATCH', `/api/v1/namespaces/shared/pods/${theirs}`, claimPatch(), 'application/json-patch+json')).status, 200);
    t.equal((await api('DELETE', `/api/v1/namespaces/shared/pods/${vanished.id}`)).status, 200);
    const orphan = await api('POST', '/api/v1/namespaces/shared/pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sb-orphan0000000000-node-a', labels: { 'godel.dev/node': 'node-a', 'godel.dev/sandbox': 'sb-orphan0000000000-node-a', 'godel.dev/state': 'claimed' } },
      spec: { containers: [{ name: 'sandbox', image: 'x' }] },
    });
    t.equal(orphan.status, 201);
    await a.start();
    t.equal((await a.client.getSandbox(kept.id)).state, 'READY');
    t.equal(await sh(a.client, kept.id, 'cat /workspace/f'), 'state\n', 'the claimed pod is re-attached, files and all');
    const gone = await a.client.getSandbox(vanished.id);
    t.equal(gone.state, 'FAILED');
    t.match(gone.statusMessage, /deleted while the daemon was not watching/);
    await waitFor('the orphan pod to be deleted', () => !fake.pod('shared', 'sb-orphan0000000000-node-a'));
    for (const name of bPods) t.ok(fake.pod('shared', name), 'the other daemon\'s pods are left alone');
    t.equal(fake.pod('shared', cutPod)?.metadata.labels?.['godel.dev/state'], 'idle', 'the cut handoff\'s pod is still idle, and kept');
    await expectError(a.client.getSandbox(cutPod), 'SANDBOX_NOT_FOUND');
    const types = (await a.client.listEvents({ sandboxId: cutPod })).map((e) => e.type).filter((type) => type !== 'request');
    t.same(types.slice(-2), ['claimed', 'released'], 'its record went back to the pool, with why');
    t.equal(fake.pod('shared', ours)?.metadata.labels?.['godel.dev/state'], 'idle', 'node-a\'s own unrecorded claim is given back');
    t.notOk(fake.pod('shared', ours)?.metadata.annotations?.['godel.dev/claimed-by']);
    t.equal(fake.pod('shared', theirs)?.metadata.labels?.['godel.dev/state'], 'claimed', 'someone else\'s claim is not undone');
    // The pool hands out its oldest first: the three adopted pods, of which the one someone else claimed is
    // dropped. The given-back ones rejoin it as their records are settled, which a loaded machine can
    // leave behind the daemon's first answers.
    await waitFor('the given-back pods in the pool', async () => ((await a.client.listPools()).find((p) => p.template === 'k8s')?.idle ?? 0) >= 2 || undefined);
    const pooled = [await a.client.createSandbox({ template: 'k8s' }), await a.client.createSandbox({ template: 'k8s' })];
    t.same(pooled.map((s) => s.id).sort(), [cutPod, ours].sort(), 'both pods given back are handed out again, and not the other one');
    t.ok(pooled.every((s) => s.fromWarmPool));
    for (const s of pooled) await a.client.deleteSandbox(s.id);
    await api('DELETE', `/api/v1/namespaces/shared/pods/${theirs}`);
    t.ok((await b.client.listPools()).find((p) => p.template === 'k8s' && p.idle >= 1), 'and its pool still has them');

    await t.test('a pod deleted behind the daemon\'s back fails its sandbox, with an event', async (t) => {
      await api('DELETE', `/api/v1/namespaces/shared/pods/${kept.id}`);
      await waitFor('the sandbox to fail', async () => (await a.client.getSandbox(kept.id)).state === 'FAILED');
      const ev = (await a.client.listEvents({ sandboxId: kept.id })).find((e) => e.type === 'failed');
      t.match(ev?.message, /deleted through the Kubernetes API, not by godeld/);
      await expectError(a.client.runCollect({ sandboxId: kept.id, argv: ['true'] }), 'SANDBOX_DEAD');
    });
    await a.client.deleteSandbox(kept.id);
    await a.client.deleteSandbox(vanished.id);
  });
});
