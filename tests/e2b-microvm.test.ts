// Pause and resume through the e2b SDK on a microvm template (QEMU, TCG here), where the provider can:
// a paused sandbox is listed as paused, its envd does not answer, and connect resumes it as it was.
// Then the other way: godel's e2b provider pauses and resumes, through godel's gRPC API, a sandbox that
// lives on this microvm template behind the endpoint.
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { Sandbox, SandboxError, SandboxNotFoundError } from 'e2b';
import { TestDaemon, waitFor } from './helpers/daemon.js';
import { E2B_KEY, e2bAddress, sdkOptions, startE2bDaemon } from './helpers/e2b.js';

const IMAGE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'microvm-image');

t.test('pause and resume a microvm sandbox with the SDK', async (t) => {
  const d = await startE2bDaemon(t, '127.0.20.4', {
    microvm: { image_dir: IMAGE },
    e2b: { templates: { vm: 'microvm' } },
    templates: { default: { pool: { min_idle: 0 } }, microvm: { provider: 'microvm', limits: { cpus: 1, memory: '384M' }, pool: { min_idle: 1, max_total: 2 } } },
  });
  const opts = sdkOptions(await e2bAddress(d));
  await waitFor('a VM in the pool', async () => (await d.client.listPools()).find((p) => p.template === 'microvm' && p.idle >= 1), 120_000);
  const sb = await Sandbox.create('vm', { ...opts, timeoutMs: 300_000 });
  t.teardown(() => sb.kill().catch(() => undefined));
  await sb.commands.run('echo kept > /workspace/state');
  const counter = await sb.commands.run('i=0; while :; do i=$((i+1)); echo $i > /workspace/count; sleep 0.1; done', { background: true });

  t.equal(await sb.pause(), true);
  t.equal((await sb.getInfo()).state, 'paused');
  const paused = await Sandbox.list({ ...opts, query: { state: ['paused'] } }).nextItems();
  t.same(paused.map((s) => s.sandboxId), [sb.sandboxId], 'listed as paused');
  t.equal(await sb.pause(), false, 'pausing a paused sandbox is a no-op, as with E2B');
  await t.rejects(sb.commands.run('true'), SandboxNotFoundError, 'its envd does not answer while paused');

  const resumed = await Sandbox.connect(sb.sandboxId, opts);
  t.equal((await resumed.getInfo()).state, 'running');
  t.equal((await resumed.files.read('/workspace/state')), 'kept\n', 'files as they were');
  const before = Number(await resumed.files.read('/workspace/count'));
  await waitFor('the loop to run on', async () => Number(await resumed.files.read('/workspace/count')) > before + 3);
  t.ok((await resumed.commands.list()).some((p) => p.pid === counter.pid), 'the background command survived the pause');
  const metrics = await resumed.getMetrics().then(() => undefined, (e: unknown) => e);
  t.ok(metrics instanceof SandboxError && (metrics as SandboxError & { statusCode?: number }).statusCode === 501, 'the microvm provider does not measure use: 501');
  t.match((metrics as Error).message, 'does not measure');
  await resumed.kill();

  // The e2b provider on a second godeld, with this endpoint as its E2B.
  const address = await e2bAddress(d);
  const dir = mkdtempSync(join(tmpdir(), 'godel-e2b-near-'));
  chmodSync(dir, 0o711);
  const near = new TestDaemon(dir, {
    node: 'near',
    templates: { 'remote-vm': { provider: 'e2b', e2b: { template: 'vm', api_url: `http://${address}`, sandbox_url: `http://${address}`, api_key_env: 'GODEL_TEST_E2B_KEY' }, pool: { min_idle: 0 } } },
  });
  near.env = { GODEL_TEST_E2B_KEY: E2B_KEY };
  t.teardown(() => near.cleanup());
  await near.start();
  const g = await near.client.createSandbox({ template: 'remote-vm' });
  t.equal(g.provider, 'e2b');
  await near.client.runCollect({ sandboxId: g.id, argv: ['sh', '-c', 'echo through-godel > /workspace/state'] });
  const [remote] = await Sandbox.list({ ...opts, query: { metadata: { 'godel.sandbox': g.id } } }).nextItems();
  t.ok(remote, 'the far side holds it');
  t.equal((await near.client.pauseSandbox(g.id)).state, 'PAUSED', 'Sandboxes.Pause through the e2b provider');
  t.equal((await Sandbox.getInfo(remote!.sandboxId, opts)).state, 'paused', 'and the far side has it paused');
  t.equal((await near.client.resumeSandbox(g.id)).state, 'READY', 'Sandboxes.Resume');
  t.equal((await Sandbox.getInfo(remote!.sandboxId, opts)).state, 'running', 'running on the far side again');
  const r = await near.client.runCollect({ sandboxId: g.id, argv: ['cat', '/workspace/state'] });
  t.equal(r.stdout.toString(), 'through-godel\n', 'with its files as they were, and it runs commands again');
  await near.client.deleteSandbox(g.id);
  t.same(await Sandbox.list({ ...opts, query: { metadata: { 'godel.sandbox': g.id } } }).nextItems(), [], 'deleted on the far side too');
});
