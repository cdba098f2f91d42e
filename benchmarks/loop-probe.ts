// Loaded into godeld by the handoff benchmark with BENCH_PROFILE=1 (node --import): measures how long the
// daemon's event loop was held up, per scenario. On SIGUSR2 it writes the event-loop delay since the
// previous SIGUSR2 to the file named by GODEL_LOOP_PROBE (with a sequence number, so the benchmark knows
// the answer is new) and starts measuring afresh.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const out = process.env.GODEL_LOOP_PROBE;
if (out) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let seq = 0;
  let since = process.hrtime.bigint();
  let cpuSince = process.cpuUsage();
  process.on('SIGUSR2', () => {
    const now = process.hrtime.bigint();
    const cpu = process.cpuUsage(cpuSince);
    const ms = (ns: number): number => Math.round(ns / 1e3) / 1e3;
    writeFileSync(out, JSON.stringify({
      seq: ++seq, wallMs: ms(Number(now - since)),
      // What the daemon's process itself used of the CPU meanwhile (all threads), in ms.
      cpuUserMs: Math.round(cpu.user / 1e3), cpuSystemMs: Math.round(cpu.system / 1e3),
      delay: { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) },
    }));
    h.reset();
    since = now;
    cpuSince = process.cpuUsage();
  });
}
