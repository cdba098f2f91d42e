// Sandbox lifecycle through the socket: create, get, list with selectors, watch, delete, TTL.
import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxEvent } from '../ipc/client.js';
import { poolConfig, sh, startDaemon, waitFor } from './helpers/daemon.js';

t.test('create, get, list, delete through the socket', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1) });
  const c = d.client;
  await waitFor('a warm sandbox', async () => (await c.listPools())[0]!.idle === 1 || undefined);

  const s = await c.createSandbox({ labels: { team: 'a', run: '1' }, env: { SECRET: 'x' } });
  t.match(s.id, /^sb-[0-9a-z]{16}-[a-z0-9-]+$/);
  t.equal(s.state, 'READY');
  t.equal(s.template, 'default');
  t.equal(s.provider, 'process');
  t.equal(s.fromWarmPool, true, 'the first create takes the idle sandbox');
  t.same(s.labels, { team: 'a', run: '1' });
  t.same(s.envNames, ['SECRET'], 'env names are reported, values are not');
  t.ok(s.createdAt && s.claimedAt, 'timestamps are set');
  t.equal(s.expiresAt, null, 'no ttl, no expiry');
  t.ok(s.node.length > 0);

  await c.setPool({ template: 'default', minIdle: 0 });
  await waitFor('an empty pool', async () => {
    const [p] = await c.listPools();
    return (p!.idle + p!.booting === 0) || undefined;
  });
  const s2 = await c.createSandbox({ labels: { team: 'b' } });
  t.equal(s2.fromWarmPool, false, 'with nothing idle, the sandbox boots cold');
  t.equal(s2.state, 'READY');

  const got = await c.getSandbox(s.id);
  t.equal(got.id, s.id);
  t.same(got.labels, s.labels);

  t.same((await c.listSandboxes()).map((x) => x.id).sort(), [s.id, s2.id].sort(), 'list shows claimed sandboxes only');
  t.same((await c.listSandboxes({ labelSelector: { team: 'a' } })).map((x) => x.id), [s.id]);
  t.same((await c.listSandboxes({ labelSelector: { team: 'a', run: '2' } })).map((x) => x.id), []);
  t.same((await c.listSandboxes({ template: 'other' })).map((x) => x.id), []);

  t.equal(await sh(c, s.id, 'echo "$SECRET"'), 'x\n', 'sandbox env reaches commands');

  const workspace = join(d.stateDir, 'sandboxes', s.id, 'workspace');
  t.ok(existsSync(workspace), 'the workspace lives under the state dir');
  const pidsBefore = d.sandboxPids().length;
  await c.deleteSandbox(s.id);
  t.notOk(existsSync(join(d.stateDir, 'sandboxes', s.id)), 'delete removes the files');
  t.ok(d.sandboxPids().length < pidsBefore, 'delete kills the processes');
  t.same((await c.listSandboxes()).map((x) => x.id), [s2.id]);
});

t.test('watch streams lifecycle events of claimed sandboxes', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(0) });
  const c = d.client;
  const events: SandboxEvent[] = [];
  const stream = c.watch();
  stream.on('data', (e: SandboxEvent) => events.push(e));
  stream.on('error', () => undefined);
  await new Promise((r) => setTimeout(r, 200));
  const s = await c.createSandbox({});
  await c.deleteSandbox(s.id);
  await waitFor('deleted event', () => events.find((e) => e.type === 'deleted'));
  stream.cancel();
  const mine = events.filter((e) => e.sandboxId === s.id);
  t.same(mine.map((e) => e.type), ['claimed', 'deleting', 'deleted']);
  t.same(mine.map((e) => e.state), ['READY', 'STOPPING', 'STOPPED']);
  t.ok(mine.every((e, i) => i === 0 || e.seq > mine[i - 1]!.seq), 'sequence numbers increase');
  t.equal(mine[0]!.sandbox?.id, s.id);
});

t.test('a sandbox is deleted when its ttl expires', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(0) });
  const c = d.client;
  const s = await c.createSandbox({ ttlSeconds: 1 });
  t.ok(s.expiresAt, 'expiry is reported');
  await waitFor('ttl expiry', async () => ((await c.listSandboxes()).length === 0) || undefined, 10_000);
  t.notOk(existsSync(join(d.stateDir, 'sandboxes', s.id)), 'the expired sandbox is gone from disk');
});
