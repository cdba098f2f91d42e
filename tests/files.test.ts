// Files through the socket: large round trips, archives, watch, and every path trick we know.
import t from 'tap';
import tar from 'tar-stream';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toClientError, type FileEvent } from '../ipc/client.js';
import { expectError, poolConfig, sh, startDaemon, waitFor } from './helpers/daemon.js';
import { chunksOf, makeTar } from './helpers/sandbox-contract.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

t.test('files', async (t) => {
  const d = await startDaemon(t, { config: { ...poolConfig(1), files: { max_archive_entries: 20_000 } } });
  const c = d.client;
  const { id } = await c.createSandbox({});
  const hostWorkspace = join(d.stateDir, 'sandboxes', id, 'workspace');

  t.test('a 100 MB file round trip keeps its sha256', async (t) => {
    const data = randomBytes(100 * 1024 * 1024);
    t.equal(await c.writeFile({ sandboxId: id, path: '/workspace/big.bin' }, data), data.length);
    const back = await c.readFile(id, '/workspace/big.bin');
    t.equal(sha(back), sha(data));
    t.same(await c.readFile(id, '/workspace/big.bin', 1000, 16), data.subarray(1000, 1016), 'offset and length');
    const st = await c.stat(id, '/workspace/big.bin');
    t.equal(st.size, data.length);
    t.equal(st.type, 'REGULAR');
    t.equal(st.uid, 1000, 'owned by the sandbox user inside');
    t.not(statSync(join(hostWorkspace, 'big.bin')).uid, 0, 'and not by root on the host');
    await c.removeFile(id, '/workspace/big.bin');
  });

  t.test('write modes, permissions, atomic replace', async (t) => {
    await c.writeFile({ sandboxId: id, path: '/workspace/m.txt', mode: 'CREATE', permissions: 0o600 }, Buffer.from('one'));
    await expectError(c.writeFile({ sandboxId: id, path: '/workspace/m.txt', mode: 'CREATE' }, Buffer.from('x')), 'FILE_EXISTS');
    await c.writeFile({ sandboxId: id, path: '/workspace/m.txt', mode: 'APPEND' }, Buffer.from('+two'));
    t.equal((await c.readFile(id, '/workspace/m.txt')).toString(), 'one+two');
    t.equal((await c.stat(id, '/workspace/m.txt')).mode, 0o600);
    await c.writeFile({ sandboxId: id, path: '/workspace/m.txt', mode: 'TRUNCATE', atomic: true }, Buffer.from('three'));
    t.equal((await c.readFile(id, '/workspace/m.txt')).toString(), 'three');
    t.same((await c.listFiles(id, '/workspace')).map((f) => f.path).filter((p) => p.includes('.godel-write')), [], 'no temporary file left');
    await expectError(c.writeFile({ sandboxId: id, path: '/workspace/m.txt', mode: 'APPEND', atomic: true }, Buffer.from('x')), 'INVALID_ARGUMENT');
  });

  t.test('stat, list with depth, mkdir, move, remove', async (t) => {
    await c.makeDir(id, '/workspace/a/b/c', true);
    await expectError(c.makeDir(id, '/workspace/q/r'), 'FILE_NOT_FOUND');
    await c.writeFile({ sandboxId: id, path: '/workspace/a/b/c/f' }, Buffer.from('f'));
    t.same((await c.listFiles(id, '/workspace/a')).map((f) => f.path), ['/workspace/a/b']);
    t.same((await c.listFiles(id, '/workspace/a', 3)).map((f) => [f.path, f.type]),
      [['/workspace/a/b', 'DIRECTORY'], ['/workspace/a/b/c', 'DIRECTORY'], ['/workspace/a/b/c/f', 'REGULAR']]);
    await c.moveFile(id, '/workspace/a/b/c/f', '/workspace/g');
    await c.writeFile({ sandboxId: id, path: '/workspace/h' }, Buffer.from('h'));
    await expectError(c.moveFile(id, '/workspace/g', '/workspace/h'), 'FILE_EXISTS');
    await c.moveFile(id, '/workspace/g', '/workspace/h', true);
    t.equal((await c.readFile(id, '/workspace/h')).toString(), 'f');
    await expectError(c.removeFile(id, '/workspace/a'), 'DIRECTORY_NOT_EMPTY');
    await c.removeFile(id, '/workspace/a', true);
    await expectError(c.stat(id, '/workspace/a'), 'FILE_NOT_FOUND');
  });

  t.test('wrong types and read-only paths', async (t) => {
    await expectError(c.readFile(id, '/workspace'), 'IS_A_DIRECTORY');
    await expectError(c.writeFile({ sandboxId: id, path: '/workspace' }, Buffer.from('x')), 'IS_A_DIRECTORY');
    await expectError(c.listFiles(id, '/workspace/h'), 'NOT_A_DIRECTORY');
    await expectError(c.readFile(id, '/workspace/none'), 'FILE_NOT_FOUND');
    await expectError(c.writeFile({ sandboxId: id, path: '/usr/evil' }, Buffer.from('x')), 'READ_ONLY_PATH');
    await expectError(c.writeFile({ sandboxId: id, path: '/etc/passwd' }, Buffer.from('x')), 'READ_ONLY_PATH');
    await expectError(c.readFile(id, 'relative/path'), 'INVALID_PATH');
    await expectError(c.readFile('sb-0000000000000000', '/workspace/h'), 'SANDBOX_NOT_FOUND');
  });

  t.test('path tricks never reach a host file', async (t) => {
    // Root-only, under a host directory the sandbox sees (its /etc is its own and would not show it at all).
    const secret = `/usr/local/godel-files-secret-${process.pid}`;
    writeFileSync(secret, 'host secret', { mode: 0o600 });
    t.teardown(() => rmSync(secret, { force: true }));
    const e = await expectError(c.readFile(id, '/workspace/../etc/shadow'), 'PATH_OUTSIDE_SANDBOX');
    t.equal(e.grpcCode, 7, 'PERMISSION_DENIED');
    await expectError(c.writeFile({ sandboxId: id, path: '/workspace/x/../../etc/y' }, Buffer.from('x')), 'PATH_OUTSIDE_SANDBOX');

    // Absolute symlinks and links that point out of /workspace resolve inside the sandbox's own view.
    await sh(c, id, `ln -s ${secret} /workspace/to-secret; ln -s / /workspace/to-root; ln -s ${d.stateDir} /workspace/to-state`);
    await expectError(c.readFile(id, '/workspace/to-secret'), 'FILE_PERMISSION_DENIED');
    await expectError(c.readFile(id, '/workspace/to-state/db/CURRENT'), 'FILE_NOT_FOUND');
    await expectError(c.writeFile({ sandboxId: id, path: '/workspace/to-root/etc/evil' }, Buffer.from('x')), 'READ_ONLY_PATH');
    await expectError(c.writeFile({ sandboxId: id, path: '/workspace/to-state/evil' }, Buffer.from('x')), 'FILE_NOT_FOUND');
    t.notOk(existsSync(join(d.stateDir, 'evil')), 'nothing written in the host state dir');
    t.equal(readFileSync(secret, 'utf8'), 'host secret');

    // A race: the sandbox swaps a directory for a symlink to / over and over while the daemon writes into it.
    const racer = c.runCollect({ sandboxId: id, argv: ['/bin/sh', '-c', 'mkdir -p /workspace/r; i=0; while [ $i -lt 500 ]; do rm -rf /workspace/r; ln -s /etc /workspace/r; rm -f /workspace/r; mkdir /workspace/r; i=$((i+1)); done'] });
    const attempts = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      c.writeFile({ sandboxId: id, path: `/workspace/r/passwd-${i}` }, Buffer.from('x')).then(() => 'ok', (err: { code: string }) => err.code)));
    t.ok(attempts.every((a) => ['ok', 'FILE_NOT_FOUND', 'READ_ONLY_PATH', 'NOT_A_DIRECTORY', 'FILE_OPERATION_FAILED'].includes(a)), `outcomes: ${[...new Set(attempts)].join(', ')}`);
    t.equal((await racer).exitCode, 0, 'the racer ran to its end');
    for (let i = 0; i < 40; i++) t.notOk(existsSync(`/etc/passwd-${i}`), `no /etc/passwd-${i} on the host`);
  });

  t.test('10,000 small files through an archive, and back', async (t) => {
    const entries: Array<[string, string]> = Array.from({ length: 10_000 }, (_, i) => [`many/d${i % 50}/f${i}.txt`, `file ${i}\n`]);
    await c.makeDir(id, '/workspace/in');
    const res = await c.putArchive(id, '/workspace/in', chunksOf(await makeTar(entries)));
    t.equal(res.entries, 10_000);
    t.equal((await sh(c, id, 'find /workspace/in/many -type f | wc -l')).trim(), '10000');
    t.equal((await c.readFile(id, '/workspace/in/many/d7/f1207.txt')).toString(), 'file 1207\n');
    const out: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const s = c.files.getArchive({ sandboxId: id, path: '/workspace/in/many' });
      s.on('data', (ch: { data: Buffer }) => out.push(ch.data));
      s.on('end', resolve);
      s.on('error', reject);
    });
    let count = 0;
    const extract = tar.extract();
    extract.on('entry', (h, stream, next) => { if (h.type === 'file') count++; stream.resume(); stream.on('end', next); });
    await new Promise<void>((resolve) => { extract.on('finish', () => resolve()); extract.end(Buffer.concat(out)); });
    t.equal(count, 10_000, 'GetArchive packs them all');
  });

  t.test('hostile archives are refused and write nothing', async (t) => {
    await c.makeDir(id, '/workspace/h1');
    const cases: Array<[string, Array<[string, string | tar.Header]>]> = [
      ['absolute name', [['/etc/evil', 'x']]],
      ['.. entry', [['ok.txt', 'fine'], ['../../evil', 'x']]],
      ['symlink then write', [['link', { type: 'symlink', linkname: '/tmp' } as tar.Header], ['link/evil', 'x']]],
      ['device node', [['dev', { type: 'character-device', devmajor: 1, devminor: 3 } as tar.Header]]],
      ['hard link out of the archive', [['hl', { type: 'link', linkname: '../../etc/passwd' } as tar.Header]]],
    ];
    for (const [name, entries] of cases) {
      const e = await expectError(c.putArchive(id, '/workspace/h1', chunksOf(await makeTar(entries))), 'INVALID_ARCHIVE');
      t.ok(e.message.length > 0, `${name}: ${e.message}`);
    }
    await expectError(c.putArchive(id, '/workspace/h1', chunksOf(Buffer.from('this is not a tar'.repeat(100)))), 'INVALID_ARCHIVE');
    const many: Array<[string, string]> = Array.from({ length: 20_001 }, (_, i) => [`e${i}`, '']);
    await expectError(c.putArchive(id, '/workspace/h1', chunksOf(await makeTar(many))), 'INVALID_ARCHIVE');
    t.equal((await sh(c, id, 'ls -A /tmp | grep -c evil || true')).trim(), '0', 'nothing escaped into /tmp');
    t.notOk(existsSync('/etc/evil'));
    await expectError(c.putArchive(id, '/workspace/none', chunksOf(await makeTar([['a', 'b']]))), 'FILE_NOT_FOUND');
  });

  t.test('watch reports create, modify, delete and move', async (t) => {
    await c.makeDir(id, '/workspace/w');
    const events: FileEvent[] = [];
    const stream = c.files.watch({ sandboxId: id, path: '/workspace/w', ready: true });
    stream.on('data', (e: FileEvent) => events.push(e));
    stream.on('error', () => undefined);
    await waitFor('the watch to be ready', () => events.length > 0 || undefined);
    t.same(events[0], { type: 'ready', path: '/workspace/w', from: '', fileType: 'DIRECTORY' }, 'asked for, the first event says the watch is in place');
    // A file created in a brand-new directory is reported by inotify, or by the listing of the new
    // directory when inotify had no watch on it yet; if it is gone again before either sees it, nothing
    // can report its creation (a CI run saw exactly that). So it stays until its create is seen.
    await sh(c, id, 'mkdir /workspace/w/sub; echo a > /workspace/w/sub/f');
    await waitFor('the create in the new directory', () => events.find((e) => e.type === 'create' && e.path === '/workspace/w/sub/f'));
    await sh(c, id, 'echo b >> /workspace/w/sub/f; mv /workspace/w/sub/f /workspace/w/g; rm /workspace/w/g');
    await waitFor('the delete event', () => events.find((e) => e.type === 'delete' && e.path === '/workspace/w/g'));
    stream.cancel();
    const seen = events.map((e) => `${e.type} ${e.path}${e.from ? ` <- ${e.from}` : ''}`);
    t.ok(seen.includes('create /workspace/w/sub'), 'directory created');
    t.ok(seen.includes('create /workspace/w/sub/f'), 'file created in a new subdirectory (recursive)');
    t.ok(seen.includes('modify /workspace/w/sub/f'), 'file modified');
    t.ok(seen.includes('move /workspace/w/g <- /workspace/w/sub/f'), 'file moved');
    t.ok(seen.includes('delete /workspace/w/g'), 'file deleted');
    t.equal(events.find((e) => e.path === '/workspace/w/sub')?.fileType, 'DIRECTORY');
    await expectError(new Promise((resolve, reject) => {
      const s = c.files.watch({ sandboxId: id, path: '/workspace/none' });
      s.on('error', (err) => reject(toClientError(err, c.socket)));
      s.on('end', resolve);
    }), 'FILE_NOT_FOUND');
  });
});
