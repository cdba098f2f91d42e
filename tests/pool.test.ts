// Warm pools: exactly-once handoff under concurrency, refill to target, runtime targets that persist,
// exhaustion, a template that cannot boot, and recycling of old idle sandboxes.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync, readdirSync } from 'node:fs';
import { autogroupNice, expectError, poolConfig, schedPolicy, startDaemon, statField, waitFor } from './helpers/daemon.js';
import type { GodelClient, Pool } from '../ipc/client.js';

async function poolOf(c: GodelClient, template = 'default'): Promise<Pool> {
  return (await c.listPools()).find((p) => p.template === template)!;
}

t.test('50 concurrent creates get 50 distinct sandboxes and no idle sandbox twice', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(10, 100) });
  const c = d.client;
  await waitFor('10 idle', async () => ((await poolOf(c)).idle === 10) || undefined, 30_000);
  const created = await Promise.all(Array.from({ length: 50 }, (_, i) => c.createSandbox({ labels: { n: String(i) } })));
  const ids = new Set(created.map((s) => s.id));
  t.equal(ids.size, 50, 'all distinct');
  const warm = created.filter((s) => s.fromWarmPool).length;
  t.ok(warm >= 10, `at least the 10 idle ones came from the pool (${warm})`);
  t.ok(created.every((s) => s.state === 'READY'));
  // Each sandbox really is its own: the label it was created with, and its own hostname.
  const hostnames = await Promise.all(created.map((s) => c.runCollect({ sandboxId: s.id, argv: ['hostname'] })));
  t.same(hostnames.map((h) => h.stdout.toString().trim()), created.map((s) => s.id));
  t.equal((await c.listSandboxes()).length, 50);
  await waitFor('the pool to refill to its target', async () => ((await poolOf(c)).idle === 10) || undefined, 30_000);
  const p = await poolOf(c);
  t.equal(p.claimed, 50);
  t.equal(p.health, 'HEALTHY');
});

