// Benchmark: warm handoff latency with 1 and 20 concurrent clients, cold create latency, and raw bwrap
// starting the same sandbox as the baseline, all in one run on a real daemon.
// Prints one JSON object per measurement, then a summary with the ratios the bars are stated in.
import { spawn } from 'node:child_process';
import { mkdirSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../daemon/config/config.js';
import { bwrapArgs } from '../daemon/providers/process/process-provider.js';
import { findExecutable } from '../daemon/providers/process/procfs.js';
import { waitFor } from '../tests/helpers/daemon.js';
import { withDaemon, runBenchmark } from './harness.js';
import { machine, summarize, type Summary } from './stats.js';
import type { GodelClient } from '../ipc/client.js';

const ROUNDS_ONE = Number(process.env.BENCH_ROUNDS_ONE ?? 200);
const ROUNDS_TWENTY = Number(process.env.BENCH_ROUNDS_TWENTY ?? 10);
const COLD = Number(process.env.BENCH_COLD ?? 40);
const RAW = Number(process.env.BENCH_RAW ?? 40);

function report(name: string, s: Summary, extra: Record<string, unknown> = {}): Summary {
  process.stdout.write(`${JSON.stringify({ bench: name, unit: 'ms', ...s, ...extra })}\n`);
  return s;
}

async function idle(c: GodelClient): Promise<number> {
  return (await c.listPools()).find((p) => p.template === 'default')!.idle;
}

async function idleOrBooting(c: GodelClient): Promise<number> {
  const p = (await c.listPools()).find((x) => x.template === 'default')!;
  return p.idle + p.booting;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return [Number(process.hrtime.bigint() - t0) / 1e6, v];
}

/** Claims `clients` sandboxes at once, `rounds` times, waiting for the pool to refill between rounds. */
async function warm(c: GodelClient, clients: number, rounds: number): Promise<{ samples: number[]; misses: number }> {
  const samples: number[] = [];
  let misses = 0;
  for (let r = 0; r < rounds; r++) {
    await waitFor('the pool to refill', async () => ((await idle(c)) >= clients) || undefined, 60_000);
    const results = await Promise.all(Array.from({ length: clients }, () => timed(() => c.createSandbox({}))));
    for (const [ms, s] of results) {
      samples.push(ms);
      if (!s.fromWarmPool) misses++;
    }
    await Promise.all(results.map(([, s]) => c.deleteSandbox(s.id)));
  }
  return { samples, misses };
}

async function cold(c: GodelClient, n: number): Promise<number[]> {
  await c.setPool({ template: 'default', minIdle: 0 });
  await waitFor('an empty pool', async () => ((await idleOrBooting(c)) === 0) || undefined);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const [ms, s] = await timed(() => c.createSandbox({}));
    if (s.fromWarmPool) throw new Error('expected a cold boot');
    samples.push(ms);
    await c.deleteSandbox(s.id);
  }
  return samples;
}

/** The same bwrap command line the daemon uses (same user, namespaces and mounts), running `true`. */
async function rawBwrap(dir: string, n: number): Promise<number[]> {
  const spec = parseConfig({}).templates.get('default')!.spec;
  const workspace = join(dir, 'raw-workspace');
  mkdirSync(workspace, { recursive: true, mode: 0o700 });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(workspace, 61000, 61000);
  const bwrap = findExecutable('bwrap')!;
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const [ms] = await timed(() => new Promise<void>((resolve, reject) => {
      const p = spawn(bwrap, bwrapArgs('sb-rawbwrapbaseline', spec, workspace, ['true']), {
        stdio: ['ignore', 'ignore', 'inherit', 'pipe'], env: { PATH: '/usr/bin:/bin' }, ...(asRoot ? { uid: 61000, gid: 61000 } : {}),
      });
      (p.stdio[3] as NodeJS.ReadableStream).resume();
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bwrap exited ${code}`))));
    }));
    samples.push(ms);
  }
  return samples;
}

async function main(): Promise<void> {
  await withDaemon({ templates: { default: { pool: { min_idle: 24, max_total: 64, refill_concurrency: 4 } } } }, async (d, dir) => {
    await d.start();
    const c = d.client;
    await waitFor('24 idle', async () => ((await idle(c)) >= 24) || undefined, 60_000);
    for (let i = 0; i < 20; i++) await c.deleteSandbox((await c.createSandbox({})).id); // Warm up the daemon's code paths.

    const one = await warm(c, 1, ROUNDS_ONE);
    const w1 = report('warm_handoff_1_client', summarize(one.samples), { misses: one.misses });
    const twenty = await warm(c, 20, ROUNDS_TWENTY);
    const w20 = report('warm_handoff_20_clients', summarize(twenty.samples), { misses: twenty.misses });
    const coldS = report('cold_create', summarize(await cold(c, COLD)));
    const raw = report('raw_bwrap_same_sandbox', summarize(await rawBwrap(dir, RAW)));
    const summary = {
      machine: machine(),
      bars: {
        warm_1_p99_under_10ms: w1.p99 < 10,
        warm_20_p99_under_50ms: w20.p99 < 50,
        cold_p50_within_2x_raw_bwrap: coldS.p50 <= 2 * raw.p50,
      },
      ratios: { cold_p50_over_raw_bwrap_p50: Math.round((coldS.p50 / raw.p50) * 100) / 100, raw_bwrap_p50_over_warm_1_p50: Math.round((raw.p50 / w1.p50) * 100) / 100 },
    };
    process.stdout.write(`${JSON.stringify({ summary })}\n`);
  });
}

runBenchmark(main);
