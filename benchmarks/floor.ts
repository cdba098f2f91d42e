// Benchmark: the machine's floor under every handoff figure. A warm handoff is one gRPC call on the
// daemon's Unix socket and one synced store write (its claim); this measures what those two cost here
// with no godel code around them, and what a call that does nothing costs on a real godeld, each back to
// back and at the steady scenario's spacing (25 ms apart: by then every process and thread involved has
// gone idle, and on a VM waking them is most of the cost):
//   - a bare grpc-js unary call between two Node processes (an echo server forked from this file);
//   - a synced LevelDB batch of two ~1 KB records, as the store writes a claim (classic-level, in-process);
//   - fdatasync of 700 bytes from Node's main thread (the device's own part of that write);
//   - godeld's System.Version.
// Prints one JSON line per measurement and a summary whose `handoff_floor_p50_ms` adds the first two at
// each spacing: a handoff's p50 cannot be below it on this machine, whatever the daemon does.
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { ClassicLevel } from 'classic-level';
import { withDaemon, runBenchmark } from './harness.js';
import { machine, summarize, type Summary } from './stats.js';

const CALLS = Number(process.env.BENCH_FLOOR_CALLS ?? 200);
const SPACINGS_MS = [0, 25];

const echo: grpc.ServiceDefinition = {
  Echo: {
    path: '/godel.bench.Floor/Echo', requestStream: false, responseStream: false,
    requestSerialize: (b: Buffer) => b, requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b,
  },
};

/** The echo server, in a process of its own as godeld is; it says "ready" once it listens. */
function serveEcho(socket: string): void {
  const server = new grpc.Server();
  server.addService(echo, { Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, call.request) });
  server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (err) => {
    if (err) throw err;
    process.send!('ready');
  });
  process.on('disconnect', () => server.forceShutdown());
}

async function series(name: string, fn: () => Promise<unknown> | unknown, extra: Record<string, unknown> = {}): Promise<Record<number, Summary>> {
  const out: Record<number, Summary> = {};
  for (let i = 0; i < 20; i++) await fn(); // Warm up the code paths.
  for (const spacing of SPACINGS_MS) {
    const samples: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const t0 = process.hrtime.bigint();
      await fn();
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (spacing) await sleep(spacing);
    }
    out[spacing] = summarize(samples);
    process.stdout.write(`${JSON.stringify({ bench: name, unit: 'ms', spacingMs: spacing, ...out[spacing], ...extra })}\n`);
  }
  return out;
}

async function bareGrpc(dir: string): Promise<Record<number, Summary>> {
  const socket = join(dir, 'echo.sock');
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['serve', socket], { stdio: 'inherit' });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the echo server exited (${code})`)));
    });
    const Client = grpc.makeGenericClientConstructor(echo, 'Floor');
    const client = new Client(`unix:${socket}`, grpc.credentials.createInsecure()) as unknown as { Echo(b: Buffer, cb: (e: Error | null) => void): void; close(): void };
    const payload = Buffer.alloc(64);
    try {
      return await series('bare_grpc_unary_two_processes', () => new Promise<void>((resolve, reject) => client.Echo(payload, (e) => (e ? reject(e) : resolve()))));
    } finally {
      client.close();
    }
  } finally {
    child.kill();
  }
}

async function syncedBatch(dir: string): Promise<Record<number, Summary>> {
  const db = new ClassicLevel<string, string>(join(dir, 'db'));
  await db.open();
  const value = JSON.stringify({ id: 'sb-floor', state: 'READY', labels: {}, padding: 'x'.repeat(900) });
  let i = 0;
  try {
    return await series('leveldb_synced_batch_two_records', () => db.batch([
      { type: 'put', key: `sandbox:${i}`, value }, { type: 'put', key: `event:${i++}`, value },
    ], { sync: true }));
  } finally {
    await db.close();
  }
}

async function fdatasync(dir: string): Promise<Record<number, Summary>> {
  const fd = openSync(join(dir, 'fsync.bin'), 'a');
  const data = Buffer.alloc(700, 1);
  try {
    return await series('fdatasync_700_bytes_main_thread', () => { writeSync(fd, data); fdatasyncSync(fd); });
  } finally {
    closeSync(fd);
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'serve') {
    serveEcho(process.argv[3]!);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'godel-floor-'));
  try {
    const grpcFloor = await bareGrpc(dir);
    const batch = await syncedBatch(dir);
    const sync = await fdatasync(dir);
    const version = await withDaemon({ templates: { default: { pool: { min_idle: 0 } } } }, async (d) => {
      await d.start();
      return series('godeld_version', () => d.client.version());
    });
    const round = (x: number): number => Math.round(x * 100) / 100;
    const summary = {
      machine: machine(),
      handoff_floor_p50_ms: Object.fromEntries(SPACINGS_MS.map((s) => [`spacing_${s}ms`, round(grpcFloor[s]!.p50 + batch[s]!.p50)])),
      spaced_over_back_to_back_p50: {
        bare_grpc: round(grpcFloor[25]!.p50 / grpcFloor[0]!.p50), synced_batch: round(batch[25]!.p50 / batch[0]!.p50),
        fdatasync: round(sync[25]!.p50 / sync[0]!.p50), godeld_version: round(version[25]!.p50 / version[0]!.p50),
      },
      godeld_version_over_bare_grpc_p50: Object.fromEntries(SPACINGS_MS.map((s) => [`spacing_${s}ms`, round(version[s]!.p50 / grpcFloor[s]!.p50)])),
    };
    process.stdout.write(`${JSON.stringify({ summary })}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runBenchmark(main);