t.test('a burst from a full pool: each sandbox handed out once, at full priority, and the pool refills to its target', async (t) => {
  const d = await startDaemon(t, { config: { templates: { default: { pool: { min_idle: 12, max_total: 64, refill_concurrency: 4 } } } } });
  const c = d.client;
  await waitFor('12 idle', async () => ((await poolOf(c)).idle === 12) || undefined, 30_000);
  // The daemon's helper threads (libuv's pool: store batches, log writes) sit below its event loop, so that
  // waking one does not preempt the loop that serves the handoffs (daemon/threads.ts).
  const pid = d.proc!.pid!;
  const nices = readdirSync(`/proc/${pid}/task`).map(Number).map((tid) => [tid, Number(statField(tid, 19))] as const);
  t.equal(nices.find(([tid]) => tid === pid)?.[1], 0, 'the event loop\'s thread at nice 0');
  // The model gateway's thread is an event loop too (daemon/agents/gateway/thread.ts).
  const gatewayTid = Number((await d.logged('the gateway thread', (l) => l.msg === 'the model gateway\'s thread runs'))[0]!.tid);
  t.equal(nices.find(([tid]) => tid === gatewayTid)?.[1], 0, 'the model gateway\'s thread at nice 0');
  const helpers = nices.filter(([tid]) => tid !== pid && tid !== gatewayTid);
  t.ok(helpers.length > 4 && helpers.every(([, n]) => n === 5), `its helper threads at nice 5 (${helpers.length})`);
  // Boots of a pool with a reserve (half its target) run at SCHED_IDLE, only the CPU that handoffs leave;
  // those that fill an empty pool's first half at normal priority.
  const idlePriority = d.sandboxPids().filter((pid) => schedPolicy(pid) === 5).length;
  t.ok(idlePriority >= 2 && idlePriority < 24, `sandboxes booted with a reserve in the pool wait at SCHED_IDLE (${idlePriority / 2} of 12)`);
  // On a kernel with autogroups the CPU is shared between sessions first: a background boot's session
  // (its outer bwrap's) waits at autogroup nice 19 (idle) or 10 (low: once a boot was starved, which a
  // loaded machine can do to this fill) as well, or SCHED_IDLE would not hold it back.
  const autogroups = existsSync('/proc/self/autogroup');
  if (autogroups) {
    const held = d.sandboxPids().filter((pid) => schedPolicy(pid) === 5 && [10, 19].includes(autogroupNice(pid) ?? 0)).length;
    t.equal(held, idlePriority / 2, `and so does each one's session (${held})`);
  }
  // 4 clients, back to back, 24 creates: the pool's 12 and then whatever the refill (or a cold boot) gives.
  const created: Array<{ id: string; fromWarmPool: boolean }> = [];
  let left = 24;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (left-- > 0) created.push(await c.createSandbox({}));
  }));
  t.equal(new Set(created.map((s) => s.id)).size, 24, 'all distinct');
  t.ok(created.filter((s) => s.fromWarmPool).length >= 12, 'at least the 12 idle ones came from the pool');
  const hostnames = await Promise.all(created.map((s) => c.runCollect({ sandboxId: s.id, argv: ['hostname'] })));
  t.same(hostnames.map((h) => h.stdout.toString().trim()), created.map((s) => s.id), 'each is its own sandbox');
  const policies = created.flatMap((s) => d.processesOf(s.id).map(schedPolicy));
  t.ok(policies.length >= 24 * 3, `every process of every handed-out sandbox was found (${policies.length})`);
  // The handoff does not wait for the priority change (a round trip through the launch helper): it lands just after.
  await waitFor('every process of every handed-out sandbox at SCHED_OTHER again, in a session at nice 0',
    () => created.every((s) => d.processesOf(s.id).every((pid) => schedPolicy(pid) === 0 && (!autogroups || autogroupNice(pid) === 0))) || undefined, 5_000);
  t.pass('and every one runs at SCHED_OTHER again, its session at autogroup nice 0');
  await waitFor('the pool to refill to its target', async () => { const p = await poolOf(c); return (p.idle === 12 && p.booting === 0) || undefined; }, 30_000);
  // Counted until it settles: a sandbox's processes can outlive the pool's count of it by a moment.
  let pids = d.sandboxPids().length;
  for (let i = 0; i < 50 && pids !== (24 + 12) * 2; i++) {
    await sleep(100);
    pids = d.sandboxPids().length;
  }
  t.equal(pids, (24 + 12) * 2, 'nothing else runs: an outer bwrap and its init for each');
  // Below its reserve, the pool raised its idle-priority boots under way (they would starve beside busy
  // sandboxes and hold every refill slot): each raise went through.
  t.notOk(d.logs().some((l) => l.msg === 'cannot raise the priority of a pool boot'), 'boots raised when the pool lost its reserve');
});

t.test('Pools.Set changes targets at run time and persists across restarts', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1) });
  const c = d.client;
  await waitFor('1 idle', async () => ((await poolOf(c)).idle === 1) || undefined);
  const set = await c.setPool({ template: 'default', minIdle: 3, maxTotal: 5, maxAgeSeconds: 600 });
  t.equal(set.minIdle, 3);
  t.equal(set.maxTotal, 5);
  t.equal(set.maxAgeSeconds, 600);
  await waitFor('3 idle', async () => ((await poolOf(c)).idle === 3) || undefined);
  await d.restart();
  const after = await poolOf(d.client);
  t.equal(after.minIdle, 3, 'min_idle survived the restart');
  t.equal(after.maxTotal, 5);
  t.equal(after.idle, 3, 'the idle sandboxes were adopted back into the pool');
  await d.client.setPool({ template: 'default', minIdle: 0 });
  await waitFor('the pool to drain', async () => ((await poolOf(d.client)).idle === 0) || undefined);
  t.pass('lowering min_idle discards the extra idle sandboxes');
  await expectError(d.client.setPool({ template: 'default', minIdle: 10, maxTotal: 5 }), 'INVALID_POOL_SETTINGS');
  await expectError(d.client.setPool({ template: 'default', maxTotal: 0 }), 'INVALID_POOL_SETTINGS');
  await expectError(d.client.setPool({ template: 'nope' }), 'TEMPLATE_NOT_FOUND');
});

