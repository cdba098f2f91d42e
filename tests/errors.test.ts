// Bad input gets its gRPC status and godel-error-code, and leaves the daemon and the store intact.
import t from 'tap';
import { status } from '@grpc/grpc-js';
import { expectError, poolConfig, startDaemon } from './helpers/daemon.js';

t.test('bad input', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1) });
  const c = d.client;
  const keep = await c.createSandbox({ labels: { keep: 'yes' } });

  const cases: Array<[string, () => Promise<unknown>, string, number]> = [
    ['unknown template', () => c.createSandbox({ template: 'nope' }), 'TEMPLATE_NOT_FOUND', status.NOT_FOUND],
    ['malformed template name', () => c.createSandbox({ template: '../etc' }), 'TEMPLATE_NOT_FOUND', status.NOT_FOUND],
    ['unknown id', () => c.getSandbox('sb-0000000000000000'), 'SANDBOX_NOT_FOUND', status.NOT_FOUND],
    ['empty id', () => c.getSandbox(''), 'INVALID_ID', status.INVALID_ARGUMENT],
    ['malformed id', () => c.deleteSandbox('../../etc/passwd'), 'INVALID_ID', status.INVALID_ARGUMENT],
    ['label with a bad key', () => c.createSandbox({ labels: { 'bad key!': 'v' } }), 'INVALID_LABEL', status.INVALID_ARGUMENT],
    ['label with a control character', () => c.createSandbox({ labels: { k: 'a\nb' } }), 'INVALID_LABEL', status.INVALID_ARGUMENT],
    ['too many labels', () => c.createSandbox({ labels: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'])) }), 'REQUEST_TOO_LARGE', status.INVALID_ARGUMENT],
    ['env with a bad name', () => c.createSandbox({ env: { '1BAD': 'v' } }), 'INVALID_ENV', status.INVALID_ARGUMENT],
    ['env with a NUL', () => c.createSandbox({ env: { OK: 'a\0b' } }), 'INVALID_ENV', status.INVALID_ARGUMENT],
    ['env too big', () => c.createSandbox({ env: { BIG: 'x'.repeat(200 * 1024) } }), 'REQUEST_TOO_LARGE', status.INVALID_ARGUMENT],
    ['ttl too long', () => c.createSandbox({ ttlSeconds: 10 ** 9 }), 'INVALID_ARGUMENT', status.INVALID_ARGUMENT],
    ['bad label selector', () => c.listSandboxes({ labelSelector: { '': 'x' } }), 'INVALID_LABEL', status.INVALID_ARGUMENT],
  ];
  for (const [name, call, code, grpcCode] of cases) {
    const e = await expectError(call(), code);
    t.equal(e.grpcCode, grpcCode, `${name}: ${code} with gRPC ${status[grpcCode]}`);
    t.notMatch(e.message, /at .*\.js:\d+/, `${name}: no stack trace in the message`);
  }

  t.test('a request over the 4 MiB message limit is refused by the transport', async (t) => {
    try {
      await c.createSandbox({ labels: { big: 'x'.repeat(5 * 1024 * 1024) } });
      t.fail('should have failed');
    } catch (err) {
      t.equal((err as { grpcCode: number }).grpcCode, status.RESOURCE_EXHAUSTED);
    }
  });

  t.test('garbage bytes on the socket do not hurt the daemon', async (t) => {
    const { connect } = await import('node:net');
    await new Promise<void>((resolve) => {
      const s = connect(d.socket, () => {
        s.write(Buffer.from('GET / HTTP/1.1\r\n\r\n\x00\xff\xfe garbage'));
        setTimeout(() => { s.destroy(); resolve(); }, 200);
      });
      s.on('error', () => resolve());
    });
    t.equal(await c.healthCheck(), 'SERVING');
  });

  t.test('after all that, the daemon and the store are intact', async (t) => {
    const list = await c.listSandboxes();
    t.same(list.map((s) => s.id), [keep.id]);
    const r = await c.runCollect({ sandboxId: keep.id, argv: ['echo', 'ok'] });
    t.equal(r.stdout.toString(), 'ok\n');
    await d.restart();
    t.same((await d.client.listSandboxes()).map((s) => s.id), [keep.id], 'the store reopens with the same sandbox');
  });
});
