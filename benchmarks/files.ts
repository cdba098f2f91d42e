// Benchmark: file write/read throughput through the API against `cat` into and out of the same workspace
// directory on the host; an archive of 10,000 small files; snapshot and restore time against workspace
// size (10 MB, 100 MB, 1 GB); fork of 10. All in one run on a real daemon.
import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import tar from 'tar-stream';
import { withDaemon, runBenchmark } from './harness.js';
import { machine } from './stats.js';

const FILE_MB = Number(process.env.BENCH_FILE_MB ?? 256);
const SIZES_MB = (process.env.BENCH_SNAPSHOT_MB ?? '10,100,1024').split(',').map(Number);

function report(bench: string, values: Record<string, number>): void {
  process.stdout.write(`${JSON.stringify({ bench, ...values })}\n`);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function sh(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('/bin/sh', ['-c', script], { stdio: 'inherit' });
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited ${code}`))));
  });
}

async function main(): Promise<void> {
  await withDaemon({ templates: { default: { pool: { min_idle: 2, max_total: 40 } } } }, async (d, dir) => {
    await d.start();
    const c = d.client;
    const { id } = await c.createSandbox({});
    const ws = join(d.stateDir, 'sandboxes', id, 'workspace');
    const bytes = FILE_MB * 1024 * 1024;
    const mbps = (ms: number): number => Math.round((FILE_MB / (ms / 1000)) * 10) / 10;

    // 1. Large-file throughput: through the API, both ways it moves a file (lent: Files.Open hands the
    // client the file's descriptor; streamed: Files.Write/Read carry every byte over gRPC), with the
    // client reading from and writing to host files as godelctl cp does, against `cat` copying the same
    // file into and out of the workspace directory on the host. Page-cache copies swing widely here:
    // three rounds, interleaved, and the median of each.
    const source = join(dir, 'source.bin');
    await sh(`head -c ${bytes} /dev/urandom > ${source}`);
    const out = join(dir, 'out.bin');
    const ways = {
      cat: {
        write: () => sh(`cat ${source} > ${ws}/cat.bin`),
        read: () => sh(`cat ${ws}/cat.bin > ${out}`),
      },
      lent: {
        write: () => c.uploadFile(source, { sandboxId: id, path: '/workspace/lent.bin' }).then(wasLent),
        read: () => c.downloadFile(id, '/workspace/lent.bin', out).then(wasLent),
      },
      streamed: {
        write: () => c.uploadFile(source, { sandboxId: id, path: '/workspace/streamed.bin' }, { stream: true }),
        read: () => c.downloadFile(id, '/workspace/streamed.bin', out, { stream: true }),
      },
    };
    const wasLent = (r: { path: string }): void => {
      if (r.path !== 'lent') throw new Error('the process provider did not lend the file');
    };
    const times: Record<string, { write: number[]; read: number[] }> = {};
    for (let round = 0; round < 3; round++) {
      for (const [way, ops] of Object.entries(ways)) {
        times[way] ??= { write: [], read: [] };
        // Each copy starts with nothing dirty in the page cache, so that none pays for another's writeback.
        await sh('sync');
        times[way].write.push(await timed(ops.write));
        await sh('sync');
        times[way].read.push(await timed(ops.read));
        if (statSync(out).size !== bytes) throw new Error(`${way}: the read returned a different size`);
      }
    }
    const median = (t: number[]): number => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
    for (const op of ['write', 'read'] as const) {
      const cat = median(times.cat![op]);
      const lent = median(times.lent![op]);
      const streamed = median(times.streamed![op]);
      report(`file_${op}`, {
        mb: FILE_MB, cat_mb_per_s: mbps(cat), lent_mb_per_s: mbps(lent), streamed_mb_per_s: mbps(streamed),
        lent_ratio: Math.round((cat / lent) * 100) / 100, streamed_ratio: Math.round((cat / streamed) * 100) / 100,
      });
    }
    for (const f of ['lent.bin', 'streamed.bin']) await c.removeFile(id, `/workspace/${f}`);
    for (const f of [join(ws, 'cat.bin'), source, out]) rmSync(f);

    // 2. An archive of 10,000 small files, in and out.
    const pack = tar.pack();
    const archiveIn = timed(() => c.putArchive(id, '/workspace', pack as unknown as AsyncIterable<Buffer>));
    for (let i = 0; i < 10_000; i++) pack.entry({ name: `small/d${i % 100}/f${i}` }, `content of file ${i}\n`);
    pack.finalize();
    const inMs = await archiveIn;
    let tarBytes = 0;
    const outMs = await timed(() => new Promise<void>((resolve, reject) => {
      const s = c.files.getArchive({ sandboxId: id, path: '/workspace/small' });
      s.on('data', (ch: { data: Buffer }) => { tarBytes += ch.data.length; });
      s.on('end', resolve);
      s.on('error', reject);
    }));
    report('archive_10000_files', { put_ms: Math.round(inMs), get_ms: Math.round(outMs), tar_bytes: tarBytes });
    await c.removeFile(id, '/workspace/small', true);

    // 3. Snapshot and restore against workspace size.
    for (const mb of SIZES_MB) {
      await sh(`head -c ${mb * 1024 * 1024} /dev/urandom > ${ws}/data.bin && chown 61000:61000 ${ws}/data.bin`);
      let frozen = 0;
      let snapId = '';
      const snapMs = await timed(async () => {
        const snap = await c.createSnapshot({ sandboxId: id });
        frozen = snap.frozenSeconds * 1000;
        snapId = snap.id;
      });
      let restoredId = '';
      const restoreMs = await timed(async () => { restoredId = (await c.restoreSnapshot({ snapshotId: snapId })).id; });
      report('snapshot_restore', { workspace_mb: mb, snapshot_ms: Math.round(snapMs), frozen_ms: Math.round(frozen), restore_ms: Math.round(restoreMs) });
      await c.deleteSandbox(restoredId);
      await c.deleteSnapshot(snapId);
      rmSync(join(ws, 'data.bin'));
    }

    // 4. Fork of 10 (small workspace).
    await sh(`head -c ${10 * 1024 * 1024} /dev/urandom > ${ws}/data.bin && chown 61000:61000 ${ws}/data.bin`);
    let forked: string[] = [];
    const forkMs = await timed(async () => { forked = (await c.fork({ sandboxId: id, count: 10 })).sandboxes.map((s) => s.id); });
    report('fork_10', { workspace_mb: 10, ms: Math.round(forkMs) });
    for (const f of forked) await c.deleteSandbox(f);

    process.stdout.write(`${JSON.stringify({ summary: { machine: machine() } })}\n`);
  });
}

runBenchmark(main);