t.test('create at max_total with nothing idle is POOL_EXHAUSTED', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(0, 2) });
  const c = d.client;
  await c.createSandbox({});
  await c.createSandbox({});
  const err = await expectError(c.createSandbox({}), 'POOL_EXHAUSTED');
  t.equal(err.grpcCode, 8, 'RESOURCE_EXHAUSTED');
  t.match(err.message, /max_total/);
  const [first] = await c.listSandboxes();
  await c.deleteSandbox(first!.id);
  const s = await c.createSandbox({});
  t.equal(s.state, 'READY', 'deleting one frees a slot');
});

t.test('a template that cannot boot reports FAILING instead of spinning', async (t) => {
  const d = await startDaemon(t, {
    config: poolConfig(1, 10, { broken: { rootfs: '/nonexistent/rootfs', pool: { min_idle: 2, max_total: 4 } } }),
  });
  const c = d.client;
  await waitFor('the broken pool to report', async () => ((await poolOf(c, 'broken')).health === 'FAILING') || undefined);
  await sleep(2500);
  const p = await poolOf(c, 'broken');
  t.equal(p.health, 'FAILING');
  t.match(p.lastError, /root filesystem \/nonexistent\/rootfs does not exist/);
  t.ok(p.lastErrorAt);
  t.ok(p.consecutiveFailures >= 1 && p.consecutiveFailures <= 4, `backs off between attempts (${p.consecutiveFailures} in ~2.5 s)`);
  const logged = await d.logged('the refill failed', (l) => l.msg === 'pool cannot refill: boot failed' && l.template === 'broken');
  t.ok(logged.length >= 1, 'the failure is in the log');
  const ok = await poolOf(c, 'default');
  t.equal(ok.health, 'HEALTHY', 'the other pools are unaffected');
  const e = await expectError(c.createSandbox({ template: 'broken' }), 'PROVIDER_FAILED');
  t.match(e.message, /does not exist/);
  t.same(await c.listSandboxes(), [], 'a failed create leaves nothing in the store');
});

t.test('idle sandboxes older than max_age are recycled', async (t) => {
  const d = await startDaemon(t, { config: { templates: { default: { pool: { min_idle: 1, max_total: 4, max_age_seconds: 1 } } } } });
  const c = d.client;
  await waitFor('1 idle', async () => ((await poolOf(c)).idle === 1) || undefined);
  await waitFor('a recycle', () => d.logs().find((l) => l.msg === 'idle sandbox discarded' && /max_age/.test(String(l.reason))), 10_000);
  await waitFor('the pool back at its target', async () => ((await poolOf(c)).idle === 1) || undefined);
  t.pass('recycled and refilled');
});

t.test('a changed template never hands out a sandbox booted from the old spec', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1) });
  await waitFor('1 idle', async () => ((await poolOf(d.client)).idle === 1) || undefined);
  const oldHash = (await poolOf(d.client)).specHash;
  await d.stop();
  const { TestDaemon } = await import('./helpers/daemon.js');
  const d2 = new TestDaemon(d.dir, { templates: { default: { env: { CHANGED: '1' }, pool: { min_idle: 1 } } } });
  t.teardown(() => d2.cleanup());
  await d2.start();
  const p = await poolOf(d2.client);
  t.not(p.specHash, oldHash);
  const s = await d2.client.createSandbox({});
  const r = await d2.client.runCollect({ sandboxId: s.id, argv: ['/bin/sh', '-c', 'echo $CHANGED'] });
  t.equal(r.stdout.toString(), '1\n', 'the sandbox follows the new spec');
  t.ok(await d2.logged('reconcile removed one', (l) => l.msg === 'reconciled the store with running sandboxes' && Number(l.removed) >= 1), 'the stale idle sandbox was removed');
});
