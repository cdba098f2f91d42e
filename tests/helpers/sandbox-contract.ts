// What every provider's sandboxes must do alike, as users rely on it: exec (exit codes, stdin, stderr,
// a missing command, environment, working directory), interactive PTY sessions (size, resize, Ctrl-C,
// exit status), and files (write, read, list, ownership, path safety, archives). Run against a process
// sandbox (tests/contract.test.ts) and a microvm sandbox (tests/microvm.test.ts).
import type { Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tar from 'tar-stream';
import type { GodelClient } from '../../ipc/client.js';
import { expectError, sh } from './daemon.js';
import { TestSession } from './session.js';

type Tap = Test;

/** A tar built in memory from [name, content | header] entries. */
export async function makeTar(entries: Array<[string, string | tar.Header]>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((r) => { pack.on('end', () => r()); });
  for (const [name, body] of entries) {
    if (typeof body === 'string') pack.entry({ name }, body);
    else pack.entry({ ...body, name });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A buffer as a stream of chunks of at most 1 MiB. */
export async function* chunksOf(b: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += 1024 * 1024) yield b.subarray(i, i + 1024 * 1024);
}

/** `lends`: whether the provider lends files (Files.Open); where it does not, copies are streamed. */
export async function sandboxContract(t: Tap, c: GodelClient, id: string, lends: boolean): Promise<void> {
  await t.test('exec: exit codes, stdin, stderr, a missing command, env and cwd', async (t) => {
    const r = await c.runCollect({ sandboxId: id, argv: ['sh', '-c', 'cat; echo err >&2; exit 3'], stdin: Buffer.from('in\n') });
    t.equal(r.exitCode, 3);
    t.equal(r.stdout.toString(), 'in\n');
    t.equal(r.stderr.toString(), 'err\n');
    t.equal((await c.runCollect({ sandboxId: id, argv: ['no-such-command'] })).exitCode, 127, 'a command that does not exist exits 127, as in a shell');
    const env = await c.runCollect({ sandboxId: id, argv: ['sh', '-c', 'echo "$FOO"; pwd; id -u'], env: { FOO: 'bar' }, cwd: '/tmp' });
    t.equal(env.stdout.toString(), 'bar\n/tmp\n1000\n');
    const killed = await c.runCollect({ sandboxId: id, argv: ['sh', '-c', 'kill -9 $$'] });
    t.equal(killed.signal, 'SIGKILL');
  });

  await t.test('a PTY session: size, resize, Ctrl-C reaches the foreground job, exit status', async (t) => {
    const s = new TestSession(c, { start: { sandboxId: id, argv: ['sh'], tty: true, cols: 100, rows: 30 } });
    await s.started;
    t.ok(s.tty);
    s.type('stty size; test -t 0 && echo on-a-terminal\n');
    await s.waitFor(/30 100/);
    await s.waitFor(/on-a-terminal/);
    s.send({ resize: { cols: 120, rows: 40 } });
    s.type('stty size\n');
    await s.waitFor(/40 120/);
    s.type('sleep 100\n');
    await new Promise((r) => setTimeout(r, 500));
    s.type('\u0003');
    s.type('echo after-interrupt\n');
    await s.waitFor(/after-interrupt/);
    s.type('exit 7\n');
    t.match(await s.ended, { exitCode: 7 });
  });

  await t.test('files: write, read, list, ownership, path safety and archives', async (t) => {
    await c.writeFile({ sandboxId: id, path: '/workspace/contract.txt', mode: 'TRUNCATE', permissions: 0o644 }, Buffer.from('hello\n'));
    t.equal((await c.readFile(id, '/workspace/contract.txt')).toString(), 'hello\n');
    t.ok((await c.listFiles(id, '/workspace')).some((f) => f.path === '/workspace/contract.txt'));
    t.equal(await sh(c, id, 'stat -c %u /workspace/contract.txt'), '1000\n', 'written as the sandbox user');
    await expectError(c.readFile(id, '/workspace/../etc/shadow'), 'PATH_OUTSIDE_SANDBOX');
    await expectError(c.readFile(id, '/workspace/missing'), 'FILE_NOT_FOUND');
    const archive = await makeTar([['unpacked/dir/a.txt', 'A'], ['unpacked/dir/sub/b.txt', 'B']]);
    t.same(await c.putArchive(id, '/workspace', chunksOf(archive)), { entries: 2, bytes: 2 });
    t.equal(await sh(c, id, 'cat /workspace/unpacked/dir/a.txt /workspace/unpacked/dir/sub/b.txt'), 'AB');
    await c.removeFile(id, '/workspace/unpacked', true);
    await expectError(c.stat(id, '/workspace/unpacked'), 'FILE_NOT_FOUND');
  });

  await t.test(`a host file copied in and out, ${lends ? 'lent' : 'streamed'}, with its permissions`, async (t) => {
    const dir = t.testdir();
    const data = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(join(dir, 'in.bin'), data, { mode: 0o751 });
    const path = lends ? 'lent' : 'streamed';
    t.same(await c.uploadFile(join(dir, 'in.bin'), { sandboxId: id, path: '/workspace/copied.bin', permissions: 0o751, atomic: true }), { bytes: data.length, path });
    t.equal(await sh(c, id, 'stat -c "%u %a %s" /workspace/copied.bin'), `1000 751 ${data.length}\n`);
    t.same(await c.downloadFile(id, '/workspace/copied.bin', join(dir, 'out.bin')), { bytes: data.length, path });
    t.ok(readFileSync(join(dir, 'out.bin')).equals(data), 'the same bytes');
    t.equal(statSync(join(dir, 'out.bin')).mode & 0o777, 0o751);
    if (!lends) await expectError(c.openFile({ sandboxId: id, path: '/workspace/copied.bin', access: 'READ' }), 'NOT_SUPPORTED');
  });
}
