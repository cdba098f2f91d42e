// Crash consistency: SIGKILL the daemon at random moments under a load of create, exec, delete and
// snapshot calls, start it again, and check that nothing acknowledged was lost and nothing unknown runs.
import t from 'tap';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GodelClient } from '../ipc/client.js';
import { poolConfig, startDaemon, waitFor } from './helpers/daemon.js';

const ROUNDS = Number(process.env.GODEL_CRASH_ROUNDS ?? 8);

/** Runs a random mix of calls until the daemon dies; returns which creates and deletes were acknowledged. */
async function load(c: GodelClient, alive: () => boolean, known: Set<string>): Promise<{ created: Set<string>; deleted: Set<string>; deleting: Set<string> }> {
  const created = new Set<string>();
  const deleted = new Set<string>();
  // Deletes sent but not acknowledged: the daemon may have started them, and then finishes them on restart.
  const deleting = new Set<string>();
  const worker = async (): Promise<void> => {
    while (alive()) {
      const roll = Math.random();
      try {
        if (roll < 0.45) {
          created.add((await c.createSandbox({ labels: { crash: 'test' } })).id);
        } else if (roll < 0.7) {
          const pick = [...created, ...known].filter((id) => !deleted.has(id) && !deleting.has(id))[0];
          if (pick) {
            deleting.add(pick);
            await c.deleteSandbox(pick);
            deleted.add(pick);
          }
        } else if (roll < 0.9) {
          const pick = [...created, ...known].find((id) => !deleted.has(id));
          if (pick) await c.runCollect({ sandboxId: pick, argv: ['sh', '-c', 'echo x > /workspace/f'] });
        } else {
          const pick = [...created, ...known].find((id) => !deleted.has(id));
          if (pick) await c.createSnapshot({ sandboxId: pick });
        }
      } catch {
        await sleep(5); // Refused or cut off by the crash: only acknowledged calls count.
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return { created, deleted, deleting };
}

t.test('SIGKILL at random points loses nothing acknowledged and leaves nothing unknown', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(2, 30) });
  let expected = new Set<string>();
  for (let round = 0; round < ROUNDS; round++) {
    let running = true;
    const loadDone = load(d.client, () => running, expected);
    await sleep(150 + Math.random() * 600);
    const launchers = d.launcherPids();
    await d.stop('SIGKILL');
    // The launch helper that started the boots goes with the daemon; what it started is adopted or reaped below.
    await waitFor(`round ${round}: the launch helper to go with the daemon`, () => launchers.every((pid) => !existsSync(`/proc/${pid}`)) || undefined, 5000);
    running = false;
    const { created, deleted, deleting } = await loadDone;
    await d.start();
    const c = d.client;
    const listed = await c.listSandboxes();
    const ids = new Set(listed.map((s) => s.id));
    for (const id of [...created, ...expected]) {
      if (!deleting.has(id)) t.ok(ids.has(id), `round ${round}: acknowledged ${id} is still there`);
    }
    for (const id of deleted) t.notOk(ids.has(id), `round ${round}: acknowledged delete of ${id} held`);
    t.same(listed.filter((s) => s.state === 'CREATING' || s.state === 'STOPPING').map((s) => s.id), [], `round ${round}: nothing stuck in CREATING or STOPPING`);
    for (const s of listed.filter((x) => x.state === 'READY')) {
      const r = await c.runCollect({ sandboxId: s.id, argv: ['true'] });
      t.equal(r.exitCode, 0, `round ${round}: ${s.id} is usable`);
    }
    // Every sandbox process belongs to a listed sandbox or to the pool.
    const pool = await waitFor('the pool to settle', async () => {
      const [p] = await c.listPools();
      return p!.booting === 0 ? p : undefined;
    });
    const runningSandboxes = d.sandboxPids().length / 2; // An outer bwrap and its namespace init each.
    t.equal(runningSandboxes, listed.filter((s) => s.state === 'READY').length + pool!.idle, `round ${round}: no orphan runs`);
    expected = new Set(listed.map((s) => s.id));
  }
  const [p] = await d.client.listPools();
  await waitFor('the pool to refill', async () => ((await d.client.listPools())[0]!.idle >= Math.min(2, 30 - p!.claimed)) || undefined, 20_000);
  t.pass('the pool refills after the last crash');

  // A crash in the middle of a refill: boots started by the launch helper, some recorded (lazily) and some
  // not, some half-way through bwrap's setup. Each is adopted into the pool or reaped; none runs unknown.
  for (const s of await d.client.listSandboxes()) await d.client.deleteSandbox(s.id);
  await d.client.setPool({ template: 'default', minIdle: 16 });
  await waitFor('boots in flight', async () => ((await d.client.listPools())[0]!.booting > 0 && (await d.client.listPools())[0]!.idle >= 4) || undefined, 20_000);
  const launchers = d.launcherPids();
  t.ok(launchers.length >= 1, 'the boots were started by a launch helper');
  await d.stop('SIGKILL');
  await waitFor('the launch helper to go with the daemon', () => launchers.every((pid) => !existsSync(`/proc/${pid}`)) || undefined, 5000);
  await d.start();
  const settled = await waitFor('the pool to settle', async () => {
    const [q] = await d.client.listPools();
    return q!.booting === 0 ? q : undefined;
  });
  t.equal(d.sandboxPids().length / 2, settled!.idle, 'every sandbox that runs is in the pool: the rest were reaped');
  const reconciled = (await d.logged('reconcile is done', (l) => l.msg === 'reconciled the store with running sandboxes')).pop()!;
  t.ok(Number(reconciled.pooled) >= 1, `the recorded ones were adopted into the pool (${reconciled.pooled}; ${reconciled.removed} removed, ${reconciled.orphans} orphans)`);
  await waitFor('the pool to refill to 16', async () => ((await d.client.listPools())[0]!.idle >= 16) || undefined, 30_000);
  const running = d.launcherPids();
  await d.stop();
  await waitFor('the launch helper to exit with a clean stop', () => running.every((pid) => !existsSync(`/proc/${pid}`)) || undefined, 5000);
  t.pass('a clean stop leaves no launch helper behind');
});
