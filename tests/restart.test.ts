// The daemon's own lifecycle: sandboxes survive clean stops and crashes, a second daemon is refused,
// a stale socket is cleared, the store is reconciled with what actually runs.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GODELD, expectError, poolConfig, sh, startDaemon, waitFor } from './helpers/daemon.js';

t.test('sandboxes survive a clean restart and a crash', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1) });
  const a = await d.client.createSandbox({ labels: { name: 'a' }, env: { KEEP: 'me' } });
  await sh(d.client, a.id, 'echo persisted > /workspace/f; echo gone > /tmp/f; sleep 1000 >/dev/null 2>&1 &');

  t.equal(await d.stop('SIGTERM'), 0, 'SIGTERM stops the daemon cleanly');
  t.notOk(existsSync(d.socket), 'a clean stop removes the socket');
  t.ok(d.sandboxPids().length >= 2, 'the sandboxes keep running while the daemon is down');
  await d.start();
  const got = await d.client.getSandbox(a.id);
  t.equal(got.state, 'READY');
  t.same(got.labels, { name: 'a' });
  t.equal(await sh(d.client, a.id, 'cat /workspace/f /tmp/f; echo $KEEP; pgrep -c sleep'), 'persisted\ngone\nme\n2\n',
    'files, /tmp, env and background processes are all still there');

  await d.stop('SIGKILL');
  t.ok(existsSync(d.socket), 'a crash leaves the socket behind');
  await d.start();
  t.pass('a new daemon removes the stale socket and starts');
  t.equal(await sh(d.client, a.id, 'cat /workspace/f'), 'persisted\n', 'usable after a crash too');
  t.equal((await d.client.listSandboxes()).length, 1);
  const pool = (await d.client.listPools())[0]!;
  t.ok(pool.idle + pool.booting >= 1, 'the idle pool sandbox was adopted or is refilling');
});

t.test('a sandbox that died while the daemon was down is marked FAILED', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(0) });
  const s = await d.client.createSandbox({});
  await d.stop();
  for (const pid of d.sandboxPids()) process.kill(pid, 'SIGKILL');
  await waitFor('the sandbox processes to exit', () => d.sandboxPids().length === 0 || undefined);
  await d.start();
  const got = await d.client.getSandbox(s.id);
  t.equal(got.state, 'FAILED');
  t.match(got.statusMessage, /exited while the daemon was not running/);
  await expectError(d.client.runCollect({ sandboxId: s.id, argv: ['true'] }), 'SANDBOX_DEAD');
  await d.client.deleteSandbox(s.id);
  t.same(await d.client.listSandboxes(), []);
});

t.test('orphans unknown to the store are reaped at start', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(0) });
  await d.stop();
  // A sandbox directory the store does not know, as a crash between boot and record would leave.
  const orphan = join(d.stateDir, 'sandboxes', 'sb-orphanorphan0000');
  mkdirSync(join(orphan, 'workspace'), { recursive: true });
  writeFileSync(join(orphan, 'workspace', 'junk'), 'x');
  await d.start();
  t.notOk(existsSync(orphan), 'the orphan directory is gone');
  t.ok(await d.logged('orphans were reaped', (l) => l.msg === 'reaped orphan sandboxes unknown to the store'));
});

t.test('a second daemon on the same socket or state dir is refused', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(0) });
  const sameSocket = spawnSync(process.execPath, [GODELD, '--socket', d.socket, '--state-dir', join(d.dir, 'other-state')], { encoding: 'utf8', timeout: 20_000 });
  t.equal(sameSocket.status, 1);
  t.match(sameSocket.stderr, /another godeld is already serving/);
  const sameState = spawnSync(process.execPath, [GODELD, '--socket', join(d.dir, 'other.sock'), '--state-dir', d.stateDir], { encoding: 'utf8', timeout: 20_000 });
  t.equal(sameState.status, 1);
  t.match(sameState.stderr, /state dir .* is in use by another godeld/);
  t.equal(await d.client.healthCheck(), 'SERVING', 'the first daemon is unharmed');
  t.ok(existsSync(d.socket), 'and its socket is still there');
});

t.test('the socket is mode 0660', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(0) });
  t.equal(statSync(d.socket).mode & 0o777, 0o660);
});

t.test('bad config files stop the daemon with a clear message', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    ['{not json', /not valid JSON/],
    [{ templates: { default: { provider: 'process', pool: { min_idle: -1 } } } }, /min_idle must be an integer/],
    [{ templates: { Bad_Name: {} } }, /template names use lowercase/],
    [{ templates: { x: { network: 'wifi' } } }, /network must be "none", "host" or an object/],
    [{ templates: { x: { unknown_field: 1 } } }, /unknown field "unknown_field"/],
    [{ templates: { x: { pool: { min_idle: 5, max_total: 2 } } } }, /exceeds max_total/],
  ];
  const dir = t.testdir({});
  for (const [i, [config, message]] of cases.entries()) {
    const path = join(dir, `c${i}.json`);
    writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
    const r = spawnSync(process.execPath, [GODELD, '--socket', join(dir, `s${i}.sock`), '--state-dir', join(dir, `st${i}`), '--config', path], { encoding: 'utf8', timeout: 20_000 });
    t.equal(r.status, 1, `config ${i} is refused`);
    t.match(r.stderr, message);
  }
  const missing = spawnSync(process.execPath, [GODELD, '--socket', join(dir, 'm.sock'), '--state-dir', join(dir, 'm'), '--config', join(dir, 'nope.json')], { encoding: 'utf8', timeout: 20_000 });
  t.match(missing.stderr, /cannot read config file/);
});
