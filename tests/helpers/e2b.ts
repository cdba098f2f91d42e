// A godeld with its E2B endpoint on, and the e2b SDK's connection options for it.
import { createHash } from 'node:crypto';
import { startDaemon, waitFor, type TestContext, type TestDaemon } from './daemon.js';

export const E2B_KEY = 'test-key-one';
export const E2B_OTHER_KEY = 'test-key-two';

/** A daemon whose endpoint listens on an ephemeral port of `host` and takes two keys (the second as a hash). */
export async function startE2bDaemon(t: TestContext, host: string, extra: Record<string, unknown> = {}): Promise<TestDaemon> {
  const hashed = `sha256:${createHash('sha256').update(E2B_OTHER_KEY).digest('hex')}`;
  return startDaemon(t, {
    config: {
      ...extra,
      e2b: { listen: `${host}:0`, api_keys: [E2B_KEY, hashed], ...(extra.e2b as Record<string, unknown> | undefined) },
      templates: { default: { pool: { min_idle: 2 } }, ...(extra.templates as Record<string, unknown> | undefined) },
    },
  });
}

/** Where the daemon's E2B endpoint listens, from its log line. */
export async function e2bAddress(d: TestDaemon): Promise<string> {
  return waitFor('the E2B endpoint', () => {
    const line = d.logs().reverse().find((l) => l.msg === 'E2B-compatible endpoint listening');
    return line ? String(line.address) : undefined;
  });
}

export function sdkOptions(address: string, apiKey = E2B_KEY): { apiKey: string; apiUrl: string; sandboxUrl: string } {
  return { apiKey, apiUrl: `http://${address}`, sandboxUrl: `http://${address}` };
}
