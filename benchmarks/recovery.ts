// Benchmark: restart recovery. With 100 and with 1,000 live sandboxes, the time from starting godeld to
// serving with every sandbox adopted, against the same daemon starting on an empty store in the same
// run (the baseline); and the daemon's idle memory per live sandbox. Nothing may be lost: every sandbox
// is READY after the restart and its processes are the same ones.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestDaemon } from '../tests/helpers/daemon.js';
import { withDaemon, runBenchmark } from './harness.js';
import { machine, summarize } from './stats.js';

const SIZES = (process.env.BENCH_RECOVERY_SIZES ?? '100,1000').split(',').map(Number);
const RESTARTS = Number(process.env.BENCH_RECOVERY_RESTARTS ?? 3);
const CREATE_CONCURRENCY = 8;

function rssBytes(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

/**
 * Starts the daemon and returns the wall time from spawning it until its socket accepts a connection,
 * polled every 2 ms: it listens only once reconciliation is done. (A gRPC client's health polling
 * would add its own reconnect backoff to the measurement.)
 */
async function timedStart(d: TestDaemon): Promise<number> {
  const t0 = process.hrtime.bigint();
  const started = d.start();
  let accepted = 0;
  while (!accepted) {
    if (await canConnect(d.socket)) accepted = Number(process.hrtime.bigint() - t0) / 1e6;
    else await sleep(2);
  }
  await started;
  return accepted;
}

function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** The daemon's own account of its start: "godeld serving" carries ms since it began. */
function servingMs(d: TestDaemon): number {
  return Number(d.logs().reverse().find((l) => l.msg === 'godeld serving')!.ms);
}

async function settledRss(d: TestDaemon): Promise<number> {
  await sleep(2000); // Let the start's garbage be collected and the refill timers settle.
  return rssBytes(d.proc!.pid!);
}

function measure(size: number): Promise<Record<string, unknown>> {
  return withDaemon({ templates: { default: { pool: { min_idle: 0, max_total: 100_000 } } } }, async (d) => {
    const emptyWall: number[] = [];
    const emptyOwn: number[] = [];
    await d.start();
    const rssEmpty = await settledRss(d);
    for (let i = 0; i < RESTARTS; i++) {
      await d.stop();
      emptyWall.push(await timedStart(d));
      emptyOwn.push(servingMs(d));
    }
    const ids: string[] = [];
    for (let i = 0; i < size; i += CREATE_CONCURRENCY) {
      const batch = await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, size - i) }, () => d.client.createSandbox({})));
      ids.push(...batch.map((s) => s.id));
    }
    const rssFull = await settledRss(d);
    const pids = d.sandboxPids().sort().join(',');
    const wall: number[] = [];
    const own: number[] = [];
    let lost = 0;
    for (let i = 0; i < RESTARTS; i++) {
      await d.stop();
      wall.push(await timedStart(d));
      own.push(servingMs(d));
      const listed = await d.client.listSandboxes();
      const ready = new Set(listed.filter((s) => s.state === 'READY').map((s) => s.id));
      lost += ids.filter((id) => !ready.has(id)).length;
      if (d.sandboxPids().sort().join(',') !== pids) lost += 1_000_000; // A restarted or killed sandbox: fail loudly.
    }
    const r = {
      bench: `restart_recovery_${size}`, sandboxes: size, unit: 'ms', restarts: RESTARTS,
      wall: summarize(wall), daemon_reported: summarize(own), empty_store_wall: summarize(emptyWall), empty_store_daemon_reported: summarize(emptyOwn),
      lost, rss_empty_mib: Math.round(rssEmpty / 2 ** 20), rss_full_mib: Math.round(rssFull / 2 ** 20),
      idle_memory_per_sandbox_kib: Math.round((rssFull - rssEmpty) / size / 1024),
    };
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return r;
  });
}

async function main(): Promise<void> {
  const results: Record<string, unknown>[] = [];
  for (const size of SIZES) results.push(await measure(size));
  const largest = results[results.length - 1] as { sandboxes: number; wall: { p50: number; max: number }; empty_store_wall: { p50: number }; lost: number };
  process.stdout.write(`${JSON.stringify({
    summary: {
      machine: machine(),
      bars: { [`adopt_${largest.sandboxes}_under_2s`]: largest.wall.max < 2000, nothing_lost: results.every((r) => r.lost === 0) },
      ratios: Object.fromEntries(results.map((r) => [`recovery_${r.sandboxes}_p50_over_empty_start_p50`,
        Math.round(((r.wall as { p50: number }).p50 / (r.empty_store_wall as { p50: number }).p50) * 100) / 100])),
    },
  })}\n`);
}

runBenchmark(main);
