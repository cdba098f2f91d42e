// Warm handoff from a pool of Ready pods against a cold create that waits for a pod to become Ready,
// both through godeld's socket against the FAKE Kubernetes API server with a scripted start delay
// (what the cluster would spend scheduling and starting a Kata pod). A warm handoff's cost is its
// round trips: one claim patch to the API server and the store's synced write. 1 and 20 concurrent
// clients; the bar is warm p99 under 50 ms with 20 clients. The fake runs in its own process (as
// scripts/fake-kube.sh runs it), so that its work and the 20 clients' do not share the daemon's
// measurement with each other. Where a handoff's time goes: the daemon's own create time and its claim
// round trip (its /metrics), and the fake's time to answer each claim patch (its /fake/stats).
// One JSON line per measurement, then a summary.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { k8sTemplate } from '../tests/helpers/fake-kube/start.js';
import { waitFor } from '../tests/helpers/daemon.js';
import { runBenchmark, withDaemon } from './harness.js';
import { machine, summarize } from './stats.js';

const START_DELAY_MS = Number(process.env.GODEL_BENCH_K8S_START_DELAY_MS ?? 1000);
const ROUNDS = Number(process.env.GODEL_BENCH_K8S_ROUNDS ?? 5);
const COLD = Number(process.env.GODEL_BENCH_K8S_COLD ?? 6);
const FAKE_MAIN = fileURLToPath(new URL('../tests/helpers/fake-kube/main.js', import.meta.url));

/** Starts the fake in its own process; resolves with its URL once it listens. */
async function startFake(dir: string, kubeconfig: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [FAKE_MAIN, '--dir', dir, '--listen', '127.0.10.3:0', '--kubeconfig', kubeconfig, '--namespace', 'godel',
    '--start-delay-ms', String(START_DELAY_MS)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /fake Kubernetes API server at (\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the fake API server exited (${code}): ${err}`)));
  });
  return { child, url };
}

async function stopFake(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await exited;
}

/** Sum and count of one Prometheus series. */
function series(text: string, name: string, labels: string): { sum: number; count: number } {
  const pick = (suffix: string): number => Number(new RegExp(`^${name}_${suffix}\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { sum: pick('sum'), count: pick('count') };
}

interface Split { createMs: number; claimMs: number; claims: number; cpuMs: number }

async function daemonSplit(metricsUrl: string): Promise<Split> {
  const text = await (await fetch(metricsUrl)).text();
  const create = series(text, 'godel_sandbox_create_duration_seconds', 'source="warm",template="warm"');
  const claim = series(text, 'godel_provider_claim_duration_seconds', 'provider="kubernetes"');
  const cpu = Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)?.[1] ?? 0);
  return { createMs: create.sum * 1000, claimMs: claim.sum * 1000, claims: claim.count, cpuMs: cpu * 1000 };
}

