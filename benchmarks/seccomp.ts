// Benchmark: what the default seccomp filter costs. The same build, two templates that differ only in the
// filter (the default, and seccomp: "unconfined"), measured alternately in one run: Exec.Run of `true`,
// a cold create (no pool), a loop of 200k cheap system calls, where a filter's per-call price shows, and
// PTY throughput (cat of a file on a terminal, read and write calls all the way).
// Bar (issue 16): exec and cold create within 5% of each other at p50.
import { TestSession } from '../tests/helpers/session.js';
import { withDaemon, runBenchmark } from './harness.js';
import { machine, summarize, type Summary } from './stats.js';

const EXECS = Number(process.env.BENCH_EXECS ?? 200);
const CREATES = Number(process.env.BENCH_CREATES ?? 30);
const LOOPS = Number(process.env.BENCH_SYSCALL_LOOPS ?? 10);
const PTY_RUNS = Number(process.env.BENCH_PTY_RUNS ?? 3);
const FILE_MB = Number(process.env.BENCH_FILE_MB ?? 32);

function report(name: string, s: Summary): void {
  process.stdout.write(`${JSON.stringify({ bench: name, unit: 'ms', ...s })}\n`);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const MODES = ['filtered', 'unfiltered'] as const;
type Mode = (typeof MODES)[number];
const TEMPLATE: Record<Mode, string> = { filtered: 'default', unfiltered: 'unconfined' };
const SYSCALL_LOOP = 'import os\nfor _ in range(200000): os.getppid()';

async function main(): Promise<void> {
  const config = { templates: { default: { pool: { min_idle: 0 } }, unconfined: { seccomp: 'unconfined', pool: { min_idle: 0 } } } };
  await withDaemon(config, async (d) => {
    await d.start();
    const c = d.client;
    const ids = {} as Record<Mode, string>;
    for (const m of MODES) {
      ids[m] = (await c.createSandbox({ template: TEMPLATE[m] })).id;
      const got = (await c.getSandbox(ids[m])).seccomp;
      if (got !== (m === 'filtered' ? 'default' : 'unconfined')) throw new Error(`${m}: the sandbox runs under "${got}"`);
      for (let i = 0; i < 20; i++) await c.runCollect({ sandboxId: ids[m], argv: ['true'] }); // Warm-up.
    }
    const exec: Record<Mode, number[]> = { filtered: [], unfiltered: [] };
    const create: Record<Mode, number[]> = { filtered: [], unfiltered: [] };
    const loop: Record<Mode, number[]> = { filtered: [], unfiltered: [] };
    // Alternating, so that whatever else the machine does falls on both alike.
    for (let i = 0; i < EXECS; i++) {
      for (const m of i % 2 ? MODES : [...MODES].reverse()) exec[m].push(await timed(() => c.runCollect({ sandboxId: ids[m], argv: ['true'] })));
    }
    for (let i = 0; i < CREATES; i++) {
      for (const m of i % 2 ? MODES : [...MODES].reverse()) {
        let id = '';
        create[m].push(await timed(async () => { id = (await c.createSandbox({ template: TEMPLATE[m] })).id; }));
        await c.deleteSandbox(id);
      }
    }
    for (let i = 0; i < LOOPS; i++) {
      for (const m of MODES) {
        loop[m].push(await timed(async () => {
          const r = await c.runCollect({ sandboxId: ids[m], argv: ['python3', '-c', SYSCALL_LOOP] });
          if (r.exitCode !== 0) throw new Error(`the system call loop failed: ${r.stderr.toString()}`);
        }));
      }
    }
    const pty: Record<Mode, number[]> = { filtered: [], unfiltered: [] };
    for (const m of MODES) await c.runCollect({ sandboxId: ids[m], argv: ['sh', '-c', `head -c ${FILE_MB}M /dev/urandom > /workspace/big`] });
    for (let i = 0; i < PTY_RUNS; i++) {
      for (const m of i % 2 ? MODES : [...MODES].reverse()) {
        let received = 0;
        const ms = await timed(async () => {
          const s = new TestSession(c, { start: { sandboxId: ids[m], argv: ['cat', '/workspace/big'], tty: true, cols: 200, rows: 50 } });
          s.call.removeAllListeners('data');
          s.call.on('data', (ev: { stdout?: Buffer }) => { if (ev.stdout) received += ev.stdout.length; });
          await new Promise<void>((resolve, reject) => { s.call.on('end', resolve); s.call.on('error', reject); });
        });
        if (received < FILE_MB * 2 ** 20) throw new Error(`${m}: the terminal delivered ${received} bytes`);
        pty[m].push(FILE_MB / (ms / 1000));
      }
    }
    for (const m of MODES) await c.deleteSandbox(ids[m]);
    const s = (x: Record<Mode, number[]>): Record<Mode, Summary> => ({ filtered: summarize(x.filtered), unfiltered: summarize(x.unfiltered) });
    const [e, cr, l] = [s(exec), s(create), s(loop)];
    for (const m of MODES) {
      report(`exec_true_${m}`, e[m]);
      report(`cold_create_${m}`, cr[m]);
      report(`getppid_200k_${m}`, l[m]);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const mbs = { filtered: median(pty.filtered), unfiltered: median(pty.unfiltered) };
    for (const m of MODES) process.stdout.write(`${JSON.stringify({ bench: `pty_throughput_${m}`, unit: 'MB/s', runs: pty[m].length, mb_per_s: Math.round(mbs[m] * 10) / 10 })}\n`);
    const ratio = (x: Record<Mode, Summary>): number => Math.round((x.filtered.p50 / x.unfiltered.p50) * 1000) / 1000;
    process.stdout.write(`${JSON.stringify({ summary: {
      machine: machine(),
      ratios: { exec_p50_filtered_over_unfiltered: ratio(e), cold_create_p50_filtered_over_unfiltered: ratio(cr), getppid_200k_p50_filtered_over_unfiltered: ratio(l),
        pty_mb_per_s_filtered_over_unfiltered: Math.round((mbs.filtered / mbs.unfiltered) * 1000) / 1000 },
      bars: { exec_p50_within_5pct: Math.abs(ratio(e) - 1) <= 0.05, cold_create_p50_within_5pct: Math.abs(ratio(cr) - 1) <= 0.05 },
    } })}\n`);
  });
}

runBenchmark(main);
