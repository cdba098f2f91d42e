// /metrics on the loopback listener: the godel_* series move with what the daemon does, and promtool
// (Prometheus's own checker) accepts the output.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectError, poolConfig, startDaemon, waitFor } from './helpers/daemon.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function scrape(address: string): Promise<string> {
  const res = await fetch(`http://${address}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : undefined;
}

t.test('metrics', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(2) });
  const c = d.client;
  const address = d.metricsAddress();
  t.match(address, /^127\.0\.0\.1:\d+$/, 'served on loopback');
  await waitFor('a full pool', async () => ((await c.listPools())[0]!.idle === 2) || undefined);
  const s = await c.createSandbox({});
  await c.runCollect({ sandboxId: s.id, argv: ['true'] });
  await expectError(c.getSandbox('sb-0000000000000000'), 'SANDBOX_NOT_FOUND');

  const text = await scrape(address);
  t.equal(value(text, 'godel_sandboxes{state="READY",provider="process"}'), 1);
  t.equal(value(text, 'godel_pool_target_idle_sandboxes{template="default"}'), 2);
  t.ok(value(text, 'godel_pool_idle_sandboxes{template="default"}')! >= 1);
  t.equal(value(text, 'godel_grpc_requests_total{method="Sandboxes.Create",code="OK"}'), 1);
  t.equal(value(text, 'godel_grpc_requests_total{method="Sandboxes.Get",code="NOT_FOUND"}'), 1);
  t.equal(value(text, 'godel_errors_total{code="SANDBOX_NOT_FOUND"}'), 1);
  t.equal(value(text, 'godel_sandbox_create_duration_seconds_count{source="warm",template="default"}'), 1);
  t.ok(value(text, 'process_cpu_seconds_total')! > 0, 'process metrics too');
  t.notMatch(text, /sb-[0-9a-z]{16}/, 'no sandbox id in any label');
  t.equal((await fetch(`http://${address}/other`)).status, 404);

  const promtool = execFileSync('bash', [join(root, 'scripts', 'promtool.sh')], { encoding: 'utf8' }).trim();
  const check = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  t.equal(check.status, 0, `promtool check metrics: ${check.stdout}${check.stderr}`);
});

t.test('a busy metrics port stops the daemon with a clear message', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(0) });
  const { GODELD } = await import('./helpers/daemon.js');
  const r = spawnSync(process.execPath, [GODELD, '--socket', join(d.dir, 'b.sock'), '--state-dir', join(d.dir, 'b'), '--metrics-addr', d.metricsAddress()], { encoding: 'utf8', timeout: 20_000 });
  t.equal(r.status, 1);
  t.match(r.stderr, /cannot serve metrics on 127\.0\.0\.1:\d+/);
});
