// Starts the FAKE Kubernetes API server for a test and stops it (and every pod's sandbox) after.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FakeKubeApiServer, type FakeOptions } from './fake-apiserver.js';
import type { TestContext } from '../daemon.js';
import { blockFor, lastResort } from '../last-resort.js';

export { FakeKubeApiServer };

export async function startFakeKube(t: TestContext, opts: Omit<FakeOptions, 'dir'>): Promise<FakeKubeApiServer & { dir: string }> {
  const dir = mkdtempSync('/tmp/godel-kubernetes-');
  chmodSync(dir, 0o711); // The pods' sandbox user must reach their workspaces.
  const fake = new FakeKubeApiServer({ ...opts, dir: join(dir, 'fake') });
  const forget = lastResort(() => {
    fake.killPods();
    blockFor(200); // The pods' bwrap processes exit with their init.
    rmSync(dir, { recursive: true, force: true });
  });
  t.teardown(async () => {
    await fake.stop().catch((err: unknown) => { console.error('fake stop failed', err); throw err; });
    rmSync(dir, { recursive: true, force: true });
    forget();
  });
  await fake.start();
  return Object.assign(fake, { dir });
}

/** Starts a daemon for a test; it is stopped before the fake server (teardowns run in the order they were added). */
export { startDaemon } from '../daemon.js';

/** A kubernetes template for a fake server's kubeconfig (the fake ignores the image except for its scripted failures). */
export function k8sTemplate(kubeconfig: string, extra: Record<string, unknown> = {}, pool: Record<string, unknown> = { min_idle: 2, max_total: 60 }): Record<string, unknown> {
  const { limits, lifecycle, ...k8s } = extra as { limits?: unknown; lifecycle?: unknown };
  return {
    provider: 'kubernetes', pool, ...(limits ? { limits } : {}), ...(lifecycle ? { lifecycle } : {}),
    kubernetes: { kubeconfig, namespace: 'godel', image: 'docker.io/library/debian:bookworm', ready_timeout_seconds: 5, ...k8s },
  };
}
