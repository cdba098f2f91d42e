// Benchmark: warm handoff latency, on a quiet pool and while the pool refills behind the handoffs, and
// cold create against raw bwrap starting the same sandbox, all on real daemons.
//
// Quiet: 1 and 20 clients with the pool full before every round. Under demand (the pool refills while it
// serves): a burst of 80 back to back from a full pool of 80 (1 client, and 20 clients at once); steady
// rates (20 and 40 creates/s for 5 s, sent on schedule whatever the replies do) from a pool of 40; the
// highest steady rate at which every create is still warm; and a microvm handoff taken while its pool
// restores replacements (when the guest image is there). The burst and steady scenarios run again from a
// Python grpcio client, so the figures do not depend on the Node client.
// Prints one JSON object per measurement, then a summary with the bars and whether each was met.
// BENCH_ONLY=quiet,burst,steady,busy,maxrate,python,microvm,cold picks scenarios; BENCH_PROFILE=1 adds the
// daemon's event-loop delay and CPU time to each measurement (benchmarks/loop-probe.ts).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, chownSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig } from '../daemon/config/config.js';
import { bwrapArgs } from '../daemon/providers/process/process-provider.js';
import { findExecutable } from '../daemon/providers/process/procfs.js';
import { waitFor, type TestDaemon } from '../tests/helpers/daemon.js';
import { withDaemon, runBenchmark } from './harness.js';
import { machine, summarize, type Summary } from './stats.js';
import type { GodelClient } from '../ipc/client.js';

const ROUNDS_ONE = Number(process.env.BENCH_ROUNDS_ONE ?? 200);
const ROUNDS_TWENTY = Number(process.env.BENCH_ROUNDS_TWENTY ?? 10);
const COLD = Number(process.env.BENCH_COLD ?? 40);
const RAW = Number(process.env.BENCH_RAW ?? 40);
const BURST = Number(process.env.BENCH_BURST ?? 80);
const STEADY_POOL = Number(process.env.BENCH_STEADY_POOL ?? 40);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 5);
const STEADY_RATES = (process.env.BENCH_STEADY_RATES ?? '20,40').split(',').map(Number);
/** Rates tried, in order, for the highest steady rate with every create warm; the search stops at the first miss. */
const MAX_RATE_LADDER = (process.env.BENCH_MAX_RATES ?? '40,45,50,55,60,70,80,100,120').split(',').map(Number);
const VM_CLAIMS = Number(process.env.BENCH_VM_CLAIMS ?? 20);
const VM_INTERVAL_MS = Number(process.env.BENCH_VM_INTERVAL_MS ?? 700);
const VM_POOL = 4;
/** Claimed sandboxes that burn CPU (two per core here) while the busy scenario takes handoffs beside them. */
const BUSY_SANDBOXES = Number(process.env.BENCH_BUSY_SANDBOXES ?? 4);
const BUSY_RATE = Number(process.env.BENCH_BUSY_RATE ?? 20);
/** Taken from a full pool for the refill timing (fewer than half of STEADY_POOL, so it keeps its reserve). */
const REFILL_TAKEN = 8;
const ONLY = new Set((process.env.BENCH_ONLY ?? 'quiet,burst,steady,busy,maxrate,python,microvm,cold').split(','));
const PROFILE = process.env.BENCH_PROFILE === '1';
const HERE = dirname(fileURLToPath(import.meta.url));
const PY_CLIENT = join(HERE, '..', '..', 'benchmarks', 'handoff-client.py');
/** Debian's interpreter, which Debian's python3-grpcio is installed for (scripts/setup.sh). */
const PYTHON = '/usr/bin/python3';
const IMAGE = process.env.GODEL_IMAGE_DIR ?? join(HERE, '..', '..', '.cache', 'microvm-image');
/** Burst and steady scenarios run on one template whose pool is resized between them; max_total leaves room for every claim. */
const DEMAND_CONFIG = { templates: { default: { pool: { min_idle: 0, max_total: 1000, refill_concurrency: 4 } } } };

function report(name: string, s: Summary, extra: Record<string, unknown> = {}): Summary {
  process.stdout.write(`${JSON.stringify({ bench: name, unit: 'ms', ...s, ...extra })}\n`);
  return s;
}

async function pool(c: GodelClient, template = 'default'): Promise<{ idle: number; booting: number }> {
  return (await c.listPools()).find((p) => p.template === template)!;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return [Number(process.hrtime.bigint() - t0) / 1e6, v];
}

