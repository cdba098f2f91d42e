// Warm handoff from a pool of Ready pods against a cold create that waits for a pod to become Ready,
// both through godeld's socket against the FAKE Kubernetes API server with a scripted start delay
// (what the cluster would spend scheduling and starting a Kata pod). A warm handoff's cost is its
// round trips: one claim patch to the API server and the store's synced write. 1 and 20 concurrent
// clients; the bar is warm p99 under 50 ms with 20 clients. One JSON line per measurement, then a summary.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FakeKubeApiServer } from '../tests/helpers/fake-kube/fake-apiserver.js';
import { k8sTemplate } from '../tests/helpers/fake-kube/start.js';
import { waitFor } from '../tests/helpers/daemon.js';
import { runBenchmark, withDaemon } from './harness.js';
import { machine, summarize } from './stats.js';

const START_DELAY_MS = Number(process.env.GODEL_BENCH_K8S_START_DELAY_MS ?? 1000);
const ROUNDS = Number(process.env.GODEL_BENCH_K8S_ROUNDS ?? 5);
const COLD = Number(process.env.GODEL_BENCH_K8S_COLD ?? 6);

runBenchmark(async () => {
  const dir = mkdtempSync('/tmp/godel-kubernetes-bench-');
  chmodSync(dir, 0o711);
  const fake = new FakeKubeApiServer({ dir: join(dir, 'fake'), host: '127.0.10.3', namespaces: ['godel'], startDelayMs: START_DELAY_MS });
  await fake.start();
  try {
    const kubeconfig = fake.writeKubeconfig(join(dir, 'kubeconfig'));
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
      for (const clients of [1, 20]) {
        const samples: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          await c.setPool({ template: 'warm', minIdle: clients });
          await waitFor('the warm pool', async () => (await c.listPools()).find((p) => p.template === 'warm' && p.idle >= clients), 120_000);
          const ids = await Promise.all(Array.from({ length: clients }, async () => {
            const t0 = process.hrtime.bigint();
            const sb = await c.createSandbox({ template: 'warm' });
            const ms = Number(process.hrtime.bigint() - t0) / 1e6;
            if (!sb.fromWarmPool) throw new Error('a handoff missed the pool');
            samples.push(ms);
            return sb.id;
          }));
          await Promise.all(ids.map((id) => c.deleteSandbox(id)));
        }
        // The refill runs behind the handoffs, as it does in use: its creates and the pods' starts share the machine.
        results[`warm_${clients}`] = summarize(samples);
        process.stdout.write(`${JSON.stringify({ bench: 'kubernetes', kind: 'warm', clients, ...results[`warm_${clients}`] })}\n`);
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
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
