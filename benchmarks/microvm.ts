// Benchmark: the microvm provider, in one run. Cold boot to a ready agent (TCG here, KVM where it
// works) against a restore from the saved VM template; warm handoff latency from a pool of paused VMs
// with 1 and 10 concurrent clients; and the exec round trip of `true` inside a VM, next to the same in
// a process sandbox; files into and out of a VM (over the agent's channel, with its flow control) next
// to the same streamed through the API into a process sandbox. Needs the guest image (npm run image --
// .cache/microvm-image).
import { randomBytes } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { parseConfig } from '../daemon/config/config.js';
import { MicrovmProvider } from '../daemon/providers/microvm/microvm-provider.js';
import { waitFor } from '../tests/helpers/daemon.js';
import type { GodelClient } from '../ipc/client.js';
import { withDaemon, runBenchmark } from './harness.js';
import { machine, summarize, type Summary } from './stats.js';

const IMAGE = process.env.GODEL_IMAGE_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'microvm-image');
const BOOTS = Number(process.env.BENCH_VM_BOOTS ?? 3);
const RESTORES = Number(process.env.BENCH_VM_RESTORES ?? 5);
const HANDOFF_ONE = Number(process.env.BENCH_VM_HANDOFF_ONE ?? 20);
const HANDOFF_TEN_ROUNDS = Number(process.env.BENCH_VM_HANDOFF_TEN ?? 3);
const EXECS = Number(process.env.BENCH_VM_EXECS ?? 100);
const FILE_MB = Number(process.env.BENCH_VM_FILE_MB ?? 32);
const FILE_ROUNDS = Number(process.env.BENCH_VM_FILE_ROUNDS ?? 3);
const POOL = 10;

function report(name: string, s: Summary, extra: Record<string, unknown> = {}): Summary {
  process.stdout.write(`${JSON.stringify({ bench: name, unit: 'ms', ...s, ...extra })}\n`);
  return s;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return [Number(process.hrtime.bigint() - t0) / 1e6, v];
}

/** Boots through the provider itself: cold boots with templates off, restores with them on. */
async function provider(dir: string): Promise<{ cold: number[]; restore: number[]; accel: string }> {
  const base = parseConfig({ microvm: { image_dir: IMAGE } });
  const spec = base.templates.get('microvm')!.spec;
  const log = pino({ level: 'warn' });
  const make = (templates: boolean, name: string): MicrovmProvider => new MicrovmProvider({
    vmsDir: join(dir, name, 'vms'), templatesDir: join(dir, name, 'tpl'), imageDir: IMAGE,
    config: { ...base.microvm, templates }, uid: 61000, gid: 61000, log,
  });
  const cold: number[] = [];
  const plain = make(false, 'cold');
  for (let i = 0; i < BOOTS; i++) {
    const id = `sb-cold${i}`;
    const [ms] = await timed(() => plain.boot({ id, spec, priority: 'normal' }));
    cold.push(ms);
    await plain.destroy(id, undefined);
  }
  const restore: number[] = [];
  const tpl = make(true, 'tpl');
  await tpl.boot({ id: 'sb-first', spec, priority: 'normal' }); // Saves the template.
  for (let i = 0; i < RESTORES; i++) {
    const id = `sb-clone${i}`;
    const [ms] = await timed(() => tpl.boot({ id, spec, priority: 'normal' }));
    restore.push(ms);
    await tpl.destroy(id, undefined);
  }
  await tpl.destroy('sb-first', undefined);
  return { cold, restore, accel: plain.accel };
}

async function idle(c: GodelClient): Promise<number> {
  return (await c.listPools()).find((p) => p.template === 'microvm')!.idle;
}

async function handoffs(c: GodelClient, clients: number, rounds: number): Promise<{ samples: number[]; misses: number }> {
  const samples: number[] = [];
  let misses = 0;
  for (let r = 0; r < rounds; r++) {
    await waitFor('the VM pool to refill', async () => ((await idle(c)) >= clients) || undefined, 300_000);
    const got = await Promise.all(Array.from({ length: clients }, () => timed(() => c.createSandbox({ template: 'microvm' }))));
    for (const [ms, s] of got) {
      samples.push(ms);
      if (!s.fromWarmPool) misses++;
    }
    await Promise.all(got.map(([, s]) => c.deleteSandbox(s.id)));
  }
  return { samples, misses };
}

