// What sandboxes' connections did, counted and recorded. Every connection counts in the metrics. In the
// sandbox's events, each refusal (and failure) is its own event, up to a bound per summary window so that
// a sandbox cannot flood the store; allowed connections, and refusals beyond the bound, are summarized
// once per window per sandbox, by destination.
import { Counter, type Registry } from 'prom-client';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { ConnectionRecord, Decision } from './proxy.js';

/** Refusals recorded one by one per sandbox and window; the rest go into the window's summary. */
const REFUSALS_PER_WINDOW = 20;
/** Destinations named in one summary; the rest are counted together. */
const SUMMARY_DESTINATIONS = 20;

interface Tally {
  connections: number;
  bytesIn: number;
  bytesOut: number;
  longestMs: number;
}

interface Window {
  allowed: Map<string, Tally>;
  refusalsRecorded: number;
  refusalsSummarized: number;
}

export interface LedgerOptions {
  summarySeconds: number;
  /** Appends an event to a sandbox's history (a no-op for a sandbox that is gone). */
  note: (sandboxId: string, type: string, message: string) => Promise<void>;
  log: Logger;
}

export class EgressLedger {
  private readonly windows = new Map<string, Window>();
  private readonly connections = new Counter({
    name: 'godel_egress_connections_total', help: 'Connections (and plain HTTP requests) of sandboxes through the egress proxy, by decision: allowed, refused (by policy or bound), failed (did not resolve or connect)',
    labelNames: ['decision'], registers: [],
  });
  private readonly bytes = new Counter({
    name: 'godel_egress_bytes_total', help: 'Bytes carried by the egress proxy for sandboxes, by direction: in (to the sandbox), out (from it)', labelNames: ['direction'], registers: [],
  });
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: LedgerOptions) {
    for (const decision of ['allowed', 'refused', 'failed'] satisfies Decision[]) this.connections.inc({ decision }, 0);
    for (const direction of ['in', 'out']) this.bytes.inc({ direction }, 0);
  }

  registerMetrics(registry: Registry): void {
    registry.registerMetric(this.connections);
    registry.registerMetric(this.bytes);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.summarySeconds * 1000);
    this.timer.unref();
  }

  /** Writes what is left unsummarized. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  add(r: ConnectionRecord): void {
    this.connections.inc({ decision: r.decision });
    if (r.bytesIn) this.bytes.inc({ direction: 'in' }, r.bytesIn);
    if (r.bytesOut) this.bytes.inc({ direction: 'out' }, r.bytesOut);
    const w = this.window(r.sandboxId);
    if (r.decision === 'allowed') {
      const key = `${r.host}:${r.port}`;
      const t = w.allowed.get(key) ?? { connections: 0, bytesIn: 0, bytesOut: 0, longestMs: 0 };
      t.connections++;
      t.bytesIn += r.bytesIn;
      t.bytesOut += r.bytesOut;
      t.longestMs = Math.max(t.longestMs, r.durationMs);
      w.allowed.set(key, t);
      return;
    }
    if (w.refusalsRecorded >= REFUSALS_PER_WINDOW) {
      w.refusalsSummarized++;
      return;
    }
    w.refusalsRecorded++;
    const target = r.host ? `${r.host}:${r.port}` : 'a connection';
    const via = r.address ? ` (${r.address})` : '';
    const message = `${r.decision} ${r.protocol.toUpperCase()} ${target}${via}: ${r.reason} (${r.durationMs} ms)`;
    this.write(r.sandboxId, `egress-${r.decision}`, message);
  }

  /** One event per sandbox with what its connections did in the window just ended. */
  async flush(): Promise<void> {
    const done = [...this.windows.entries()];
    this.windows.clear();
    await Promise.all(done.map(([id, w]) => {
      const parts: string[] = [];
      const dests = [...w.allowed.entries()].sort((a, b) => b[1].connections - a[1].connections);
      const total = dests.reduce((n, [, t]) => n + t.connections, 0);
      if (total) {
        const named = dests.slice(0, SUMMARY_DESTINATIONS).map(([d, t]) =>
          `${d} x${t.connections} (${bytes(t.bytesIn)} in, ${bytes(t.bytesOut)} out, longest ${t.longestMs} ms)`);
        if (dests.length > SUMMARY_DESTINATIONS) named.push(`${dests.length - SUMMARY_DESTINATIONS} more destinations`);
        parts.push(`allowed ${total} connection(s): ${named.join(', ')}`);
      }
      if (w.refusalsSummarized) parts.push(`${w.refusalsSummarized} more refused or failed connection(s) not recorded one by one`);
      return parts.length ? this.write(id, 'egress', parts.join('; ')) : undefined;
    }));
  }

  private window(id: string): Window {
    let w = this.windows.get(id);
    if (!w) {
      w = { allowed: new Map(), refusalsRecorded: 0, refusalsSummarized: 0 };
      this.windows.set(id, w);
    }
    return w;
  }

  private write(id: string, type: string, message: string): Promise<void> {
    return this.opts.note(id, type, message).catch((err: unknown) => {
      this.opts.log.error({ sandbox: id, err: errorMessage(err) }, 'cannot record an egress event');
    });
  }
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}
