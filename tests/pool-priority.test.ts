// The priority a pool gives its refills follows the pool: idle while it holds its reserve, low once a boot
// was starved (still under way AGING_MS after it started at idle) until the pool is full again, normal
// below the reserve for new ones; what is under way is raised to low at most, never lowered. The pool's own logic, driven
// directly: boots here are promises the test settles, so the order of events is exact. That the
// priorities reach the processes (autogroup nice 19, 10, then 0 at handoff) is pool.test's, on a daemon.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { WarmPool } from '../daemon/pool/warm-pool.js';
import type { Template } from '../daemon/config/config.js';
import type { BootPriority } from '../daemon/providers/provider.js';
import type { SandboxRecord } from '../daemon/store/store.js';

interface Boot { priority: BootPriority; finish(): void }

function pool(minIdle: number, refillConcurrency: number) {
  const boots: Boot[] = [];
  /** The templates whose refills under way at idle the pool raised to low, one entry a call. */
  const promoted: string[] = [];
  let n = 0;
  let total = 0;
  const template = { name: 'default', refillConcurrency } as Template;
  const p = new WarmPool(template, { minIdle, maxTotal: 1000, maxAgeSeconds: 0 }, {
    boot: (_tpl, priority) => new Promise<SandboxRecord>((resolve) => {
      total++;
      boots.push({ priority, finish: () => resolve({ id: `sb-${n++}`, template: 'default' } as SandboxRecord) });
    }),
    promote: (template) => { promoted.push(template); },
    discard: async () => { total--; },
    total: () => total,
    isAlive: () => true,
    log: pino({ level: 'silent' }),
  });
  /** Finishes the boots under way now (in order; not those they start) and lets the pool react to each. */
  const finishAll = async (): Promise<void> => {
    for (const boot of boots.splice(0)) {
      boot.finish();
      await sleep(0);
    }
  };
  /** Lets every boot land, those they start included, until the pool is full, and stops it. */
  const drain = async (): Promise<void> => {
    while (boots.length) await finishAll();
    await p.stop();
  };
  return { p, boots, promoted, finishAll, drain };
}

t.test('an empty pool fills its reserve at normal priority, then at idle', async (t) => {
  const { p, boots, finishAll, drain } = pool(8, 1);
  const seen: BootPriority[] = [];
  p.refill();
  for (let i = 0; i < 8; i++) {
    seen.push(boots[0]!.priority);
    await finishAll();
  }
  // reserve = max(refill concurrency 1, 8 / 2) = 4.
  t.same(seen, ['normal', 'normal', 'normal', 'normal', 'idle', 'idle', 'idle', 'idle']);
  t.equal(p.status().idle, 8);
  await drain();
});

t.test('handoffs that take the pool below its reserve raise the refills under way to low, once, and start new ones at normal', async (t) => {
  const { p, boots, promoted, finishAll, drain } = pool(8, 2);
  p.refill();
  while (p.status().idle < 8) await finishAll();
  p.take();
  p.refill();
  t.same(boots.map((b) => b.priority), ['idle'], 'one missing: its refill starts at idle (7 idle of 8)');
  p.take();
  p.take();
  p.take(); // 4 idle: at the reserve, not below
  t.same(promoted, [], 'nothing raised while the pool holds its reserve');
  p.take(); // 3 idle
  // At full priority in the middle of a burst they would take the CPU from its handoffs.
  t.same(promoted, ['default'], 'below the reserve the refill under way is raised to low');
  p.refill();
  t.same(boots.map((b) => b.priority), ['idle', 'normal'], 'and the next one starts at normal');
  p.take();
  t.equal(promoted.length, 1, 'nothing left to raise: no more calls');
  await drain();
});

t.test('a refill still under way AGING_MS after it started at idle is starved: the pool refills at low until full', async (t) => {
  const { p, boots, promoted, finishAll, drain } = pool(8, 2);
  p.refill();
  while (p.status().idle < 8) await finishAll();
  p.take();
  p.refill();
  t.same(boots.map((b) => b.priority), ['idle']);
  await sleep(1300); // AGING_MS is 1000
  t.same(promoted, ['default'], 'the starved refill was raised to low');
  p.take();
  p.refill();
  t.same(boots.map((b) => b.priority), ['idle', 'low'], 'a new refill starts at low while the pool is short (6 of 8 idle)');
  await finishAll();
  t.equal(p.status().idle, 8, 'full again');
  p.take();
  p.refill();
  t.same(boots.map((b) => b.priority), ['idle'], 'once full, refills start at idle again');
  await drain();
});

t.test('a refill that lands in time is not counted as starved', async (t) => {
  const { p, boots, promoted, finishAll, drain } = pool(8, 2);
  p.refill();
  while (p.status().idle < 8) await finishAll();
  p.take();
  p.refill();
  await sleep(100);
  await finishAll();
  await sleep(1100);
  t.same(promoted, [], 'nothing raised');
  p.take();
  p.refill();
  t.same(boots.map((b) => b.priority), ['idle']);
  await drain();
});
