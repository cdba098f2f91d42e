// Resource limits of process sandboxes: memory (an OOM kill stays inside and is an event), pids (a fork
// bomb is contained), CPU, and the workspace's disk quota; the daemon and other sandboxes carry on.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { expectError, startDaemon, waitFor } from './helpers/daemon.js';

const LIMITED = { provider: 'process', pool: { min_idle: 0 }, limits: { memory: '64M', cpus: 0.5, pids: 32, disk: '32M' } };

/** The v1 or v2 cgroup file of a sandbox, read from the host as an operator would. */
function cgroupFile(id: string, v1Controller: string, file: string): string | undefined {
  const roots = [join('/sys/fs/cgroup', v1Controller), '/sys/fs/cgroup'];
  for (const root of roots) {
    let entries: string[];
    try {
      entries = readdirSync(root).filter((e) => e.startsWith('godel-'));
    } catch {
      continue;
    }
    for (const e of entries) {
      try {
        return readFileSync(join(root, e, id, file), 'utf8').trim();
      } catch {
        continue;
      }
    }
  }
  return undefined;
}

t.test('resource limits', async (t) => {
  const d = await startDaemon(t, { config: { templates: { limited: LIMITED, default: { provider: 'process', pool: { min_idle: 0 } } } } });
  const c = d.client;
  const sb = await c.createSandbox({ template: 'limited' });
  const neighbour = await c.createSandbox({});

  t.test('the limits are set on the sandbox\'s cgroup', async (t) => {
    const memory = cgroupFile(sb.id, 'memory', 'memory.limit_in_bytes') ?? cgroupFile(sb.id, 'memory', 'memory.max');
    t.equal(memory, String(64 * 2 ** 20));
    const quota = cgroupFile(sb.id, 'cpu', 'cpu.cfs_quota_us') ?? cgroupFile(sb.id, 'cpu', 'cpu.max')?.split(' ')[0];
    t.equal(quota, '50000', 'half a CPU per 100 ms period');
    t.equal(cgroupFile(sb.id, 'pids', 'pids.max'), '32');
  });

  t.test('a memory hog is killed inside its sandbox, with an event, and the sandbox lives on', async (t) => {
    const r = await c.runCollect({ sandboxId: sb.id, argv: ['python3', '-c', 'b = []\nwhile True: b.append(bytearray(1 << 20))'] });
    t.equal(r.signal, 'SIGKILL', 'the OOM killer took the hog');
    const ev = await waitFor('the oom-kill event', async () => (await c.listEvents({ sandboxId: sb.id })).find((e) => e.type === 'oom-kill'));
    t.match(ev.message, /ran out of the sandbox's memory limit/);
    t.equal((await c.runCollect({ sandboxId: sb.id, argv: ['echo', 'alive'] })).stdout.toString(), 'alive\n');
    t.equal((await c.getSandbox(sb.id)).state, 'READY');
  });

  t.test('the workspace disk quota is hit inside the sandbox, not on the host', async (t) => {
    const r = await c.runCollect({ sandboxId: sb.id, argv: ['sh', '-c', 'dd if=/dev/zero of=/workspace/big bs=1M count=64 2>&1; df -k /workspace | tail -1'] });
    t.match(r.stdout.toString(), /No space left on device/);
    const sizeKb = Number(r.stdout.toString().trim().split('\n').pop()!.split(/\s+/)[1]);
    t.ok(sizeKb > 16 * 1024 && sizeKb <= 32 * 1024, `the workspace filesystem is the quota's size (${sizeKb} KiB)`);
    const image = join(d.stateDir, 'sandboxes', sb.id, 'workspace.img');
    t.ok(statSync(image).blocks * 512 <= 40 * 2 ** 20, 'the image takes no more host disk than the quota');
    await c.runCollect({ sandboxId: sb.id, argv: ['rm', '/workspace/big'] });
    const w = await c.runCollect({ sandboxId: sb.id, argv: ['sh', '-c', 'echo fine > /workspace/f && cat /workspace/f'] });
    t.equal(w.stdout.toString(), 'fine\n', 'freed space is usable again');
  });

  t.test('a fork bomb is contained; the daemon and the other sandboxes carry on', async (t) => {
    // The bomb keeps forking until the sandbox is deleted; what it got meanwhile is measured.
    const bomb = c.runCollect({ sandboxId: sb.id, argv: ['bash', '-c', 'bomb() { bomb | bomb & }; bomb; wait'] }).catch(() => undefined);
    await waitFor('the pids-limit event', async () => (await c.listEvents({ sandboxId: sb.id })).find((e) => e.type === 'pids-limit'));
    const current = Number(cgroupFile(sb.id, 'pids', 'pids.current'));
    t.ok(current > 8 && current <= 32, `the bomb is held at the sandbox's 32 processes (${current})`);
    t.equal(await c.healthCheck(), 'SERVING');
    t.equal((await c.runCollect({ sandboxId: neighbour.id, argv: ['echo', 'unaffected'] })).stdout.toString(), 'unaffected\n');
    await c.deleteSandbox(sb.id);
    await bomb;
    await expectError(c.getSandbox(sb.id), 'SANDBOX_NOT_FOUND');
    t.equal(cgroupFile(sb.id, 'pids', 'pids.max'), undefined, 'its cgroups are gone with it');
  });
});
