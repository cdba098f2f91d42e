// A pool pod whose claim the FAKE Kubernetes API server refuses, and whose delete it refuses too: the
// sandbox was never handed out, so it is listed to no one; it is recorded FAILED with both reasons as
// an event (not left in STOPPING until a restart), and its pod's delete is retried until it goes,
// across a daemon restart too.
import t from 'tap';
import { join } from 'node:path';
import { expectError, startDaemon, waitFor } from './helpers/daemon.js';
import { k8sTemplate, startFakeKube } from './helpers/fake-kube/start.js';

t.test('a refused claim whose pod cannot be deleted either', async (t) => {
  const fake = await startFakeKube(t, { host: '127.0.10.3', namespaces: ['godel'] });
  const kubeconfig = fake.writeKubeconfig(join(fake.dir, 'kubeconfig'));
  const d = await startDaemon(t, {
    config: { node: 'k8s-r', templates: { default: { pool: { min_idle: 0 } }, k8s: k8sTemplate(kubeconfig, {}, { min_idle: 2, max_total: 10 }) } },
  });
  const c = d.client;
  const full = (): Promise<unknown> => waitFor('the pool to fill', async () => (await d.client.listPools()).find((p) => p.template === 'k8s' && p.idle >= 2), 30_000);
  /** Hands out a sandbox while the fake refuses one claim and `deletes` deletes; returns it and the pod whose claim was refused. */
  const refusedHandoff = async (deletes: number): Promise<{ handed: string; refused: string }> => {
    await full();
    const before = fake.refusedCalls.length;
    fake.failPatches = 1;
    fake.failDeletes = deletes;
    const sb = await c.createSandbox({ template: 'k8s' });
    t.equal(sb.fromWarmPool, true, 'the handoff goes on to the next idle pod');
    const [patch, del] = await waitFor('the claim and the delete to be refused', () => (fake.refusedCalls.length >= before + 2 ? fake.refusedCalls.slice(before, before + 2) : undefined));
    const refused = patch!.replace(/^PATCH /, '');
    t.equal(del, `DELETE ${refused}`, 'the pod of the refused claim is deleted, and that is refused too');
    t.not(refused, sb.id);
    return { handed: sb.id, refused };
  };

  await t.test('FAILED with why, listed to no one, and removed once the delete goes through', async (t) => {
    const { handed, refused } = await refusedHandoff(1);
    await expectError(c.getSandbox(refused), 'SANDBOX_NOT_FOUND');
    t.notOk((await c.listSandboxes()).some((s) => s.id === refused), 'no client was given it: it is not listed (in STOPPING or otherwise)');
    await waitFor('the retried delete to remove its pod', () => !fake.pod('godel', refused), 10_000);
    const events = await waitFor('its removal to be recorded', async () => {
      const ev = (await c.listEvents({ sandboxId: refused })).filter((e) => e.type !== 'request');
      return ev.some((e) => e.type === 'deleted') ? ev : undefined;
    });
    const failed = events.find((e) => e.type === 'failed');
    t.equal(failed?.state, 'FAILED');
    t.match(failed?.message, /^never handed out: claiming it failed: claiming pod .* the cluster answered 503: the server is currently unable to handle the request; removing it failed: deleting pod .* answered 503/);
    t.match(events.at(-1), { type: 'deleted', message: /never handed out: claiming it failed: .*; removed on attempt 2$/ });
    t.ok(d.logs().some((l) => l.msg === 'cannot remove a sandbox that was never handed out; retrying' && l.sandbox === refused));
    await c.deleteSandbox(handed);
  });

  await t.test('still retried after a daemon restart', async (t) => {
    const { handed, refused } = await refusedHandoff(1000);
    await waitFor('its failure to be recorded', async () => (await c.listEvents({ sandboxId: refused })).some((e) => e.type === 'failed') || undefined);
    await d.stop();
    t.ok(fake.pod('godel', refused), 'its pod is still there');
    await d.start();
    await expectError(d.client.getSandbox(refused), 'SANDBOX_NOT_FOUND');
    t.ok(fake.pod('godel', refused), 'its pod stays while the API server refuses its delete');
    fake.failDeletes = 0;
    await waitFor('the retried delete to remove its pod', () => !fake.pod('godel', refused), 10_000);
    const last = await waitFor('its removal to be recorded', async () => (await d.client.listEvents({ sandboxId: refused })).filter((e) => e.type !== 'request').find((e) => e.type === 'deleted'));
    t.match(last.message, /never handed out: its removal failed before a daemon restart; removed on attempt \d+$/);
    t.equal((await d.client.listEvents({ sandboxId: refused })).filter((e) => e.type === 'failed').length, 1, 'one failed event, not one per attempt');
    await d.client.deleteSandbox(handed);
  });

  await t.test('a client\'s delete that the API server refuses: FAILED with why, retried until it goes, across a restart', async (t) => {
    await full();
    const sb = await d.client.createSandbox({ template: 'k8s' });
    fake.failDeletes = 1000;
    await expectError(d.client.deleteSandbox(sb.id), 'PROVIDER_UNAVAILABLE');
    const failed = await d.client.getSandbox(sb.id);
    t.equal(failed.state, 'FAILED', 'not left in STOPPING');
    t.match(failed.statusMessage, /^deleted, but removing it failed: deleting pod .* answered 503.*\(retried until it goes; delete it again to retry now\)$/);
    t.ok((await d.client.listSandboxes()).some((s) => s.id === sb.id), 'still listed to its owner while its pod exists');
    await expectError(d.client.deleteSandbox(sb.id), 'PROVIDER_UNAVAILABLE'); // A delete again tries at once.
    t.ok(fake.pod('godel', sb.id), 'its pod stays while the API server refuses its delete');
    await d.stop();
    await d.start();
    t.equal((await d.client.getSandbox(sb.id)).state, 'FAILED', 'after a restart, still FAILED with why');
    fake.failDeletes = 0;
    await waitFor('the retried delete to remove its pod', () => !fake.pod('godel', sb.id), 10_000);
    await waitFor('the sandbox to go', () => d.client.getSandbox(sb.id).then(() => undefined, () => true), 10_000);
    const events = (await d.client.listEvents({ sandboxId: sb.id })).filter((e) => e.type !== 'request').map((e) => e.type);
    t.same(events.slice(-3), ['deleting', 'failed', 'deleted'], 'one failed event, not one per attempt, then its end');
  });
});
