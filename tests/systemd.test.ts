// The systemd unit passes systemd-analyze verify, and the daemon speaks sd_notify: READY once serving,
// WATCHDOG at half the interval, STOPPING on the way out.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestDaemon, poolConfig, waitFor } from './helpers/daemon.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

t.test('systemd-analyze verify passes on the unit', async (t) => {
  const dir = t.testdir({});
  // The unit points at /opt/godel; verify checks that ExecStart's program exists, so point it here.
  const unit = readFileSync(join(root, 'systemd', 'godeld.service'), 'utf8').replaceAll('/opt/godel/', `${root}/`);
  writeFileSync(join(dir, 'godeld.service'), unit);
  const r = spawnSync('systemd-analyze', ['verify', join(dir, 'godeld.service')], { encoding: 'utf8' });
  t.equal(r.status, 0, `systemd-analyze verify: ${r.stderr}`);
  t.match(unit, /^Type=notify$/m);
  t.match(unit, /^KillMode=process$/m, 'a restart leaves the sandboxes running');
  t.match(unit, /^WatchdogSec=/m);
  t.match(unit, /^Delegate=yes$/m);
  t.match(readFileSync(join(root, 'systemd', 'godel.sysusers'), 'utf8'), /^g godel -$/m);
});

t.test('sd_notify: READY, WATCHDOG, STOPPING', async (t) => {
  // Unix socket paths are short (108 bytes): a temporary directory, not the test fixture tree.
  const dir = mkdtempSync(join(tmpdir(), 'godel-notify-'));
  chmodSync(dir, 0o711);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const notifySocket = join(dir, 'notify.sock');
  // A stand-in for systemd's notification socket: prints every datagram it gets, one per line.
  const listener = spawn('python3', ['-u', '-c', [
    'import socket, sys',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
    's.bind(sys.argv[1])',
    'print("listening", flush=True)',
    'while True: print(s.recv(4096).decode(), flush=True)',
  ].join('\n'), notifySocket], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => listener.kill());
  let got = '';
  listener.stdout.on('data', (d: Buffer) => { got += d.toString(); });
  await waitFor('the listener', () => got.includes('listening') || undefined);

  const d = new TestDaemon(dir, poolConfig(0));
  d.env = { NOTIFY_SOCKET: notifySocket, WATCHDOG_USEC: '200000' };
  t.teardown(() => d.cleanup());
  await d.start();
  await waitFor('READY=1', () => got.includes('READY=1') || undefined);
  t.match(got, /STATUS=serving /);
  await waitFor('two watchdog pings', () => (got.match(/WATCHDOG=1/g)?.length ?? 0) >= 2 || undefined, 5000);
  t.pass('the watchdog is fed at half the interval');
  await d.stop('SIGTERM');
  await waitFor('STOPPING=1', () => got.includes('STOPPING=1') || undefined);
  t.pass('stopping is announced');
});