/** How often (per second), and how many times, the trivial call of rpcFloor is made. */
const FLOOR_RATE = 40;
const FLOOR_CALLS = 200;

/**
 * The floor under every figure here: a call that does nothing (System.Version) on the same daemon, one at
 * a time at the steady scenario's spacing (25 ms). Spaced calls cost more than back-to-back ones (on the
 * 2-core VM these were measured on, a bare grpc-js call between two Node processes took p50 0.8-1.1 ms
 * back to back and 1.8-2.3 ms 50 ms apart: every process and thread involved has gone idle in between), and
 * a handoff is never back to back with the previous one under a steady rate, so this is the baseline a
 * handoff's own cost is read against.
 */
async function rpcFloor(c: GodelClient): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < FLOOR_CALLS; i++) {
    samples.push((await timed(() => c.version()))[0]);
    await sleep(1000 / FLOOR_RATE);
  }
  return samples;
}

/** The daemon's event-loop delay and CPU time over a scenario, when BENCH_PROFILE=1 loaded the probe into it. */
class LoopProbe {
  private seq = 0;
  constructor(private readonly d: TestDaemon, private readonly file: string) {}

  static attach(d: TestDaemon, dir: string): LoopProbe | undefined {
    if (!PROFILE) return undefined;
    const file = join(dir, 'loop-probe.json');
    d.env = { ...d.env, GODEL_LOOP_PROBE: file, NODE_OPTIONS: `--import ${join(HERE, 'loop-probe.js')}` };
    // BENCH_CPU_PROF=DIR also has the daemon write a V8 CPU profile there when it stops (not allowed in NODE_OPTIONS).
    const dirOut = process.env.BENCH_CPU_PROF;
    if (dirOut) {
      const args = d.args.bind(d);
      d.args = () => ['--cpu-prof', `--cpu-prof-dir=${dirOut}`, ...args()];
    }
    return new LoopProbe(d, file);
  }

  async read(): Promise<Record<string, unknown>> {
    this.d.proc!.kill('SIGUSR2');
    const want = ++this.seq;
    return waitFor('the loop probe', () => {
      try {
        const r = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>;
        return r.seq === want ? r : undefined;
      } catch {
        return undefined; // Not written yet.
      }
    });
  }
}

/** Runs `fn` and adds the daemon's event-loop figures over it to what it returns, when profiling. */
async function probed<T extends object>(probe: LoopProbe | undefined, fn: () => Promise<T>): Promise<T & { daemon?: unknown }> {
  await probe?.read();
  const r = await fn();
  return probe ? { ...r, daemon: await probe.read() } : r;
}

/**
 * Takes `n` from a full pool of `size` (kept), and times until the pool is full again: how long refills
 * take when nothing hurries them (the pool never falls below its reserve), beside whatever else runs.
 */
async function refillTime(c: GodelClient, size: number, n: number): Promise<{ ms: number; ids: string[] }> {
  await fillPool(c, size);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await c.createSandbox({})).id);
  const start = performance.now();
  await waitFor(`${size} idle again`, async () => ((await pool(c)).idle >= size) || undefined, 120_000);
  return { ms: performance.now() - start, ids };
}

async function fillPool(c: GodelClient, minIdle: number): Promise<void> {
  await c.setPool({ template: 'default', minIdle });
  await waitFor(`${minIdle} idle`, async () => ((await pool(c)).idle >= minIdle) || undefined, 120_000);
}

/** Deletes what a scenario claimed, a few at a time, so that the next scenario starts from a quiet daemon. */
async function deleteAll(c: GodelClient, ids: string[]): Promise<void> {
  const queue = [...ids];
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let id = queue.pop(); id; id = queue.pop()) await c.deleteSandbox(id);
  }));
}

interface Run { samples: number[]; warm: number; ids: string[] }

/** `n` creates, `clients` at a time, each client back to back; the sandboxes are kept until the end. */
async function burst(c: GodelClient, n: number, clients: number): Promise<Run> {
  const run: Run = { samples: [], warm: 0, ids: [] };
  let left = n;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (left > 0) {
      left--;
      const [ms, s] = await timed(() => c.createSandbox({}));
      run.samples.push(ms);
      run.ids.push(s.id);
      if (s.fromWarmPool) run.warm++;
    }
  }));
  return run;
}

