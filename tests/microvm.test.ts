// The microvm provider with real QEMU guests (TCG here): the guest image's own kernel, the same exec,
// PTY and Files behaviour as a process sandbox, isolation from the host, the warm pool handing out paused
// VMs, refills restored from a saved VM template, adoption after a daemon restart, an agent CLI (claude,
// the quickest to start under TCG) running in a VM against a FAKE model server through the gateway, and
// clear errors for a missing image or a guest that never comes up. Needs the image and the agents disk:
// npm run image -- .cache/microvm-image (the test setup builds both).
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { expectError, sh, startDaemon, waitFor } from './helpers/daemon.js';
import { sandboxContract } from './helpers/sandbox-contract.js';
import { sessionFlowChecks } from './helpers/session.js';
import { FLOW_WINDOW } from '../guest/protocol.js';
import { startFakeModels } from './helpers/fake-models/fake-models.js';
import { AGENT_TASKS, scriptedOutput } from './helpers/agent-tasks.js';
import type { AgentEvent } from '../ipc/client.js';

const IMAGE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'microvm-image');
const manifest = JSON.parse(readFileSync(join(IMAGE, 'manifest.json'), 'utf8')) as { kernel: string };
const FAKE_HOST = '127.0.41.1';
const ANTHROPIC_KEY = 'sk-ant-godeltest-VMKEY-4b1d8e2f7a';

function config(minIdle: number, imageDir = IMAGE, fakeUrl = 'http://127.0.41.9:9'): Record<string, unknown> {
  return {
    microvm: { image_dir: imageDir },
    templates: { default: { provider: 'process', pool: { min_idle: 0 } }, microvm: { provider: 'microvm', limits: { cpus: 1, memory: '384M' }, pool: { min_idle: minIdle, max_total: 6 } } },
    models: { providers: { anthropic: { api: 'anthropic', base_url: fakeUrl, api_key_env: 'GODEL_TEST_ANTHROPIC_KEY' } } },
  };
}

/**
 * Which of `needles` are anywhere in a QEMU process's memory: the guest's RAM (its processes' environments
 * and arguments, tmpfs, the page cache of every file it read or wrote) and QEMU's own (its environment).
 */
function inProcessMemory(pid: number, needles: string[]): Set<string> {
  const found = new Set<string>();
  const bufs = needles.map((n) => Buffer.from(n));
  const overlap = Math.max(...bufs.map((b) => b.length));
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  try {
    for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
      const m = /^([0-9a-f]+)-([0-9a-f]+) r/.exec(line);
      if (!m || line.endsWith('[vvar]') || line.endsWith('[vsyscall]')) continue;
      const end = parseInt(m[2]!, 16);
      const chunk = Buffer.alloc(16 * 2 ** 20);
      for (let at = parseInt(m[1]!, 16); at < end; at += chunk.length - overlap) {
        let n: number;
        try {
          n = readSync(fd, chunk, 0, Math.min(chunk.length, end - at), at);
        } catch {
          break; // A mapping with nothing behind it (a guard page): nothing to find there.
        }
        bufs.forEach((b, i) => { if (chunk.subarray(0, n).includes(b)) found.add(needles[i]!); });
        if (at + n >= end) break;
      }
    }
  } finally {
    closeSync(fd);
  }
  return found;
}

