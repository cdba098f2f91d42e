// Faults the daemon must ride out: a corrupt or truncated store record, a full disk under the state
// dir, and a flood of connections with garbage on them. Each gets a clear error or event; the rest is served.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { ClassicLevel } from 'classic-level';
import { expectError, sh, startDaemon, waitFor } from './helpers/daemon.js';

const NO_POOL = { templates: { default: { provider: 'process', pool: { min_idle: 0 } } } };

t.test('a corrupt or truncated record: that sandbox is listed FAILED, the others are served', async (t) => {
  const d = await startDaemon(t, { config: NO_POOL });
  const good = await d.client.createSandbox({ labels: { keep: 'yes' } });
  const garbled = await d.client.createSandbox({});
  const truncated = await d.client.createSandbox({});
  await d.stop();
  const db = new ClassicLevel<string, string>(join(d.stateDir, 'db'), { valueEncoding: 'utf8' });
  await db.open();
  const sandboxes = db.sublevel<string, string>('sandboxes', { valueEncoding: 'utf8' });
  await sandboxes.put(garbled.id, '\u0000\u00ff not json');
  const whole = (await sandboxes.get(truncated.id))!;
  await sandboxes.put(truncated.id, whole.slice(0, whole.length / 2));
  await db.close();

  await d.start();
  t.same((await d.client.getSandbox(good.id)).labels, { keep: 'yes' }, 'the intact sandbox is adopted as it was');
  t.equal(await sh(d.client, good.id, 'echo ok'), 'ok\n');
  for (const id of [garbled.id, truncated.id]) {
    const s = await d.client.getSandbox(id);
    t.equal(s.state, 'FAILED');
    t.match(s.statusMessage, /record in the daemon's store was corrupt/);
  }
  t.ok(await d.logged('the record is corrupt', (l) => l.msg === 'the store record of a sandbox is corrupt: listing it as FAILED for its owner to delete' && l.sandbox === garbled.id));
  await d.client.deleteSandbox(garbled.id);
  await d.client.deleteSandbox(truncated.id);
  await d.restart();
  t.same((await d.client.listSandboxes()).map((s) => s.id), [good.id], 'the rewritten records delete cleanly and stay deleted');
  t.equal(d.sandboxPids().length, 2, 'only the good sandbox still runs (bwrap and its init)');
});

t.test('a full disk under the state dir: DISK_FULL, nothing half-made, and recovery once there is space', async (t) => {
  const d = await startDaemon(t, { config: NO_POOL });
  // The state dir on a small filesystem of its own, which the test fills.
  await d.stop();
  rmSync(d.stateDir, { recursive: true, force: true });
  mkdirSync(d.stateDir, { mode: 0o711 });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0711', 'tmpfs', d.stateDir]);
  t.teardown(() => { spawnSync('umount', ['-l', d.stateDir]); });
  await d.start();
  const before = await d.client.createSandbox({});

  const filler = join(d.stateDir, 'filler');
  spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M', 'count=64'], { stdio: 'ignore' }); // Stops at ENOSPC.
  const err = await expectError(d.client.createSandbox({ labels: { n: '1' } }), 'DISK_FULL');
  t.match(err.message, /disk under godeld's state dir is full|state dir's disk is full/);
  t.equal(await d.client.healthCheck(), 'SERVING', 'the daemon carries on');
  t.equal(await sh(d.client, before.id, 'echo still'), 'still\n', 'existing sandboxes are served');
  t.same((await d.client.listSandboxes()).map((s) => s.id), [before.id], 'no half-created sandbox is listed');

  rmSync(filler);
  const after = await d.client.createSandbox({});
  t.equal(after.state, 'READY', 'creates work again once there is space');
  await d.restart();
  t.same((await d.client.listSandboxes()).map((s) => s.id).sort(), [before.id, after.id].sort(), 'and the store agrees after a restart');
  await waitFor('no leftover sandbox processes', () => d.sandboxPids().length === 4 || undefined);
  await d.stop();
});

t.test('thousands of connections with garbage on them: the daemon keeps serving', async (t) => {
  const d = await startDaemon(t, { config: NO_POOL });
  const sb = await d.client.createSandbox({});
  const sockets: Socket[] = [];
  await Promise.all(Array.from({ length: 2000 }, (_, i) => new Promise<void>((resolve) => {
    const s = connect(d.socket, () => {
      if (i % 2) s.write(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0004\u0008garbage'));
      resolve();
    });
    s.on('error', () => resolve());
    sockets.push(s);
  })));
  t.equal(await d.client.healthCheck(), 'SERVING', 'served while 2000 connections are open');
  t.equal(await sh(d.client, sb.id, 'echo through'), 'through\n');
  for (const s of sockets) s.destroy();
  await waitFor('the connections to close', async () => (await d.client.healthCheck()) === 'SERVING' || undefined);
  t.equal(await sh(d.client, sb.id, 'echo after'), 'after\n');

});
