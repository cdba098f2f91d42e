// Snapshots, restore and fork through the socket, on real sandboxes.
import t from 'tap';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectError, poolConfig, sh, startDaemon } from './helpers/daemon.js';

t.test('snapshots and forks', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1, 40) });
  const c = d.client;
  const { id } = await c.createSandbox({ labels: { app: 'x' } });

  t.test('snapshot, change, restore: the restored sandbox has the old state', async (t) => {
    await sh(c, id, 'echo v1 > /workspace/f; mkdir -p /workspace/d; echo deep > /workspace/d/g; ln -s f /workspace/link');
    const snap = await c.createSnapshot({ sandboxId: id, name: 'before', labels: { step: '1' } });
    t.match(snap.id, /^snap-[0-9a-z]{16}-[a-z0-9-]+$/);
    t.equal(snap.name, 'before');
    t.equal(snap.kind, 'FILESYSTEM');
    t.equal(snap.sandboxId, id);
    t.ok(Number(snap.sizeBytes) > 0, 'the size is reported');
    t.ok(snap.frozenSeconds >= 0);
    await sh(c, id, 'echo v2 > /workspace/f; rm -r /workspace/d');
    const r = await c.restoreSnapshot({ snapshotId: snap.id, labels: { restored: 'yes' } });
    t.not(r.id, id);
    t.same(r.labels, { restored: 'yes' });
    t.equal(await sh(c, r.id, 'cat /workspace/f /workspace/d/g; readlink /workspace/link; stat -c %u /workspace/f'), 'v1\ndeep\nf\n1000\n');
    t.equal(await sh(c, id, 'cat /workspace/f'), 'v2\n', 'the original is untouched');
    t.same((await c.listSnapshots({ sandboxId: id })).map((s) => s.id), [snap.id]);
    t.same((await c.listSnapshots({ labelSelector: { step: '2' } })).map((s) => s.id), []);
    t.equal((await c.getSnapshot(snap.id)).name, 'before');
  });

  t.test('a snapshot under concurrent writes is one consistent point', async (t) => {
    // The writer bumps a, then b, forever: any consistent point has b == a or b == a - 1.
    const writer = c.runCollect({ sandboxId: id, argv: ['/bin/sh', '-c', 'i=0; while [ $i -lt 4000 ]; do i=$((i+1)); echo $i > /workspace/a; echo $i > /workspace/b; done'] });
    for (let k = 0; k < 5; k++) {
      const snap = await c.createSnapshot({ sandboxId: id });
      const r = await c.restoreSnapshot({ snapshotId: snap.id });
      const [a, b] = (await sh(c, r.id, 'cat /workspace/a /workspace/b 2>/dev/null || echo 0; true')).trim().split('\n').map(Number);
      if (a !== undefined && b !== undefined && !Number.isNaN(b)) t.ok(a - b === 0 || a - b === 1, `snapshot ${k}: a=${a} b=${b}`);
      await c.deleteSandbox(r.id);
      await c.deleteSnapshot(snap.id);
    }
    await writer;
  });

  t.test('fork gives N independent sandboxes', async (t) => {
    await sh(c, id, 'echo base > /workspace/state');
    const res = await c.fork({ sandboxId: id, count: 3, labels: { run: 'fork' } });
    t.equal(res.sandboxes.length, 3);
    t.equal(new Set(res.sandboxes.map((s) => s.id)).size, 3);
    t.ok(res.snapshot?.id, 'the fork point is kept as a snapshot');
    for (const [i, s] of res.sandboxes.entries()) {
      t.equal(s.labels.run, 'fork');
      t.equal(s.labels['godel.fork-of'], id);
      await sh(c, s.id, `echo fork-${i} >> /workspace/state`);
    }
    for (const [i, s] of res.sandboxes.entries()) t.equal(await sh(c, s.id, 'cat /workspace/state'), `base\nfork-${i}\n`, 'each fork has only its own change');
    t.equal(await sh(c, id, 'cat /workspace/state'), 'base\n');
  });

  t.test('bad requests leave nothing behind', async (t) => {
    const before = (await c.listSandboxes()).length;
    const snapsBefore = (await c.listSnapshots()).length;
    await expectError(c.createSnapshot({ sandboxId: 'sb-0000000000000000' }), 'SANDBOX_NOT_FOUND');
    const mem = await expectError(c.createSnapshot({ sandboxId: id, memory: true }), 'NOT_SUPPORTED');
    t.equal(mem.grpcCode, 9, 'FAILED_PRECONDITION');
    await expectError(c.fork({ sandboxId: id, count: 0 }), 'INVALID_COUNT');
    await expectError(c.fork({ sandboxId: id, count: 10_000 }), 'INVALID_COUNT');
    await expectError(c.fork({ sandboxId: id, count: 60 }), 'POOL_EXHAUSTED');
    await expectError(c.restoreSnapshot({ snapshotId: 'snap-0000000000000000' }), 'SNAPSHOT_NOT_FOUND');
    await expectError(c.deleteSnapshot('snap-0000000000000000'), 'SNAPSHOT_NOT_FOUND');
    t.equal((await c.listSandboxes()).length, before, 'no sandbox half-created');
    t.equal((await c.listSnapshots()).length, snapsBefore, 'no snapshot half-created');
    t.same(readdirSync(join(d.stateDir, 'snapshots')).filter((e) => e.endsWith('.partial')), []);
  });

  t.test('a sandbox left frozen by a crash during a snapshot is thawed when the daemon starts', async (t) => {
    await c.createSnapshot({ sandboxId: id });
    const v1 = `/sys/fs/cgroup/freezer/godel-freeze/${id}/freezer.state`;
    const v2 = `/sys/fs/cgroup/godel-freeze/${id}/cgroup.freeze`;
    const [file, frozen] = existsSync(v1) ? [v1, 'FROZEN'] : [v2, '1'];
    writeFileSync(file, frozen); // As if the daemon died between freeze and thaw.
    await d.restart('SIGKILL');
    const r = await d.client.runCollect({ sandboxId: id, argv: ['echo', 'thawed'], timeout: { seconds: 10 } });
    t.equal(r.stdout.toString(), 'thawed\n');
  });

  t.test('snapshots survive a daemon restart', async (t) => {
    const snap = await d.client.createSnapshot({ sandboxId: id, name: 'keep' });
    await d.restart('SIGKILL');
    const got = await d.client.getSnapshot(snap.id);
    t.equal(got.name, 'keep');
    t.equal(Number(got.sizeBytes), Number(snap.sizeBytes));
    const r = await d.client.restoreSnapshot({ snapshotId: snap.id });
    t.equal(await sh(d.client, r.id, 'cat /workspace/state'), 'base\n');
    await d.client.deleteSnapshot(snap.id);
    t.notOk(existsSync(join(d.stateDir, 'snapshots', snap.id)), 'deleting removes the files');
  });
});
