// What every benchmark does around its measurements: a real daemon in a temporary directory that is
// cleaned up whatever happens, and a failure that ends the run with its stack and a non-zero status.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestDaemon } from '../tests/helpers/daemon.js';

/** Runs `fn` with a daemon (not yet started) of `config` in a fresh directory, and removes both after. */
export async function withDaemon<T>(config: Record<string, unknown>, fn: (d: TestDaemon, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'godel-bench-'));
  chmodSync(dir, 0o711); // The sandbox user must reach its workspace under the state dir.
  const d = new TestDaemon(dir, config);
  try {
    return await fn(d, dir);
  } finally {
    // The directory goes even when the cleanup fails (a daemon that never came up): nothing is left in /tmp.
    try {
      await d.cleanup();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

export function runBenchmark(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.stderr.write(`benchmark failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
