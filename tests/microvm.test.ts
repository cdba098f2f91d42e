// The microvm provider with real QEMU guests (TCG here): the guest image's own kernel, the same exec,
// PTY and Files behaviour as a process sandbox, isolation from the host, the warm pool handing out paused
// VMs, refills restored from a saved VM template, adoption after a daemon restart, and clear errors for
// a missing image or a guest that never comes up. Needs the image: npm run image -- .cache/microvm-image
// (the test setup builds it).
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { expectError, sh, startDaemon, waitFor } from './helpers/daemon.js';
import { sandboxContract } from './helpers/sandbox-contract.js';

const IMAGE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'microvm-image');
const manifest = JSON.parse(readFileSync(join(IMAGE, 'manifest.json'), 'utf8')) as { kernel: string };

function config(minIdle: number, imageDir = IMAGE): Record<string, unknown> {
  return {
    microvm: { image_dir: imageDir },
    templates: { default: { provider: 'process', pool: { min_idle: 0 } }, microvm: { provider: 'microvm', limits: { cpus: 1, memory: '384M' }, pool: { min_idle: minIdle, max_total: 6 } } },
  };
}

t.test('microvm sandboxes', async (t) => {
  const d = await startDaemon(t, { config: config(1) });
  const c = d.client;
  await waitFor('a VM in the pool', async () => (await c.listPools()).find((p) => p.template === 'microvm' && p.idle >= 1), 120_000);
  const vm = await c.createSandbox({ template: 'microvm' });

  t.test('a warm VM is handed out running the guest image\'s kernel, as uid 1000', async (t) => {
    t.ok(vm.fromWarmPool);
    t.equal(vm.provider, 'microvm');
    const kernel = (await sh(c, vm.id, 'uname -r')).trim();
    t.equal(kernel, manifest.kernel);
    t.not(kernel, release(), 'not the host\'s kernel');
    t.equal(await sh(c, vm.id, 'id -u; id -g; pwd'), '1000\n1000\n/workspace\n');
  });

  t.test('the guest sees none of the host\'s files or processes', async (t) => {
    const marker = join(tmpdir(), `godel-host-marker-${process.pid}`);
    writeFileSync(marker, 'host secret');
    t.teardown(() => rmSync(marker, { force: true }));
    t.equal(await sh(c, vm.id, `test -e ${marker} && echo visible || echo absent`), 'absent\n');
    t.equal(await sh(c, vm.id, `test -e /proc/${process.pid} && grep -q node /proc/${process.pid}/cmdline && echo visible || echo absent`), 'absent\n');
    t.equal(await sh(c, vm.id, 'grep -c processor /proc/cpuinfo; awk \'/MemTotal/ {print ($2 < 400000)}\' /proc/meminfo'), '1\n1\n', 'the template\'s vCPUs and memory');
  });

  t.test('the sandbox contract: exec, PTY sessions and files behave as in a process sandbox', async (t) => {
    await sandboxContract(t, c, vm.id, false);
    t.equal(await sh(c, vm.id, 'cat /workspace/contract.txt'), 'hello\n');
  });

  t.test('files written through the API are on the VM\'s own disk', async (t) => {
    await c.writeFile({ sandboxId: vm.id, path: '/workspace/hello.txt', mode: 'TRUNCATE', permissions: 0o644 }, Buffer.from('hello vm\n'));
    t.equal(await sh(c, vm.id, 'cat /workspace/hello.txt; findmnt -no SOURCE /'), 'hello vm\n/dev/vda\n');
  });

  t.test('refills are restored from a saved VM template, and clones are not alike', async (t) => {
    await waitFor('the refill', async () => (await c.listPools()).find((p) => p.template === 'microvm' && p.idle >= 1), 120_000);
    t.ok(await d.logged('a VM template was saved', (l) => l.msg === 'saved a VM template: new VMs of this shape are restored from it'));
    const clone = await c.createSandbox({ template: 'microvm' });
    t.ok(clone.fromWarmPool);
    const boots = d.logs().filter((l) => l.msg === 'sandbox booted' && l.template === 'microvm').map((l) => Number(l.bootMs));
    t.ok(Math.min(...boots.slice(1)) < boots[0]!, `a restore (${boots.slice(1).join(', ')} ms) beats the cold boot (${boots[0]} ms)`);
    const [a, b] = await Promise.all([vm.id, clone.id].map((id) => sh(c, id, 'head -c 16 /dev/urandom | od -An -tx1')));
    t.not(a, b, 'their random generators were reseeded apart');
    const skew = Math.abs(Number(await sh(c, clone.id, 'date +%s')) - Date.now() / 1000);
    t.ok(skew < 5, `the clone's clock was set at the handoff (off by ${skew.toFixed(1)} s)`);
    await c.deleteSandbox(clone.id);
  });

  t.test('a saved state that no longer restores falls back to a cold boot and is saved anew', async (t) => {
    const templates = join(d.stateDir, 'vm-templates');
    const [key] = readdirSync(templates).filter((e) => !e.endsWith('.partial'));
    writeFileSync(join(templates, key!, 'state'), 'not a QEMU migration stream');
    const taken = await c.createSandbox({ template: 'microvm' }); // The refill after it meets the corrupt state.
    await waitFor('the fallback', async () => d.logs().find((l) => l.msg === 'restoring from the VM template failed; booting cold'), 60_000);
    await waitFor('the pool to refill', async () => (await c.listPools()).find((p) => p.template === 'microvm' && p.idle >= 1), 120_000);
    t.ok(statSync(join(templates, key!, 'state')).size > 1_000_000, 'a new state was saved');
    await c.deleteSandbox(taken.id);
  });

  t.test('pause and resume: nothing runs while paused, and the VM carries on after', async (t) => {
    // A counter written by the shell's own echo: with `date > tick` the file sat truncated while date
    // started (slow under TCG on a loaded host), and a read could find it empty twice in a row.
    await sh(c, vm.id, 'nohup sh -c \'i=0; while :; do i=$((i+1)); echo $i > /workspace/tick; sleep 0.1; done\' >/dev/null 2>&1 &');
    await new Promise((r) => setTimeout(r, 500));
    t.equal((await c.pauseSandbox(vm.id)).state, 'PAUSED');
    await expectError(c.runCollect({ sandboxId: vm.id, argv: ['true'] }), 'SANDBOX_NOT_READY');
    await new Promise((r) => setTimeout(r, 1500));
    t.equal((await c.resumeSandbox(vm.id)).state, 'READY');
    await expectError(c.resumeSandbox(vm.id), 'SANDBOX_NOT_READY');
    const first = await sh(c, vm.id, 'cat /workspace/tick');
    await new Promise((r) => setTimeout(r, 500));
    t.not(await sh(c, vm.id, 'cat /workspace/tick'), first, 'the loop runs again');
    const events = (await c.listEvents({ sandboxId: vm.id })).map((e) => e.type);
    t.ok(events.includes('paused') && events.includes('resumed'));
    const proc = await c.createSandbox({});
    await expectError(c.pauseSandbox(proc.id), 'NOT_SUPPORTED');
    await c.deleteSandbox(proc.id);
  });

  t.test('a memory snapshot restores a running VM with its processes; fork copies the whole machine', async (t) => {
    await sh(c, vm.id, 'echo 41 > /workspace/n; nohup sh -c \'read x < /workspace/n; while :; do x=$((x+1)); echo $x > /workspace/n; sleep 0.2; done\' >/dev/null 2>&1 & echo $! > /workspace/loop.pid');
    const snap = await c.createSnapshot({ sandboxId: vm.id, name: 'with-memory', memory: true });
    t.equal(snap.kind, 'MEMORY');
    const restored = await c.restoreSnapshot({ snapshotId: snap.id });
    t.equal(restored.state, 'READY');
    const pid = (await sh(c, restored.id, 'cat /workspace/loop.pid')).trim();
    t.equal(await sh(c, restored.id, `kill -0 ${pid} && echo running`), 'running\n', 'the process that ran at the snapshot runs in the restored VM');
    const n1 = Number(await sh(c, restored.id, 'cat /workspace/n'));
    await new Promise((r) => setTimeout(r, 700));
    t.ok(Number(await sh(c, restored.id, 'cat /workspace/n')) > n1, 'and keeps counting');
    await expectError(c.createSnapshot({ sandboxId: vm.id, name: 'files-only' }), 'NOT_SUPPORTED');
    const fork = await c.fork({ sandboxId: vm.id, count: 2 });
    t.equal(fork.sandboxes.length, 2);
    for (const f of fork.sandboxes) t.equal(await sh(c, f.id, `kill -0 ${pid} && echo running`), 'running\n');
    for (const id of [restored.id, ...fork.sandboxes.map((f) => f.id)]) await c.deleteSandbox(id);
    await c.deleteSnapshot(snap.id);
  });

  t.test('VMs keep running across a daemon restart and are adopted', async (t) => {
    const worker = (await sh(c, vm.id, 'sleep 1000 >/dev/null 2>&1 & echo $!')).trim();
    await d.restart();
    const got = await d.client.getSandbox(vm.id);
    t.equal(got.state, 'READY');
    t.equal(await sh(d.client, vm.id, `cat /workspace/hello.txt; kill -0 ${worker} && echo running`), 'hello vm\nrunning\n');
  });

  t.test('a VM killed behind the daemon\'s back is marked FAILED', async (t) => {
    const pidFile = join(d.stateDir, 'vms', vm.id, 'vm.pid');
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    await waitFor('the sandbox to fail', async () => ((await d.client.getSandbox(vm.id)).state === 'FAILED') || undefined, 10_000);
    await expectError(d.client.runCollect({ sandboxId: vm.id, argv: ['true'] }), 'SANDBOX_DEAD');
    await d.client.deleteSandbox(vm.id);
  });
});

