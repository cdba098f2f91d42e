// Files.Open: a regular file of a sandbox lent to a client as its own descriptor, exchanged for a ticket on
// the daemon's socket. What is lent must be exactly what Read and Write would reach, and nothing more.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { descriptorRequest, parseDescriptorReply } from '../ipc/descriptor-protocol.js';
import { loadUnixAddon } from '../ipc/unix-addon.js';
import { GodelClientError, type OpenFileHeader } from '../ipc/client.js';
import { MAX_LENT_FILES } from '../daemon/files/lent-files.js';
import { expectError, poolConfig, sh, startDaemon } from './helpers/daemon.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Sends raw bytes on a new connection to the socket and returns everything the daemon answers. */
function rawExchange(socket: string, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(socket, () => s.write(bytes));
    let out = '';
    s.on('data', (d) => { out += d.toString(); });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

t.test('Files.Open', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1) });
  const c = d.client;
  const { id } = await c.createSandbox({});
  const hostWorkspace = join(d.stateDir, 'sandboxes', id, 'workspace');
  const addon = loadUnixAddon();
  /** The ticket of an Open call held open, without collecting it. */
  const ticketOf = (header: OpenFileHeader): Promise<{ ticket: string; cancel(): void }> => new Promise((resolve, reject) => {
    const call = c.files.open();
    call.on('data', (r: { ticket?: { ticket: string } }) => { if (r.ticket) resolve({ ticket: r.ticket.ticket, cancel: () => call.cancel() }); });
    call.on('error', (err: Error & { code?: number }) => { if (err.code !== 1) reject(err); });
    call.write({ header });
  });

  t.test('a 100 MB file goes in and out through its own descriptor, unchanged', async (t) => {
    const dir = t.testdir();
    const data = randomBytes(100 * 1024 * 1024);
    writeFileSync(join(dir, 'in.bin'), data, { mode: 0o640 });
    const up = await c.uploadFile(join(dir, 'in.bin'), { sandboxId: id, path: '/workspace/big.bin', permissions: 0o640 });
    t.same(up, { bytes: data.length, path: 'lent' });
    const st = await c.stat(id, '/workspace/big.bin');
    t.match(st, { size: data.length, uid: 1000, mode: 0o640 }, 'owned by the sandbox user, with the permissions asked for');
    t.equal(Number(st.modifiedAt!.seconds), Math.floor(statSync(join(dir, 'in.bin')).mtimeMs / 1000), 'the modification time goes along');
    const down = await c.downloadFile(id, '/workspace/big.bin', join(dir, 'out.bin'));
    t.same(down, { bytes: data.length, path: 'lent' });
    t.equal(sha(readFileSync(join(dir, 'out.bin'))), sha(data));
    t.equal(statSync(join(dir, 'out.bin')).mode & 0o777, 0o640);
    // The same file streamed instead, for a client without the addon.
    t.same(await c.downloadFile(id, '/workspace/big.bin', join(dir, 'streamed.bin'), { stream: true }), { bytes: data.length, path: 'streamed' });
    t.equal(sha(readFileSync(join(dir, 'streamed.bin'))), sha(data));
  });

  t.test('a file lent for reading cannot be written, and one lent for writing cannot be read', async (t) => {
    await c.writeFile({ sandboxId: id, path: '/workspace/r.txt' }, Buffer.from('read me'));
    const r = await c.openFile({ sandboxId: id, path: '/workspace/r.txt', access: 'READ' });
    t.equal(r.size, 7);
    const buf = Buffer.alloc(16);
    t.equal(readSync(r.fd, buf, 0, 16, 0), 7);
    t.equal(buf.subarray(0, 7).toString(), 'read me');
    t.throws(() => writeSync(r.fd, 'x'), { code: 'EBADF' });
    t.equal(await r.close(), 7);

    const w = await c.openFile({ sandboxId: id, path: '/workspace/w.txt', access: 'WRITE', mode: 'CREATE', permissions: 0o600 });
    t.throws(() => readSync(w.fd, buf, 0, 1, 0), { code: 'EBADF' });
    writeSync(w.fd, 'written');
    t.equal(await w.close(), 7);
    t.equal((await c.readFile(id, '/workspace/w.txt')).toString(), 'written');
    await expectError(c.openFile({ sandboxId: id, path: '/workspace/w.txt', access: 'WRITE', mode: 'CREATE' }), 'FILE_EXISTS');

    const a = await c.openFile({ sandboxId: id, path: '/workspace/w.txt', access: 'WRITE', mode: 'APPEND' });
    writeSync(a.fd, ' and more');
    await a.close();
    t.equal((await c.readFile(id, '/workspace/w.txt')).toString(), 'written and more', 'an append lands at the end');
  });

  t.test('an atomic write appears whole on commit, and not at all otherwise', async (t) => {
    await c.writeFile({ sandboxId: id, path: '/workspace/atomic.txt' }, Buffer.from('old'));
    const w = await c.openFile({ sandboxId: id, path: '/workspace/atomic.txt', access: 'WRITE', atomic: true });
    writeSync(w.fd, 'new contents');
    t.equal((await c.readFile(id, '/workspace/atomic.txt')).toString(), 'old', 'readers see the old file until the commit');
    t.equal(await w.close(true, new Date('2020-01-02T03:04:05Z')), 12);
    t.equal((await c.readFile(id, '/workspace/atomic.txt')).toString(), 'new contents');
    t.equal(Number((await c.stat(id, '/workspace/atomic.txt')).modifiedAt!.seconds), Date.parse('2020-01-02T03:04:05Z') / 1000);

    const discarded = await c.openFile({ sandboxId: id, path: '/workspace/atomic.txt', access: 'WRITE', atomic: true });
    writeSync(discarded.fd, 'never');
    await discarded.close(false);
    t.equal((await c.readFile(id, '/workspace/atomic.txt')).toString(), 'new contents');

    // A client that goes away in the middle: the call's end abandons the loan.
    const { cancel } = await ticketOf({ sandboxId: id, path: '/workspace/atomic.txt', access: 'WRITE', atomic: true });
    cancel();
    await t.resolves(async () => {
      for (let i = 0; i < 100; i++) {
        if ((await sh(c, id, 'ls -A /workspace | grep -c godel-write || true')).trim() === '0') return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('temporary files are left');
    }, 'no temporary file is left');
    t.equal((await sh(c, id, 'ps -eo args | grep -c "[g]odel-write" || true')).trim(), '0', 'no holder is left in the sandbox');
  });

  t.test('only regular files inside the sandbox are lent', async (t) => {
    // Root-only, under a host directory the sandbox sees (its /etc is its own and would not show it at all).
    const secret = `/usr/local/godel-open-secret-${process.pid}`;
    writeFileSync(secret, 'host secret', { mode: 0o600 });
    t.teardown(() => rmSync(secret, { force: true }));
    await sh(c, id, `ln -sf ${secret} /workspace/to-secret; ln -sfn / /workspace/to-root; mkdir -p /workspace/adir`);
    await expectError(c.openFile({ sandboxId: id, path: '/workspace/../etc/shadow', access: 'READ' }), 'PATH_OUTSIDE_SANDBOX');
    await expectError(c.openFile({ sandboxId: id, path: '/workspace/to-secret', access: 'READ' }), 'FILE_PERMISSION_DENIED');
    await expectError(c.openFile({ sandboxId: id, path: '/workspace/to-root/etc/evil', access: 'WRITE' }), 'READ_ONLY_PATH');
    await expectError(c.openFile({ sandboxId: id, path: '/workspace/adir', access: 'READ' }), 'IS_A_DIRECTORY');
    await expectError(c.openFile({ sandboxId: id, path: '/workspace/adir', access: 'WRITE' }), 'IS_A_DIRECTORY');
    await expectError(c.openFile({ sandboxId: id, path: '/dev/null', access: 'WRITE' }), 'FILE_OPERATION_FAILED');
    await sh(c, id, 'mkfifo /workspace/fifo');
    await expectError(c.openFile({ sandboxId: id, path: '/workspace/fifo', access: 'READ' }), 'FILE_OPERATION_FAILED');
    await expectError(c.openFile({ sandboxId: id, path: '/workspace/fifo', access: 'WRITE' }), 'FILE_OPERATION_FAILED');
    await expectError(c.writeFile({ sandboxId: id, path: '/workspace/fifo' }, Buffer.from('x')), 'FILE_OPERATION_FAILED');
    await expectError(c.openFile({ sandboxId: id, path: '/workspace/missing', access: 'READ' }), 'FILE_NOT_FOUND');
    await expectError(c.openFile({ sandboxId: id, path: '/workspace/x', access: 'WRITE', mode: 'APPEND', atomic: true }), 'INVALID_ARGUMENT');
    await expectError(c.openFile({ sandboxId: 'sb-0000000000000000', path: '/workspace/x', access: 'READ' }), 'SANDBOX_NOT_FOUND');
    t.equal(readFileSync(secret, 'utf8'), 'host secret');
    t.notOk(existsSync('/etc/evil'));

    // What a lent descriptor is: the sandbox's file, nothing above it.
    const f = await c.openFile({ sandboxId: id, path: '/workspace/r.txt', access: 'READ' });
    const st = fstatSync(f.fd);
    t.ok(st.isFile());
    t.equal(st.ino, statSync(join(hostWorkspace, 'r.txt')).ino, 'the very file of the workspace');
    await f.close();
  });

  t.test('a ticket is good once, and only on this socket protocol', async (t) => {
    const { ticket, cancel } = await ticketOf({ sandboxId: id, path: '/workspace/r.txt', access: 'READ' });
    const first = await addon.receiveDescriptor(d.socket, descriptorRequest(ticket), 5000);
    t.same(parseDescriptorReply(first.reply), { ok: true });
    t.ok(first.fd >= 0);
    closeSync(first.fd);
    const again = await addon.receiveDescriptor(d.socket, descriptorRequest(ticket), 5000);
    t.match(parseDescriptorReply(again.reply), { ok: false, code: 'TICKET_NOT_FOUND' });
    t.equal(again.fd, -1, 'no descriptor with a refusal');
    cancel();

    t.match(parseDescriptorReply(await rawExchange(d.socket, descriptorRequest('A'.repeat(32)))), { ok: false, code: 'TICKET_NOT_FOUND' });
    t.match(parseDescriptorReply(await rawExchange(d.socket, 'GODEL-FD/1 ../../etc\n')), { ok: false, code: 'INVALID_ARGUMENT' });
    t.match(parseDescriptorReply(await rawExchange(d.socket, 'GET / HTTP/1.1\r\n\r\n')), { ok: false, code: 'INVALID_ARGUMENT' });
    t.match(parseDescriptorReply(await rawExchange(d.socket, `G${'x'.repeat(1000)}`)), { ok: false, code: 'INVALID_ARGUMENT' });
    t.equal(await c.healthCheck(), 'SERVING', 'the daemon serves gRPC on the same socket throughout');
  });

  t.test('another language can collect a ticket: Python, with socket.recv_fds', async (t) => {
    await c.writeFile({ sandboxId: id, path: '/workspace/py.txt' }, Buffer.from('read from python'));
    const { ticket, cancel } = await ticketOf({ sandboxId: id, path: '/workspace/py.txt', access: 'READ' });
    const script = [
      'import os, socket, sys',
      's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
      's.connect(sys.argv[1])',
      "s.sendall(('GODEL-FD/1 ' + sys.argv[2] + '\\n').encode())",
      'msg, fds, flags, addr = socket.recv_fds(s, 1024, 1)',
      'sys.stdout.write(msg.decode() + os.read(fds[0], 100).decode())',
    ].join('\n');
    const out = execFileSync('python3', ['-c', script, d.socket, ticket], { encoding: 'utf8' });
    t.equal(out, 'OK\nread from python');
    cancel();
  });

  t.test('the call is checked: header first, then only close', async (t) => {
    const call = c.files.open();
    const status = new Promise<string>((resolve) => {
      call.on('error', (err) => resolve(String((err as unknown as { metadata: { get(k: string): unknown[] } }).metadata.get('godel-error-code')[0])));
      call.on('data', () => undefined);
    });
    call.write({ close: { commit: true } });
    t.equal(await status, 'EXPECTED_HEADER');

    const twice = c.files.open();
    const twiceStatus = new Promise<string>((resolve) => {
      twice.on('error', (err) => resolve(String((err as unknown as { metadata: { get(k: string): unknown[] } }).metadata.get('godel-error-code')[0])));
      twice.on('data', () => twice.write({ header: { sandboxId: id, path: '/workspace/r.txt' } }));
    });
    twice.write({ header: { sandboxId: id, path: '/workspace/r.txt' } });
    t.equal(await twiceStatus, 'INVALID_ARGUMENT');
  });

  t.test(`at most ${MAX_LENT_FILES} files are lent at once`, async (t) => {
    const held = [];
    for (let i = 0; i < MAX_LENT_FILES; i++) held.push(await c.openFile({ sandboxId: id, path: '/workspace/r.txt', access: 'READ' }));
    const e = await expectError(c.openFile({ sandboxId: id, path: '/workspace/r.txt', access: 'READ' }), 'TOO_MANY_OPEN_FILES');
    const metrics = async (): Promise<string> => (await fetch(`http://${d.metricsAddress()}/metrics`)).text();
    t.match(await metrics(), new RegExp(`^godel_files_lent ${MAX_LENT_FILES}$`, 'm'), 'the gauge counts them');
    t.equal(e.grpcCode, 8, 'RESOURCE_EXHAUSTED');
    await held.pop()!.close();
    const one = await c.openFile({ sandboxId: id, path: '/workspace/r.txt', access: 'READ' });
    await one.close();
    for (const f of held) await f.close();
    t.match(await metrics(), /^godel_files_lent 0$/m, 'and none is left');
  });

  t.test('a disk-limited sandbox: the client hits its limit, and deleting it with a file still lent works', async (t) => {
    const dl = await startDaemon(t, { config: { templates: { default: { provider: 'process', pool: { min_idle: 0 }, limits: { disk: '32M' } } } } });
    const sb = await dl.client.createSandbox({});
    const w = await dl.client.openFile({ sandboxId: sb.id, path: '/workspace/fill.bin', access: 'WRITE' });
    const chunk = Buffer.alloc(1024 * 1024);
    t.throws(() => { for (let i = 0; i < 64; i++) writeSync(w.fd, chunk); }, { code: 'ENOSPC' });
    await dl.client.deleteSandbox(sb.id);
    t.notOk(existsSync(join(dl.stateDir, 'sandboxes', sb.id)), 'the sandbox is gone while its file is still lent');
    await w.close(false).catch((err: unknown) => t.type(err, GodelClientError, 'the loan ends with its sandbox'));
  });
});