t.test('microvm sandboxes', async (t) => {
  const fake = await startFakeModels({ host: FAKE_HOST });
  t.teardown(() => fake.close());
  const d = await startDaemon(t, { config: config(1, IMAGE, fake.url), env: { GODEL_TEST_ANTHROPIC_KEY: ANTHROPIC_KEY } });
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

  // The agent's channel carries every command's bytes over one port: a window per command each way
  // (guest/protocol.ts FLOW_WINDOW) keeps a slow reader or a fast writer from growing either side.
  t.test('a file larger than the channel\'s window goes in and comes out byte for byte', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'godel-vm-file-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const data = randomBytes(3 * FLOW_WINDOW + 12345);
    writeFileSync(join(dir, 'in.bin'), data);
    await c.uploadFile(join(dir, 'in.bin'), { sandboxId: vm.id, path: '/workspace/big.bin' }, { stream: true });
    t.equal((await sh(c, vm.id, 'sha256sum < /workspace/big.bin')).split(' ')[0], createHash('sha256').update(data).digest('hex'));
    await c.downloadFile(vm.id, '/workspace/big.bin', join(dir, 'out.bin'), { stream: true });
    t.ok(readFileSync(join(dir, 'out.bin')).equals(data), 'the download is the upload');
    await sh(c, vm.id, 'rm /workspace/big.bin');
  });

  t.test('flow control over the agent channel', async (t) => {
    // Without the window the producer ran on behind the paused reader, and the writer got 24+ MiB in (+68 MiB).
    await sessionFlowChecks(t, c, vm.id, d.proc!.pid!, 32 * 2 ** 20);
  });

  t.test('an agent runs in a VM: claude writes a file with its own tool through the gateway; the real key never enters', async (t) => {
    const task = AGENT_TASKS.claude;
    const file = '/workspace/claude-vm.txt';
    const script = task.script(file, 'hello from a VM\n');
    fake.requests.length = 0;
    fake.setScript(script);
    t.equal(await sh(c, vm.id, 'findmnt -no OPTIONS /opt/godel-agents | cut -d, -f1; touch /opt/godel-agents/x 2>&1 | grep -c Read-only'), 'ro\n1\n', 'the CLIs are on a read-only disk');
    const qemuPid = Number(readFileSync(join(d.stateDir, 'vms', vm.id, 'vm.pid'), 'utf8').trim());
    const events: AgentEvent[] = [];
    let scanned: Set<string> | undefined;
    // It waits a few seconds for a follow-up after its answer: the guest is searched while the CLI runs.
    const stream = c.runAgent({ sandboxId: vm.id, runtime: 'claude', model: task.model, prompt: `write ${file}`, waitSeconds: 5 });
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (e: AgentEvent) => {
        events.push(e);
        if (e.turnEnd && !scanned) scanned = inProcessMemory(qemuPid, [ANTHROPIC_KEY, 'godel-agent-']);
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    const end = events.find((e) => e.end)?.end;
    t.equal(end?.reason, 'done', `ended done (${end?.message})`);
    t.equal(await sh(c, vm.id, `cat ${file}`), 'hello from a VM\n', 'the file is in the VM, written by the CLI\'s own tool');
    t.ok(events.some((e) => e.toolCall?.name === 'Write') && events.some((e) => e.toolResult), 'the tool call and its result were normalized');
    const modelCalls = fake.requests.filter((r) => r.api);
    const metered = events.filter((e) => e.usage?.source === 'gateway');
    t.equal(metered.length, modelCalls.length, 'one metered usage event per model call');
    t.equal(Number(end?.totals?.outputTokens), scriptedOutput(script, modelCalls.map((r) => r.turn)), 'the totals are what the fake reported');
    t.ok(modelCalls.every((r) => String(r.headers['x-api-key']).includes(ANTHROPIC_KEY)), 'the upstream got the real key, from the host');
    t.ok(scanned, 'the guest was searched while the agent ran');
    t.ok(scanned!.has('godel-agent-'), 'the search saw the agent\'s token in the guest (it looked in the right place)');
    t.notOk(scanned!.has(ANTHROPIC_KEY), 'the real key is nowhere in the VM: not in the guest\'s memory, files or processes, nor in QEMU\'s');
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
    // A snapshot of a machine its template no longer makes is refused, not restored into a guest whose disks
    // do not match its memory. A rebuilt image or agents disk changes the machine's key; here the key
    // saved with the snapshot is rewritten instead, since this daemon's image is the whole suite's.
    const before = (await c.listSandboxes()).length;
    writeFileSync(join(d.stateDir, 'snapshots', snap.id, 'machine', 'machine-key'), 'a machine of before the rebuild');
    t.match((await expectError(c.restoreSnapshot({ snapshotId: snap.id }), 'SNAPSHOT_INCOMPATIBLE')).message, /take a new one/);
    t.equal((await c.listSandboxes()).length, before, 'nothing half-made');
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
