// Upgrade: stop the old daemon, start a new install of it on the same state dir, and everything is
// adopted: claimed and idle pool sandboxes, with their processes, files, limits, deadlines and history.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { sh, startDaemon, waitFor } from './helpers/daemon.js';

const distRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(distRoot, '..');

/** A second install of godeld, as `npm install` into another prefix or an unpacked release would give. */
function installCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'godel-next-'));
  cpSync(distRoot, join(dir, 'dist'), { recursive: true });
  cpSync(join(repoRoot, 'package.json'), join(dir, 'package.json'));
  cpSync(join(repoRoot, 'ipc'), join(dir, 'ipc'), { recursive: true }); // The .proto files, loaded at run time.
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

t.test('an upgrade is stop, replace, start, with sandboxes running throughout', async (t) => {
  const config = {
    templates: {
      default: { provider: 'process', pool: { min_idle: 1 } },
      limited: { provider: 'process', pool: { min_idle: 0 }, limits: { memory: '128M', pids: 64, disk: '32M' } },
    },
  };
  const d = await startDaemon(t, { config });
  const next = installCopy();
  t.teardown(() => rmSync(next, { recursive: true, force: true }));

  const a = await d.client.createSandbox({ labels: { app: 'a' }, ttlSeconds: 3600 });
  const b = await d.client.createSandbox({ template: 'limited' });
  const worker = await sh(d.client, a.id, 'echo kept > /workspace/f; sleep 1000 >/dev/null 2>&1 & echo $!');
  await sh(d.client, b.id, 'echo limited > /workspace/f');
  const idle = await waitFor('an idle pool sandbox', async () => (await d.client.listPools()).find((p) => p.template === 'default' && p.idle >= 1));
  t.ok(idle);
  const before = await d.client.getSandbox(a.id);
  const pidsBefore = d.sandboxPids().sort();

  t.equal(await d.stop('SIGTERM'), 0);
  d.godeld = join(next, 'dist', 'daemon', 'main.js');
  await d.start();

  t.same(d.sandboxPids().sort(), pidsBefore, 'the same sandbox processes ran throughout: none was restarted');
  const after = await d.client.getSandbox(a.id);
  t.equal(after.state, 'READY');
  t.same(after.labels, { app: 'a' });
  t.same(after.expiresAt, before.expiresAt, 'the TTL deadline is kept');
  t.equal(await sh(d.client, a.id, `cat /workspace/f; kill -0 ${worker.trim()} && echo running`), 'kept\nrunning\n');
  t.equal(await sh(d.client, b.id, 'cat /workspace/f; df -k /workspace | tail -1 | awk "{print (\\$2 <= 32768)}"'), 'limited\n1\n',
    'the limited sandbox keeps its workspace filesystem');
  const pool = (await d.client.listPools()).find((p) => p.template === 'default')!;
  t.equal(pool.idle, 1, 'the idle pool sandbox was adopted, not booted again');
  const claimed = await d.client.createSandbox({});
  t.ok(claimed.fromWarmPool, 'and is handed out by the new daemon');
  const history = await d.client.listEvents({ sandboxId: a.id });
  t.ok(history.some((e) => e.type === 'claimed') && history.some((e) => e.method === 'Sandboxes.Create'),
    'the old daemon\'s events and audit records are kept');
});
