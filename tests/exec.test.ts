// Exec.Run through the socket: output, exit codes, signals, env, cwd, timeout, large output, bad input.
import t from 'tap';
import type { ExecEvent } from '../ipc/client.js';
import { expectError, poolConfig, startDaemon, waitFor } from './helpers/daemon.js';

t.test('exec', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1) });
  const c = d.client;
  const { id } = await c.createSandbox({ env: { LEVEL: 'sandbox', BOTH: 'sandbox' } });

  t.test('stdout, stderr and the exit code', async (t) => {
    const r = await c.runCollect({ sandboxId: id, argv: ['/bin/sh', '-c', 'echo out; echo err >&2; exit 7'] });
    t.equal(r.stdout.toString(), 'out\n');
    t.equal(r.stderr.toString(), 'err\n');
    t.equal(r.exitCode, 7);
    t.equal(r.signal, '');
    t.equal(r.timedOut, false);
  });

  t.test('started reports the pid inside the sandbox', async (t) => {
    const r = await c.runCollect({ sandboxId: id, argv: ['/bin/sh', '-c', 'echo $$'] });
    t.equal(r.pid, Number(r.stdout.toString()));
    t.ok(r.pid > 2, 'a pid of the sandbox namespace (1 is its init)');
  });

  t.test('events arrive in order: started, output, exited', async (t) => {
    const kinds: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const s = c.run({ sandboxId: id, argv: ['echo', 'hi'] });
      s.on('data', (e: ExecEvent) => kinds.push(e.event!));
      s.on('end', resolve);
      s.on('error', reject);
    });
    t.same(kinds, ['started', 'stdout', 'exited']);
  });

  t.test('argv is passed as is, never through a shell', async (t) => {
    const r = await c.runCollect({ sandboxId: id, argv: ['printf', '%s|', 'a b', '$(id)', ';ls', '*'] });
    t.equal(r.stdout.toString(), 'a b|$(id)|;ls|*|');
  });

  t.test('environment layers: sandbox, then command', async (t) => {
    const r = await c.runCollect({ sandboxId: id, argv: ['/bin/sh', '-c', 'echo $LEVEL $BOTH $OWN $HOME $GODEL_SANDBOX_ID'], env: { BOTH: 'command', OWN: 'yes' } });
    t.equal(r.stdout.toString(), `sandbox command yes /workspace ${id}\n`);
  });

  t.test('working directory', async (t) => {
    t.equal((await c.runCollect({ sandboxId: id, argv: ['pwd'] })).stdout.toString(), '/workspace\n');
    t.equal((await c.runCollect({ sandboxId: id, argv: ['pwd'], cwd: '/tmp' })).stdout.toString(), '/tmp\n');
    const r = await c.runCollect({ sandboxId: id, argv: ['pwd'], cwd: '/does/not/exist' });
    t.not(r.exitCode, 0, 'a missing directory fails the command');
  });

  t.test('a missing program exits 127', async (t) => {
    const r = await c.runCollect({ sandboxId: id, argv: ['no-such-program'] });
    t.equal(r.exitCode, 127);
  });

  t.test('a command killed by a signal reports it', async (t) => {
    const r = await c.runCollect({ sandboxId: id, argv: ['/bin/sh', '-c', 'kill -TERM $$'] });
    t.equal(r.signal, 'SIGTERM');
    t.equal(r.exitCode, -1);
  });

  t.test('timeout kills the command and says so', async (t) => {
    const started = Date.now();
    const r = await c.runCollect({ sandboxId: id, argv: ['sleep', '30'], timeout: { seconds: 0, nanos: 300e6 } });
    t.equal(r.timedOut, true);
    t.equal(r.signal, 'SIGKILL');
    t.ok(Date.now() - started < 10_000, 'the command did not run to its end');
  });

  t.test('large output streams through intact', async (t) => {
    const r = await c.runCollect({ sandboxId: id, argv: ['head', '-c', String(20 * 1024 * 1024), '/dev/zero'] });
    t.equal(r.stdout.length, 20 * 1024 * 1024);
    t.equal(r.exitCode, 0);
  });

  t.test('binary output is byte-exact', async (t) => {
    const r = await c.runCollect({ sandboxId: id, argv: ['printf', '\\377\\000\\001\\200'] });
    t.same([...r.stdout], [0xff, 0x00, 0x01, 0x80]);
  });

  t.test('cancelling the call kills the command', async (t) => {
    const s = c.run({ sandboxId: id, argv: ['/bin/sh', '-c', 'echo started; exec sleep 60'] });
    s.on('error', () => undefined);
    await new Promise<void>((resolve) => s.on('data', (e: ExecEvent) => { if (e.stdout) resolve(); }));
    s.cancel();
    await waitFor('sleep to be gone', async () => {
      const r = await c.runCollect({ sandboxId: id, argv: ['/bin/sh', '-c', 'ps -eo args | grep -c "^sleep 60" || true'] });
      return r.stdout.toString().trim() === '0' || undefined;
    });
    t.pass('the command was killed');
  });

  t.test('bad requests', async (t) => {
    await expectError(c.runCollect({ sandboxId: id, argv: [] }), 'INVALID_ARGV');
    await expectError(c.runCollect({ sandboxId: id, argv: [''] }), 'INVALID_ARGV');
    await expectError(c.runCollect({ sandboxId: id, argv: ['a\0b'] }), 'INVALID_ARGV');
    await expectError(c.runCollect({ sandboxId: id, argv: ['true'], env: { 'BAD=NAME': 'x' } }), 'INVALID_ENV');
    await expectError(c.runCollect({ sandboxId: id, argv: ['true'], cwd: 'relative' }), 'INVALID_CWD');
    await expectError(c.runCollect({ sandboxId: id, argv: ['true'], cwd: '/workspace/../etc' }), 'INVALID_CWD');
    await expectError(c.runCollect({ sandboxId: id, argv: ['true'], timeout: { seconds: -1 } }), 'INVALID_TIMEOUT');
    await expectError(c.runCollect({ sandboxId: 'sb-0000000000000000', argv: ['true'] }), 'SANDBOX_NOT_FOUND');
    await expectError(c.runCollect({ sandboxId: 'NOT AN ID', argv: ['true'] }), 'INVALID_ID');
    await expectError(c.runCollect({ sandboxId: id, argv: ['x'.repeat(300 * 1024)] }), 'REQUEST_TOO_LARGE');
    const e = await c.runCollect({ sandboxId: id, argv: ['echo', 'still serving'] });
    t.equal(e.stdout.toString(), 'still serving\n', 'the sandbox and daemon carry on');
  });

  t.test('exec into a sandbox that died behind the daemon\'s back', async (t) => {
    const s = await c.createSandbox({});
    // Killing the sandbox's main process (pid 2, under bwrap's init) ends the whole sandbox.
    await c.runCollect({ sandboxId: s.id, argv: ['kill', '-KILL', '2'] });
    await waitFor('the sandbox to be marked failed', async () => ((await c.getSandbox(s.id)).state === 'FAILED') || undefined);
    const got = await c.getSandbox(s.id);
    t.match(got.statusMessage, /exited/);
    await expectError(c.runCollect({ sandboxId: s.id, argv: ['true'] }), 'SANDBOX_DEAD');
    await c.deleteSandbox(s.id);
    await expectError(c.getSandbox(s.id), 'SANDBOX_NOT_FOUND');
  });
});