/** `rate` creates a second for `seconds`, each sent at its time whether or not earlier ones have returned. */
async function steady(c: GodelClient, rate: number, seconds: number): Promise<Run> {
  const run: Run = { samples: [], warm: 0, ids: [] };
  const n = Math.round(rate * seconds);
  const t0 = performance.now();
  const calls: Array<Promise<void>> = [];
  for (let i = 0; i < n; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    calls.push(timed(() => c.createSandbox({})).then(([ms, s]) => {
      run.samples.push(ms);
      run.ids.push(s.id);
      if (s.fromWarmPool) run.warm++;
    }));
  }
  await Promise.all(calls);
  return run;
}

/** The same from the Python client; it deletes what it created itself. */
function python(socket: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const p = spawn(PYTHON, [PY_CLIENT, socket, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) reject(new Error(`the Python client failed (${code}): ${err.trim()}`));
      else resolve({ ...(JSON.parse(out) as { samples: number[]; warm: number }), ids: [] });
    });
  });
}

function pythonUsable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import grpc'], { stdio: 'ignore' }).status === 0;
}

/** Claims `clients` sandboxes at once, `rounds` times, waiting for the pool to refill between rounds. */
async function quiet(c: GodelClient, clients: number, rounds: number): Promise<Run> {
  const run: Run = { samples: [], warm: 0, ids: [] };
  for (let r = 0; r < rounds; r++) {
    await waitFor('the pool to refill', async () => ((await pool(c)).idle >= clients) || undefined, 60_000);
    const results = await Promise.all(Array.from({ length: clients }, () => timed(() => c.createSandbox({}))));
    for (const [ms, s] of results) {
      run.samples.push(ms);
      if (s.fromWarmPool) run.warm++;
    }
    await Promise.all(results.map(([, s]) => c.deleteSandbox(s.id)));
  }
  return run;
}