t.test('microvm faults: a missing image, and a guest that never comes up', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'godel-noimage-'));
  chmodSync(empty, 0o755); // QEMU runs as the sandbox user.
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  const d = await startDaemon(t, { config: config(0, empty) });
  const err = await expectError(d.client.createSandbox({ template: 'microvm' }), 'PROVIDER_UNAVAILABLE');
  t.match(err.message, /guest image is missing .* npm run image/);

  // A kernel and initramfs with a root disk that is not a filesystem: the guest powers off at once.
  copyFileSync(join(IMAGE, 'vmlinuz'), join(empty, 'vmlinuz'));
  copyFileSync(join(IMAGE, 'initrd.img'), join(empty, 'initrd.img'));
  writeFileSync(join(empty, 'rootfs.img'), Buffer.alloc(1024 * 1024));
  chmodSync(join(empty, 'rootfs.img'), 0o600);
  t.match((await expectError(d.client.createSandbox({ template: 'microvm' }), 'PROVIDER_UNAVAILABLE')).message, /cannot read .*rootfs.img/);
  chmodSync(join(empty, 'rootfs.img'), 0o644);
  const broken = await expectError(d.client.createSandbox({ template: 'microvm' }), 'PROVIDER_FAILED');
  t.match(broken.message, /VM exited before its agent answered|guest agent did not answer/);
  t.same(await d.client.listSandboxes(), [], 'nothing half-made is listed');
  t.equal(d.logs().filter((l) => l.msg === 'sandbox booted' && l.template === 'microvm').length, 0);
});
