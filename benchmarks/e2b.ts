// Benchmark: the E2B endpoint driven by the real e2b SDK next to godel's own gRPC API, in one run on one
// daemon: Sandbox.create from a warm pool (1 client, and 10 at once) against Sandboxes.Create, and
// commands.run('true') against Exec.Run of `true`. Bar (issue 13): SDK create p99 < 50 ms with 10 clients.
import { Sandbox } from 'e2b';
import { e2bAddress, sdkOptions } from '../tests/helpers/e2b.js';
import { waitFor } from '../tests/helpers/daemon.js';
import { withDaemon, runBenchmark } from './harness.js';
import { machine, summarize, type Summary } from './stats.js';

const CREATES = Number(process.env.BENCH_CREATES ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const CONCURRENCY = 10;
const EXECS = Number(process.env.BENCH_EXECS ?? 200);

function report(name: string, s: Summary & { warm?: number }): void {
  process.stdout.write(`${JSON.stringify({ bench: name, unit: 'ms', ...s })}\n`);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

async function main(): Promise<void> {
  const config = {
    e2b: { listen: '127.0.20.3:0', api_keys: ['bench-key-123'] },
    templates: { default: { pool: { min_idle: CONCURRENCY + 2, refill_concurrency: 4 } } },
  };
  await withDaemon(config, async (d) => {
    await d.start();
    const opts = sdkOptions(await e2bAddress(d), 'bench-key-123');
    const c = d.client;
    const poolFull = (): Promise<unknown> => waitFor('a full pool', async () => {
      const p = (await c.listPools()).find((x) => x.template === 'default');
      return p && p.idle >= CONCURRENCY + 2 ? p : undefined;
    }, 120_000);
    const warmOf = async (ids: string[]): Promise<number> => {
      let n = 0;
      for (const id of ids) if ((await c.getSandbox(id)).fromWarmPool) n++;
      return n;
    };
    await poolFull();
    // Warm-up: the SDK's and the client's first connections, JIT.
    for (let i = 0; i < 5; i++) {
      await (await Sandbox.create('base', opts)).kill();
      await c.deleteSandbox((await c.createSandbox({})).id);
    }

    const one = async (create: () => Promise<string>, remove: (id: string) => Promise<unknown>): Promise<Summary & { warm: number }> => {
      const ms: number[] = [];
      const ids: string[] = [];
      for (let i = 0; i < CREATES; i++) {
        await poolFull();
        const r = await timed(create);
        ms.push(r.ms);
        ids.push(r.value);
        const warm = await warmOf([r.value]);
        if (!warm) ids.push('cold');
        await remove(r.value);
      }
      return { ...summarize(ms), warm: CREATES - ids.filter((x) => x === 'cold').length };
    };
    const many = async (create: () => Promise<string>, remove: (id: string) => Promise<unknown>): Promise<Summary & { warm: number }> => {
      const ms: number[] = [];
      let warm = 0;
      for (let r = 0; r < ROUNDS; r++) {
        await poolFull();
        const got = await Promise.all(Array.from({ length: CONCURRENCY }, () => timed(create)));
        ms.push(...got.map((g) => g.ms));
        warm += await warmOf(got.map((g) => g.value));
        await Promise.all(got.map((g) => remove(g.value)));
      }
      return { ...summarize(ms), warm };
    };
    const sdkCreate = async (): Promise<string> => (await Sandbox.create('base', opts)).sandboxId;
    const sdkKill = (id: string): Promise<boolean> => Sandbox.kill(id, opts);
    const grpcCreate = async (): Promise<string> => (await c.createSandbox({})).id;
    const grpcDelete = (id: string): Promise<unknown> => c.deleteSandbox(id);

    const sdk1 = await one(sdkCreate, sdkKill);
    report('e2b sdk Sandbox.create, warm, 1 client', sdk1);
    const grpc1 = await one(grpcCreate, grpcDelete);
    report('grpc Sandboxes.Create, warm, 1 client', grpc1);
    const sdk10 = await many(sdkCreate, sdkKill);
    report('e2b sdk Sandbox.create, warm, 10 clients', sdk10);
    const grpc10 = await many(grpcCreate, grpcDelete);
    report('grpc Sandboxes.Create, warm, 10 clients', grpc10);

    const sb = await Sandbox.create('base', opts);
    for (let i = 0; i < 20; i++) {
      await sb.commands.run('true');
      await c.runCollect({ sandboxId: sb.sandboxId, argv: ['true'] });
    }
    const sdkRun: number[] = [];
    const grpcRun: number[] = [];
    for (let i = 0; i < EXECS; i++) {
      sdkRun.push((await timed(() => sb.commands.run('true'))).ms);
      grpcRun.push((await timed(() => c.runCollect({ sandboxId: sb.sandboxId, argv: ['true'] }))).ms);
    }
    const sdkExec = summarize(sdkRun);
    const grpcExec = summarize(grpcRun);
    report("e2b sdk commands.run('true')", sdkExec);
    report('grpc Exec.Run true', grpcExec);
    await sb.kill();

    const ratio = (a: Summary, b: Summary): number => Math.round((a.p50 / b.p50) * 100) / 100;
    process.stdout.write(`${JSON.stringify({
      summary: 'e2b', machine: machine(),
      ratios: {
        create1_p50_sdk_over_grpc: ratio(sdk1, grpc1), create10_p50_sdk_over_grpc: ratio(sdk10, grpc10), exec_p50_sdk_over_grpc: ratio(sdkExec, grpcExec),
      },
      bars: { sdk_create_10_clients_p99_under_50ms: sdk10.p99 < 50 },
      allWarm: sdk1.warm === CREATES && grpc1.warm === CREATES && sdk10.warm === ROUNDS * CONCURRENCY && grpc10.warm === ROUNDS * CONCURRENCY,
    })}\n`);
  });
}

runBenchmark(main);
