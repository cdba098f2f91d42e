// Benchmark: exec round trip of `true` against raw nsenter into the same sandbox, PTY throughput of a
// session against `script -qfc` relaying the same file, and keystroke echo latency, in one run.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from '../daemon/providers/process/procfs.js';
import { TestSession } from '../tests/helpers/session.js';
import { withDaemon, runBenchmark } from './harness.js';
import { machine, summarize, type Summary } from './stats.js';

const EXECS = Number(process.env.BENCH_EXECS ?? 200);
const FILE_MB = Number(process.env.BENCH_FILE_MB ?? 100);
const KEYS = Number(process.env.BENCH_KEYS ?? 200);

function report(name: string, s: Summary | Record<string, number>, unit = 'ms'): void {
  process.stdout.write(`${JSON.stringify({ bench: name, unit, ...s })}\n`);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function run(cmd: string, args: string[], onData?: (n: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', onData ? 'pipe' : 'ignore', 'inherit'] });
    p.stdout?.on('data', (d: Buffer) => onData!(d.length));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
}

/** The sandbox's pid-namespace init: the bwrap process (named by its hostname) whose parent is the other bwrap. */
function initPidOf(id: string): number {
  const pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((e) => {
    try {
      const argv = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
      return argv[0]?.endsWith('bwrap') && argv[argv.indexOf('--hostname') + 1] === id;
    } catch {
      return false; // Exited while we looked.
    }
  }).map(Number);
  const ppid = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  const init = pids.find((p) => pids.includes(ppid(p)));
  if (!init) throw new Error(`cannot find the init of ${id}`);
  return init;
}

async function main(): Promise<void> {
  await withDaemon({ templates: { default: { pool: { min_idle: 1 } } } }, async (d, dir) => {
    await d.start();
    const c = d.client;
    const { id } = await c.createSandbox({});
    const init = initPidOf(id);
    const nsenter = findExecutable('nsenter')!;
    for (let i = 0; i < 20; i++) await c.runCollect({ sandboxId: id, argv: ['true'] }); // Warm-up.

    // 1. Exec round trip.
    const api: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < EXECS; i++) {
      api.push(await timed(() => c.runCollect({ sandboxId: id, argv: ['true'] })));
      raw.push(await timed(() => run(nsenter, ['-t', String(init), '-U', '-m', '-u', '-i', '-n', '-p', '-S', '1000', '-G', '1000', '-w', '--', 'true'])));
    }
    const apiS = summarize(api);
    const rawS = summarize(raw);
    report('exec_true_round_trip', apiS);
    report('raw_nsenter_true', rawS);

    // 2. PTY throughput: the same file through a session and through `script`.
    await c.runCollect({ sandboxId: id, argv: ['sh', '-c', `head -c ${FILE_MB}M /dev/urandom > /workspace/big`] });
    const bytes = FILE_MB * 1024 * 1024;
    let received = 0;
    const ptyMs = await timed(async () => {
      const s = new TestSession(c, { start: { sandboxId: id, argv: ['cat', '/workspace/big'], tty: true, cols: 200, rows: 50 } });
      s.call.removeAllListeners('data');
      s.call.on('data', (ev: { stdout?: Buffer }) => { if (ev.stdout) received += ev.stdout.length; });
      await new Promise<void>((resolve, reject) => { s.call.on('end', resolve); s.call.on('error', reject); });
    });
    const hostFile = join(d.stateDir, 'sandboxes', id, 'workspace', 'big');
    let relayed = 0;
    const scriptMs = await timed(() => run('script', ['-qfc', `cat ${hostFile}`, '/dev/null'], (n) => { relayed += n; }));
    const ptyMBs = bytes / 2 ** 20 / (ptyMs / 1000);
    const scriptMBs = bytes / 2 ** 20 / (scriptMs / 1000);
    report('pty_throughput_session', { mb_per_s: Math.round(ptyMBs * 10) / 10, bytes_received: received, file_bytes: bytes }, 'MB/s');
    report('pty_throughput_script_relay', { mb_per_s: Math.round(scriptMBs * 10) / 10, bytes_received: relayed, file_bytes: bytes }, 'MB/s');

    // 3. Keystroke echo: one byte typed into a terminal running cat, until it comes back.
    const s = new TestSession(c, { start: { sandboxId: id, argv: ['cat'], tty: true, cols: 80, rows: 24 } });
    await s.started;
    const echo: number[] = [];
    for (let i = 0; i < KEYS; i++) {
      const key = String.fromCharCode(97 + (i % 26));
      const before = s.output.length;
      echo.push(await timed(async () => {
        s.type(key);
        while (s.output.length === before) await new Promise((r) => setImmediate(r));
      }));
    }
    s.send({ signal: 'KILL' });
    await s.ended;
    const echoS = summarize(echo);
    report('keystroke_echo', echoS);

    process.stdout.write(`${JSON.stringify({ summary: {
      machine: machine(),
      ratios: {
        exec_p50_over_nsenter_p50: Math.round((apiS.p50 / rawS.p50) * 100) / 100,
        pty_throughput_over_script: Math.round((ptyMBs / scriptMBs) * 100) / 100,
      },
      bars: {
        exec_p50_within_2x_nsenter: apiS.p50 <= 2 * rawS.p50,
        pty_at_least_half_of_script: ptyMBs >= scriptMBs / 2,
        echo_p99_under_10ms: echoS.p99 < 10,
      },
    } })}\n`);
  });
}

runBenchmark(main);