async function fakeStats(url: string): Promise<{ patchMs: number[]; cpu: { user: number; system: number } }> {
  return (await fetch(`${url}/fake/stats`)).json() as Promise<{ patchMs: number[]; cpu: { user: number; system: number } }>;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

runBenchmark(async () => {
  const dir = mkdtempSync('/tmp/godel-kubernetes-bench-');
  chmodSync(dir, 0o711);
  const kubeconfig = join(dir, 'kubeconfig');
  const fake = await startFake(join(dir, 'fake'), kubeconfig);
  try {
    const config = {
      node: 'bench',
      templates: {
        default: { pool: { min_idle: 0 } },
        warm: k8sTemplate(kubeconfig, { ready_timeout_seconds: 60 }, { min_idle: 0, max_total: 100, refill_concurrency: 8 }),
        cold: k8sTemplate(kubeconfig, { ready_timeout_seconds: 60 }, { min_idle: 0, max_total: 100 }),
      },
    };
    const results: Record<string, ReturnType<typeof summarize>> = {};
    await withDaemon(config, async (d) => {
      await d.start();
      const c = d.client;
      const metricsUrl = `http://${d.metricsAddress()}/metrics`;
      for (const clients of [1, 20]) {
        const samples: number[] = [];
        /** Each burst's slowest handoff and median: whether the tail is one burst (the first, say) or all of them. */
        const bursts: Array<{ p50: number; max: number }> = [];
        const before = await daemonSplit(metricsUrl);
        const fakeBefore = await fakeStats(fake.url);
        for (let round = 0; round < ROUNDS; round++) {
          await c.setPool({ template: 'warm', minIdle: clients });
          await waitFor('the warm pool', async () => (await c.listPools()).find((p) => p.template === 'warm' && p.idle >= clients), 120_000);
          const burst: number[] = [];
          const ids = await Promise.all(Array.from({ length: clients }, async () => {
            const t0 = process.hrtime.bigint();
            const sb = await c.createSandbox({ template: 'warm' });
            const ms = Number(process.hrtime.bigint() - t0) / 1e6;
            if (!sb.fromWarmPool) throw new Error('a handoff missed the pool');
            burst.push(ms);
            return sb.id;
          }));
          samples.push(...burst);
          const b = summarize(burst);
          bursts.push({ p50: round1(b.p50), max: round1(b.max) });
          await Promise.all(ids.map((id) => c.deleteSandbox(id)));
        }
        // The refill runs behind the handoffs, as it does in use: its creates and the pods' starts share the machine.
        results[`warm_${clients}`] = summarize(samples);
        const after = await daemonSplit(metricsUrl);
        const fakeAfter = await fakeStats(fake.url);
        const n = after.claims - before.claims;
        // The fake's patches in this phase: the claims (the refill's creates are POSTs, not counted).
        const patches = summarize(fakeAfter.patchMs.slice(fakeBefore.patchMs.length));
        const split = {
          clientMeanMs: round1(samples.reduce((a, b) => a + b, 0) / samples.length),
          daemonCreateMeanMs: round1((after.createMs - before.createMs) / n),
          daemonClaimRoundTripMeanMs: round1((after.claimMs - before.claimMs) / n),
          // The daemon's CPU over the phase (handoffs, the refill's boots, deletes), per handoff: what no scheduling noise changes.
          daemonCpuMsPerHandoff: round1((after.cpuMs - before.cpuMs) / n),
          fakePatchServeMs: { p50: patches.p50, p99: patches.p99, mean: patches.mean },
          fakeCpuMs: Math.round((fakeAfter.cpu.user + fakeAfter.cpu.system - fakeBefore.cpu.user - fakeBefore.cpu.system) / 1000),
          bursts,
        };
        process.stdout.write(`${JSON.stringify({ bench: 'kubernetes', kind: 'warm', clients, ...results[`warm_${clients}`], split })}\n`);
      }
      await c.setPool({ template: 'warm', minIdle: 0 });
      const cold: number[] = [];
      for (let i = 0; i < COLD; i++) {
        const t0 = process.hrtime.bigint();
        const sb = await c.createSandbox({ template: 'cold' });
        cold.push(Number(process.hrtime.bigint() - t0) / 1e6);
        await c.deleteSandbox(sb.id);
      }
      results.cold_1 = summarize(cold);
      process.stdout.write(`${JSON.stringify({ bench: 'kubernetes', kind: 'cold', clients: 1, startDelayMs: START_DELAY_MS, ...results.cold_1 })}\n`);
    });
    const ratio = Math.round((results.cold_1!.p50 / results.warm_1!.p50) * 10) / 10;
    process.stdout.write(`${JSON.stringify({
      bench: 'kubernetes', summary: true, machine: machine(), startDelayMs: START_DELAY_MS, coldOverWarmP50: ratio,
      warm20p99Ms: results.warm_20!.p99, bar: 'warm p99 < 50 ms at 20 clients', meetsBar: results.warm_20!.p99 < 50,
    })}\n`);
  } finally {
    await stopFake(fake.child);
    rmSync(dir, { recursive: true, force: true });
  }
});