async function cold(c: GodelClient, n: number): Promise<number[]> {
  await c.setPool({ template: 'default', minIdle: 0 });
  await waitFor('an empty pool', async () => { const p = await pool(c); return (p.idle + p.booting === 0) || undefined; });
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
    const { args, fds } = bwrapArgs('sb-rawbwrapbaseline', spec, workspace, ['true']);
    // The descriptors the launcher would open, opened here (a written file stands in for each pipe).
    const stdio: Array<'ignore' | 'inherit' | 'pipe' | number> = ['ignore', 'ignore', 'inherit', 'pipe'];
    for (const f of fds) {
      let path: string;
      if ('data' in f) writeFileSync(path = join(dir, `raw-fd-${f.fd}`), f.data);
      else path = f.file;
      while (stdio.length < f.fd) stdio.push('ignore');
      stdio[f.fd] = openSync(path, 'r');
    }
    const [ms] = await timed(() => new Promise<void>((resolve, reject) => {
      const p = spawn(bwrap, args, {
        stdio, env: { PATH: '/usr/bin:/bin' }, ...(asRoot ? { uid: 61000, gid: 61000 } : {}),
      });
      (p.stdio[3] as NodeJS.ReadableStream).resume();
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bwrap exited ${code}`))));
    }));
    for (const fd of stdio) if (typeof fd === 'number') closeSync(fd);
    samples.push(ms);
  }
  return samples;
}

/** Reports a run under demand: latency, warm count, and the daemon's loop figures when profiled. */
function reportRun(name: string, r: Run & { daemon?: unknown }, extra: Record<string, unknown> = {}): Summary & { warm: number } {
  const s = report(name, summarize(r.samples), { warm: r.warm, ...extra, ...(r.daemon ? { daemon: r.daemon } : {}) });
  return { ...s, warm: r.warm };
}

type Results = Map<string, Summary & { warm: number }>;

async function quietScenarios(results: Results): Promise<void> {
  await withDaemon({ templates: { default: { pool: { min_idle: 24, max_total: 64, refill_concurrency: 4 } } } }, async (d, dir) => {
    const probe = LoopProbe.attach(d, dir);
    await d.start();
    const c = d.client;
    await waitFor('24 idle', async () => ((await pool(c)).idle >= 24) || undefined, 60_000);
    for (let i = 0; i < 20; i++) await c.deleteSandbox((await c.createSandbox({})).id); // Warm up the daemon's code paths.
    await waitFor('24 idle', async () => ((await pool(c)).idle >= 24 && (await pool(c)).booting === 0) || undefined, 60_000);
    results.set('floor_quiet', { ...report('rpc_floor_version_every_25ms', summarize(await rpcFloor(c)), { daemon: 'quiet' }), warm: 0 });
    if (ONLY.has('quiet')) {
      results.set('quiet_1', reportRun('warm_handoff_1_client', await probed(probe, () => quiet(c, 1, ROUNDS_ONE))));
      results.set('quiet_20', reportRun('warm_handoff_20_clients', await probed(probe, () => quiet(c, 20, ROUNDS_TWENTY))));
    }
    if (ONLY.has('cold')) {
      results.set('cold', { ...report('cold_create', summarize(await cold(c, COLD))), warm: 0 });
      results.set('raw', { ...report('raw_bwrap_same_sandbox', summarize(await rawBwrap(dir, RAW))), warm: 0 });
    }
  });
}

async function demandScenarios(results: Results): Promise<void> {
  await withDaemon(DEMAND_CONFIG, async (d, dir) => {
    const probe = LoopProbe.attach(d, dir);
    await d.start();
    const c = d.client;
    await fillPool(c, 20);
    results.set('floor_demand', { ...report('rpc_floor_version_every_25ms', summarize(await rpcFloor(c)), { daemon: 'demand' }), warm: 0 });
    await deleteAll(c, (await burst(c, 20, 1)).ids); // Warm up the daemon's code paths.
    const py = ONLY.has('python') && pythonUsable();
    if (ONLY.has('python') && !py) process.stdout.write(`${JSON.stringify({ note: '/usr/bin/python3 with grpcio is missing: the Python client runs are skipped (scripts/setup.sh installs python3-grpcio for benchmarks)' })}\n`);
    const scenario = async (key: string, name: string, poolSize: number, fn: () => Promise<Run>, extra: Record<string, unknown>): Promise<void> => {
      await fillPool(c, poolSize);
      const r = await probed(probe, fn);
      results.set(key, reportRun(name, r, extra));
      await deleteAll(c, r.ids);
    };
    if (ONLY.has('burst')) {
      await scenario('burst_1', 'burst_from_full_pool_1_client', BURST, () => burst(c, BURST, 1), { pool: BURST, creates: BURST, clients: 1 });
      await scenario('burst_20', 'burst_from_full_pool_20_clients', BURST, () => burst(c, BURST, 20), { pool: BURST, creates: BURST, clients: 20 });
    }
    if (ONLY.has('steady')) {
      for (const rate of STEADY_RATES) {
        await scenario(`steady_${rate}`, `steady_${rate}_per_s`, STEADY_POOL, () => steady(c, rate, STEADY_SECONDS), { pool: STEADY_POOL, rate, seconds: STEADY_SECONDS, creates: Math.round(rate * STEADY_SECONDS) });
      }
    }
    if (ONLY.has('busy')) {
      // The load users make: agents at work in the sandboxes they hold (a shell loop each, never waiting)
      // while new sandboxes are handed out beside them; the same steady rate with the burners stopped, for the ratio.
      await scenario(`busy_baseline_${BUSY_RATE}`, `steady_${BUSY_RATE}_per_s_beside_idle_sandboxes`, STEADY_POOL, () => steady(c, BUSY_RATE, STEADY_SECONDS), { pool: STEADY_POOL, rate: BUSY_RATE, seconds: STEADY_SECONDS });
      // A few taken from a full pool, which never falls below its reserve: refills nobody hurries, timed
      // until the pool is full again, first beside idle sandboxes, then beside busy ones.
      const refill = async (name: string): Promise<void> => {
        const r = await refillTime(c, STEADY_POOL, REFILL_TAKEN);
        process.stdout.write(`${JSON.stringify({ bench: name, unit: 'ms', value: Math.round(r.ms), pool: STEADY_POOL, taken: REFILL_TAKEN })}\n`);
        await deleteAll(c, r.ids);
      };
      await refill(`refill_${REFILL_TAKEN}_beside_idle_sandboxes`);
      const held = await Promise.all(Array.from({ length: BUSY_SANDBOXES }, () => c.createSandbox({})));
      const burners = held.map((s) => c.run({ sandboxId: s.id, argv: ['/bin/sh', '-c', 'while :; do :; done'] }));
      for (const b of burners) b.on('error', (err: Error) => { if (!/CANCELLED|Cancelled/.test(err.message)) process.stderr.write(`a burner ended: ${err.message}\n`); });
      await sleep(1000);
      await scenario(`busy_${BUSY_RATE}`, `steady_${BUSY_RATE}_per_s_beside_${BUSY_SANDBOXES}_busy_sandboxes`, STEADY_POOL, () => steady(c, BUSY_RATE, STEADY_SECONDS), { pool: STEADY_POOL, rate: BUSY_RATE, seconds: STEADY_SECONDS, busy: BUSY_SANDBOXES });
      await refill(`refill_${REFILL_TAKEN}_beside_${BUSY_SANDBOXES}_busy_sandboxes`);
      for (const b of burners) b.cancel();
      await deleteAll(c, held.map((s) => s.id));
    }
    if (ONLY.has('maxrate')) {
      let best = 0;
      for (const rate of MAX_RATE_LADDER) {
        await fillPool(c, STEADY_POOL);
        const r = await steady(c, rate, STEADY_SECONDS);
        const n = Math.round(rate * STEADY_SECONDS);
        process.stdout.write(`${JSON.stringify({ bench: 'max_rate_step', rate, creates: n, warm: r.warm, ...summarize(r.samples) })}\n`);
        await deleteAll(c, r.ids);
        if (r.warm < n) break;
        best = rate;
      }
      process.stdout.write(`${JSON.stringify({ bench: 'highest_all_warm_steady_rate', unit: 'creates/s', value: best, pool: STEADY_POOL, seconds: STEADY_SECONDS, ladder: MAX_RATE_LADDER })}\n`);
      results.set('max_rate', { n: 0, p50: best, p90: best, p99: best, max: best, mean: best, warm: best });
    }
    if (py) {
      await scenario('py_burst_1', 'python_burst_from_full_pool_1_client', BURST, () => python(d.socket, ['burst', String(BURST), '1']), { client: 'python-grpcio', pool: BURST, creates: BURST, clients: 1 });
      await scenario('py_burst_20', 'python_burst_from_full_pool_20_clients', BURST, () => python(d.socket, ['burst', String(BURST), '20']), { client: 'python-grpcio', pool: BURST, creates: BURST, clients: 20 });
      for (const rate of STEADY_RATES) {
        await scenario(`py_steady_${rate}`, `python_steady_${rate}_per_s`, STEADY_POOL, () => python(d.socket, ['steady', String(rate), String(STEADY_SECONDS)]), { client: 'python-grpcio', pool: STEADY_POOL, rate, seconds: STEADY_SECONDS, creates: Math.round(rate * STEADY_SECONDS) });
      }
    }
  });
}

/** A microvm claimed every VM_INTERVAL_MS while its pool restores the replacements of the earlier ones. */
async function microvmScenario(results: Results): Promise<void> {
  if (!existsSync(join(IMAGE, 'rootfs.img'))) {
    process.stdout.write(`${JSON.stringify({ note: `no guest image at ${IMAGE}: the microvm scenario is skipped (npm run image)` })}\n`);
    return;
  }
  await withDaemon({
    microvm: { image_dir: IMAGE },
    templates: { default: { pool: { min_idle: 0 } }, microvm: { provider: 'microvm', pool: { min_idle: VM_POOL, max_total: VM_POOL + 4, refill_concurrency: 2 } } },
  }, async (d, dir) => {
    const probe = LoopProbe.attach(d, dir);
    await d.start();
    const c = d.client;
    const full = (): Promise<true> => waitFor('the VM pool to fill', async () => ((await pool(c, 'microvm')).idle >= VM_POOL) || undefined, 300_000);
    await full();
    const quietRun: Run = { samples: [], warm: 0, ids: [] };
    for (let i = 0; i < 5; i++) {
      await full();
      const [ms, s] = await timed(() => c.createSandbox({ template: 'microvm' }));
      quietRun.samples.push(ms);
      if (s.fromWarmPool) quietRun.warm++;
      await c.deleteSandbox(s.id);
    }
    results.set('vm_quiet', reportRun('vm_warm_handoff_quiet_pool', quietRun));
    await full();
    const r = await probed(probe, async () => {
      const run: Run = { samples: [], warm: 0, ids: [] };
      const deletes: Array<Promise<void>> = [];
      for (let i = 0; i < VM_CLAIMS; i++) {
        const [ms, s] = await timed(() => c.createSandbox({ template: 'microvm' }));
        run.samples.push(ms);
        if (s.fromWarmPool) run.warm++;
        // Each VM is given back a second later, as a short task would: its delete overlaps later claims too.
        deletes.push(sleep(1000).then(() => c.deleteSandbox(s.id)));
        await sleep(VM_INTERVAL_MS);
      }
      await Promise.all(deletes);
      return run;
    });
    results.set('vm_refilling', reportRun('vm_warm_handoff_while_pool_restores', r, { pool: VM_POOL, claims: VM_CLAIMS, intervalMs: VM_INTERVAL_MS }));
  });
}

function bar(results: Results, key: string, test: (s: Summary & { warm: number }) => boolean): boolean | 'not run' {
  const s = results.get(key);
  return s ? test(s) : 'not run';
}

async function main(): Promise<void> {
  const results: Results = new Map();
  if (ONLY.has('quiet') || ONLY.has('cold')) await quietScenarios(results);
  if (['burst', 'steady', 'busy', 'maxrate', 'python'].some((s) => ONLY.has(s))) await demandScenarios(results);
  if (ONLY.has('microvm')) await microvmScenario(results);
  const fast = (s: Summary): boolean => s.p50 < 3 && s.p99 < 10;
  const allWarm = (creates: number) => (s: Summary & { warm: number }): boolean => s.warm === creates;
  const summary = {
    machine: machine(),
    bars: {
      quiet_1_client_p99_under_10ms: bar(results, 'quiet_1', (s) => s.p99 < 10),
      quiet_20_clients_p99_under_50ms: bar(results, 'quiet_20', (s) => s.p99 < 50),
      cold_p50_within_2x_raw_bwrap: results.has('cold') && results.has('raw') ? results.get('cold')!.p50 <= 2 * results.get('raw')!.p50 : 'not run',
      burst_80_1_client_p50_under_3ms_p99_under_10ms_all_warm: bar(results, 'burst_1', (s) => fast(s) && allWarm(BURST)(s)),
      burst_80_20_clients_p99_under_50ms_all_warm: bar(results, 'burst_20', (s) => s.p99 < 50 && allWarm(BURST)(s)),
      steady_40_per_s_p50_under_3ms_p99_under_10ms_all_warm: bar(results, 'steady_40', (s) => fast(s) && allWarm(40 * STEADY_SECONDS)(s)),
      steady_20_per_s_all_warm: bar(results, 'steady_20', allWarm(20 * STEADY_SECONDS)),
      python_burst_80_1_client_p50_under_3ms_p99_under_10ms_all_warm: bar(results, 'py_burst_1', (s) => fast(s) && allWarm(BURST)(s)),
      python_burst_80_20_clients_p99_under_50ms_all_warm: bar(results, 'py_burst_20', (s) => s.p99 < 50 && allWarm(BURST)(s)),
      python_steady_40_per_s_p50_under_3ms_p99_under_10ms_all_warm: bar(results, 'py_steady_40', (s) => fast(s) && allWarm(40 * STEADY_SECONDS)(s)),
      vm_handoff_while_restoring_p99_under_100ms_all_warm: bar(results, 'vm_refilling', (s) => s.p99 < 100 && allWarm(VM_CLAIMS)(s)),
    },
    highest_all_warm_steady_rate: results.get('max_rate')?.p50 ?? 'not run',
    ratios: results.has('cold') && results.has('raw') && results.has('quiet_1') ? {
      cold_p50_over_raw_bwrap_p50: Math.round((results.get('cold')!.p50 / results.get('raw')!.p50) * 100) / 100,
      raw_bwrap_p50_over_warm_1_p50: Math.round((results.get('raw')!.p50 / results.get('quiet_1')!.p50) * 100) / 100,
    } : 'not run',
    // Each handoff's p50 against the trivial call's on the same daemon: what the handoff adds to any answer.
    over_rpc_floor: Object.fromEntries(([['quiet_1', 'floor_quiet'], ['quiet_20', 'floor_quiet'], ['burst_1', 'floor_demand'], ['burst_20', 'floor_demand'], ['steady_20', 'floor_demand'], ['steady_40', 'floor_demand']] as const)
      .filter(([k, f]) => results.has(k) && results.has(f))
      .map(([k, f]) => [k, { p50_ratio: Math.round((results.get(k)!.p50 / results.get(f)!.p50) * 100) / 100, p50_added_ms: Math.round((results.get(k)!.p50 - results.get(f)!.p50) * 100) / 100 }])),
    busy_over_idle: results.has(`busy_${BUSY_RATE}`) ? {
      p50: Math.round((results.get(`busy_${BUSY_RATE}`)!.p50 / results.get(`busy_baseline_${BUSY_RATE}`)!.p50) * 100) / 100,
      p99: Math.round((results.get(`busy_${BUSY_RATE}`)!.p99 / results.get(`busy_baseline_${BUSY_RATE}`)!.p99) * 100) / 100,
    } : 'not run',
  };
  process.stdout.write(`${JSON.stringify({ summary })}\n`);
}

runBenchmark(main);
