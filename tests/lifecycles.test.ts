// TTL, idle timeout and maximum lifetime, with the delete and stop policies, also across a restart.
import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { GODELCTL, expectError, poolConfig, sh, startDaemon, waitFor } from './helpers/daemon.js';
import { TestSession } from './helpers/session.js';

t.test('lifecycles', async (t) => {
  const d = await startDaemon(t, {
    config: poolConfig(1, 64, { short: { pool: { min_idle: 0 }, lifecycle: { idle_timeout_seconds: 2, policy: 'stop' } } }),
  });
  const gone = async (id: string): Promise<boolean> => !(await d.client.listSandboxes()).some((s) => s.id === id);

  t.test('an idle sandbox expires; one in use does not', async (t) => {
    const c = d.client;
    const idle = await c.createSandbox({ idleTimeoutSeconds: 2 });
    const busy = await c.createSandbox({ idleTimeoutSeconds: 2 });
    const attached = await c.createSandbox({ idleTimeoutSeconds: 2 });
    t.equal(idle.idleTimeoutSeconds, 2);
    const running = c.runCollect({ sandboxId: busy.id, argv: ['sleep', '5'] });
    const session = new TestSession(c, { start: { sandboxId: attached.id, argv: ['sleep', '60'] } });
    await session.started;
    await waitFor('the idle one to go', () => gone(idle.id), 10_000);
    t.equal((await c.getSandbox(busy.id)).state, 'READY', 'a running command keeps it');
    t.equal((await c.getSandbox(attached.id)).state, 'READY', 'an attached session keeps it');
    await running;
    session.disconnect();
    await waitFor('the others to go once unused', async () => (await gone(busy.id)) && (await gone(attached.id)), 15_000);
    t.pass('both expired after their last use');
  });

  t.test('maximum lifetime is a hard deadline, busy or not', async (t) => {
    const c = d.client;
    const s = await c.createSandbox({ maxLifetimeSeconds: 2 });
    t.ok(s.maxLifetimeAt, 'the deadline is reported');
    c.runCollect({ sandboxId: s.id, argv: ['sleep', '30'] }).catch(() => undefined);
    await waitFor('the deadline', () => gone(s.id), 10_000);
    t.pass('deleted at its maximum lifetime');
  });

  t.test('the stop policy keeps the files and the record', async (t) => {
    const c = d.client;
    const s = await c.createSandbox({ template: 'short' });
    t.equal(s.expiryPolicy, 'STOP', 'the template default applies');
    await sh(c, s.id, 'echo kept > /workspace/f');
    await waitFor('the stop', async () => ((await c.getSandbox(s.id)).state === 'STOPPED') || undefined, 10_000);
    const got = await c.getSandbox(s.id);
    t.match(got.statusMessage, /idle for 2 s/);
    t.ok(existsSync(join(d.stateDir, 'sandboxes', s.id, 'workspace', 'f')), 'the workspace is still on disk');
    await expectError(c.runCollect({ sandboxId: s.id, argv: ['true'] }), 'SANDBOX_NOT_READY');
    await c.deleteSandbox(s.id);
    t.notOk(existsSync(join(d.stateDir, 'sandboxes', s.id)), 'delete removes it');
  });

  t.test('TTL: set, moved with godelctl ttl, and held across a restart', async (t) => {
    const s = await d.client.createSandbox({ ttlSeconds: 3600 });
    const ctl = spawnSync(process.execPath, [GODELCTL, 'ttl', s.id, '3'], { encoding: 'utf8', env: { ...process.env, GODEL_SOCKET: d.socket } });
    t.equal(ctl.status, 0, ctl.stderr);
    t.match(ctl.stdout, /expires at/);
    await d.restart('SIGKILL');
    t.equal((await d.client.getSandbox(s.id)).state, 'READY', 'still there right after the restart');
    await waitFor('the stored deadline', () => gone(s.id), 10_000);
    t.pass('expired on time after the restart');
    const keep = await d.client.createSandbox({ ttlSeconds: 2 });
    t.notOk((await d.client.setTtl(keep.id, 0)).expiresAt, 'ttl 0 removes the deadline');
    await sleep(3000);
    t.equal((await d.client.getSandbox(keep.id)).state, 'READY');
    await expectError(d.client.setTtl('sb-0000000000000000', 5), 'SANDBOX_NOT_FOUND');
    await expectError(d.client.createSandbox({ idleTimeoutSeconds: 10 ** 9 }), 'INVALID_ARGUMENT');
  });
});