async function execs(c: GodelClient, id: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await timed(() => c.runCollect({ sandboxId: id, argv: ['true'] })))[0]);
  return out;
}

/** Uploads then downloads one file, rounds times; both through the socket, streamed (nothing is lent). */
async function files(c: GodelClient, id: string, source: string, out: string): Promise<{ write: number[]; read: number[] }> {
  const write: number[] = [];
  const read: number[] = [];
  for (let r = 0; r < FILE_ROUNDS; r++) {
    write.push((await timed(() => c.uploadFile(source, { sandboxId: id, path: '/workspace/bench.bin' }, { stream: true })))[0]);
    read.push((await timed(() => c.downloadFile(id, '/workspace/bench.bin', out, { stream: true })))[0]);
    if (statSync(out).size !== statSync(source).size) throw new Error('the file came back a different size');
  }
  return { write, read };
}

async function main(): Promise<void> {
  await withDaemon({
    microvm: { image_dir: IMAGE },
    templates: { default: { pool: { min_idle: 1 } }, microvm: { provider: 'microvm', pool: { min_idle: POOL, max_total: POOL + 2 } } },
  }, async (d, dir) => {
    const p = await provider(join(dir, 'provider'));
    const cold = report('vm_cold_boot_to_ready', summarize(p.cold), { accel: p.accel });
    const restore = report('vm_restore_from_template_to_ready', summarize(p.restore), { accel: p.accel });
    await d.start();
    const c = d.client;
    const one = await handoffs(c, 1, HANDOFF_ONE);
    const h1 = report('vm_warm_handoff_1_client', summarize(one.samples), { misses: one.misses });
    const ten = await handoffs(c, 10, HANDOFF_TEN_ROUNDS);
    const h10 = report('vm_warm_handoff_10_clients', summarize(ten.samples), { misses: ten.misses });
    const vm = await c.createSandbox({ template: 'microvm' });
    const proc = await c.createSandbox({});
    const ve = report('vm_exec_true_round_trip', summarize(await execs(c, vm.id, EXECS)));
    const pe = report('process_sandbox_exec_true_round_trip', summarize(await execs(c, proc.id, EXECS)));
    const source = join(dir, 'file.bin');
    writeFileSync(source, randomBytes(FILE_MB * 2 ** 20));
    const vmFiles = await files(c, vm.id, source, join(dir, 'vm-out.bin'));
    const procFiles = await files(c, proc.id, source, join(dir, 'proc-out.bin'));
    const mbps = (ms: number[]): number => Math.round((FILE_MB / (summarize(ms).p50 / 1000)) * 10) / 10;
    for (const [name, f] of [['vm', vmFiles], ['process_sandbox', procFiles]] as const) {
      report(`${name}_file_upload_${FILE_MB}MiB`, summarize(f.write), { mib_per_s_p50: mbps(f.write) });
      report(`${name}_file_download_${FILE_MB}MiB`, summarize(f.read), { mib_per_s_p50: mbps(f.read) });
    }
    process.stdout.write(`${JSON.stringify({
      summary: {
        machine: machine(), accel: p.accel,
        bars: { handoff_p99_under_100ms_1_client: h1.p99 < 100, handoff_p99_under_100ms_10_clients: h10.p99 < 100, restore_3x_faster_than_cold_boot: cold.p50 >= 3 * restore.p50 },
        ratios: {
          cold_boot_p50_over_restore_p50: Math.round((cold.p50 / restore.p50) * 100) / 100,
          cold_boot_p50_over_handoff_1_p50: Math.round(cold.p50 / h1.p50),
          vm_exec_p50_over_process_exec_p50: Math.round((ve.p50 / pe.p50) * 100) / 100,
          vm_file_upload_mib_per_s_over_process: Math.round((mbps(vmFiles.write) / mbps(procFiles.write)) * 1000) / 1000,
          vm_file_download_mib_per_s_over_process: Math.round((mbps(vmFiles.read) / mbps(procFiles.read)) * 1000) / 1000,
        },
      },
    })}\n`);
  });
}

runBenchmark(main);
