// Benchmark: federation, in one run on one machine. Swarm.Spawn of 50 over three federated daemons with
// warm pools, against the same 50 from one daemon alone; Exec.Run of `true` and PTY throughput through a
// forward against the same call made on the owner directly (interleaved); placement decision time.
// Prints one JSON object per measurement, then a summary with the ratios the bars are stated in.
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GodelClient } from '../ipc/client.js';
import { TestDaemon, sh, waitFor, type TestContext } from '../tests/helpers/daemon.js';
import { startFederation } from '../tests/helpers/federation.js';
import { TestSession } from '../tests/helpers/session.js';
import { runBenchmark } from './harness.js';
import { machine, summarize, type Summary } from './stats.js';

const SWARM = Number(process.env.BENCH_SWARM ?? 50);
const ROUNDS = Number(process.env.BENCH_SWARM_ROUNDS ?? 5);
const EXECS = Number(process.env.BENCH_EXECS ?? 200);
const PTY_MB = Number(process.env.BENCH_PTY_MB ?? 64);
const PER_NODE = Math.ceil(SWARM / 3) + 1;

function report(name: string, s: Summary | Record<string, unknown>, unit = 'ms'): void {
  process.stdout.write(`${JSON.stringify({ bench: name, unit, ...s })}\n`);
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return [Number(process.hrtime.bigint() - t0) / 1e6, v];
}

async function idleOf(c: GodelClient): Promise<number> {
  return (await c.listPoolsWithNodes({ node: (await c.info()).node })).pools.find((p) => p.template === 'default')!.idle;
}

/** `rounds` swarms of `count` from `via`, each after every pool listed in `pools` has refilled to `target`. */
async function swarms(via: GodelClient, pools: GodelClient[], target: number, count: number, rounds: number) {
  const ms: number[] = [];
  const placement: number[] = [];
  let warm = 0;
  let placed = 0;
  for (let r = 0; r < rounds; r++) {
    await waitFor('pools to refill', async () => (await Promise.all(pools.map(idleOf))).every((n) => n >= target) || undefined, 180_000);
    const [t, res] = await timed(() => via.spawnSwarmCollect({ template: 'default', count }));
    ms.push(t);
    placement.push(res.done.placementSeconds * 1000);
    placed += res.sandboxes.length;
    warm += res.sandboxes.filter((s) => s.fromWarmPool).length;
    await via.deleteSwarm(res.done.swarmId);
  }
  return { ms, placement, warm, placed };
}

async function ptyMBs(c: GodelClient, id: string): Promise<number> {
  const bytes = PTY_MB * 2 ** 20;
  let got = 0;
  const [t] = await timed(async () => {
    const s = new TestSession(c, { start: { sandboxId: id, argv: ['cat', '/workspace/big'], tty: true, cols: 200, rows: 50 } });
    s.call.removeAllListeners('data');
    s.call.on('data', (ev: { stdout?: Buffer }) => { if (ev.stdout) got += ev.stdout.length; });
    await new Promise<void>((resolve, reject) => { s.call.on('end', resolve); s.call.on('error', reject); });
  });
  if (got < bytes) throw new Error(`the PTY stream lost bytes: ${got} of ${bytes}`);
  return bytes / 2 ** 20 / (t / 1000);
}

async function main(): Promise<void> {
  const teardowns: Array<() => unknown> = [];
  const ctx: TestContext = { teardown: (fn) => teardowns.push(fn) };
  try {
    const { nodes } = await startFederation(ctx, 3, { pool: () => ({ min_idle: PER_NODE, max_total: 200 }) });
    const [a, b, c] = nodes.map((n) => n.daemon.client) as [GodelClient, GodelClient, GodelClient];

    // 1. Swarms of 50 over three warm pools, placed from node-a.
    const fed = await swarms(a, [a, b, c], PER_NODE, SWARM, ROUNDS);
    const fedS = summarize(fed.ms);
    report('swarm_50_over_3_daemons', { ...fedS, warm: fed.warm, placed: fed.placed });
    const placeS = summarize(fed.placement);
    report('swarm_placement_decision', placeS);

    // 2. Exec and PTY through a forward (node-a -> node-b) against node-b directly, interleaved, once the
    // pools have refilled (so that boots do not compete with what is measured).
    await waitFor('pools to refill', async () => (await Promise.all([a, b, c].map(idleOf))).every((n) => n >= PER_NODE) || undefined, 180_000);
    const s = await b.createSandbox({});
    await sh(b, s.id, `head -c ${PTY_MB}M /dev/urandom > /workspace/big`);
    const direct: number[] = [];
    const forwarded: number[] = [];
    for (let i = 0; i < EXECS; i++) {
      direct.push((await timed(() => b.runCollect({ sandboxId: s.id, argv: ['true'] })))[0]);
      forwarded.push((await timed(() => a.runCollect({ sandboxId: s.id, argv: ['true'] })))[0]);
    }
    const directS = summarize(direct);
    const fwdS = summarize(forwarded);
    report('exec_true_direct', directS);
    report('exec_true_forwarded', fwdS);
    const ptyDirect: number[] = [];
    const ptyForwarded: number[] = [];
    for (let i = 0; i < 3; i++) {
      ptyDirect.push(await ptyMBs(b, s.id));
      ptyForwarded.push(await ptyMBs(a, s.id));
    }
    const med = (x: number[]): number => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!;
    report('pty_throughput_direct', { mb_per_s: Math.round(med(ptyDirect) * 10) / 10, runs: ptyDirect.map((x) => Math.round(x)) }, 'MB/s');
    report('pty_throughput_forwarded', { mb_per_s: Math.round(med(ptyForwarded) * 10) / 10, runs: ptyForwarded.map((x) => Math.round(x)) }, 'MB/s');
    await b.deleteSandbox(s.id);
    for (const n of nodes) await n.daemon.cleanup();

    // 3. The same swarms from one daemon alone (no federation), its pool holding all 50.
    const dir = mkdtempSync(join(tmpdir(), 'godel-bench-'));
    chmodSync(dir, 0o711);
    const solo = new TestDaemon(dir, { templates: { default: { pool: { min_idle: SWARM, max_total: 200 } } } });
    teardowns.push(() => solo.cleanup()); // It removes its directory too, once the daemon and its sandboxes are gone.
    await solo.start();
    const one = await swarms(solo.client, [solo.client], SWARM, SWARM, ROUNDS);
    const oneS = summarize(one.ms);
    report('swarm_50_one_daemon', { ...oneS, warm: one.warm, placed: one.placed });

    process.stdout.write(`${JSON.stringify({ summary: {
      machine: machine(),
      ratios: {
        swarm_federated_p50_over_one_daemon_p50: Math.round((fedS.p50 / oneS.p50) * 100) / 100,
        exec_forwarded_p50_over_direct_p50: Math.round((fwdS.p50 / directS.p50) * 100) / 100,
        pty_forwarded_over_direct: Math.round((med(ptyForwarded) / med(ptyDirect)) * 100) / 100,
      },
      bars: {
        warm_swarm_of_50_over_3_under_1s: fedS.max < 1000 && fed.warm === fed.placed,
        forwarded_exec_within_1_5x: fwdS.p50 <= 1.5 * directS.p50,
        forwarded_pty_at_least_half: med(ptyForwarded) >= med(ptyDirect) / 2,
      },
    } })}\n`);
  } finally {
    // Every teardown runs, whatever an earlier one did; the first failure is reported after.
    const results = [];
    for (const fn of teardowns.reverse()) results.push(await Promise.allSettled([fn()]).then(([r]) => r!));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

runBenchmark(main);
