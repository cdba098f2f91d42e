// Pause and resume through the e2b SDK on a microvm template (QEMU, TCG here), where the provider can:
// a paused sandbox is listed as paused, its envd does not answer, and connect resumes it as it was.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { Sandbox, SandboxError, SandboxNotFoundError } from 'e2b';
import { waitFor } from './helpers/daemon.js';
import { e2bAddress, sdkOptions, startE2bDaemon } from './helpers/e2b.js';

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
});
