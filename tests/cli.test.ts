// godelctl as a person uses it: a real binary against a real daemon.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GODELCTL, poolConfig, startDaemon, waitFor } from './helpers/daemon.js';

t.test('godelctl', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1) });
  const ctl = (...args: string[]) => spawnSync(process.execPath, [GODELCTL, ...args], {
    encoding: 'utf8', timeout: 30_000, env: { ...process.env, GODEL_SOCKET: d.socket },
  });

  const created = ctl('create', '--label', 'app=web', '--label', 'tier=1', '--env', 'GREETING=hello world', '--ttl', '3600');
  t.equal(created.status, 0, created.stderr);
  const id = created.stdout.trim();
  t.match(id, /^sb-[0-9a-z]{16}-[a-z0-9-]+$/, 'create prints the id');

  const ls = ctl('ls');
  t.equal(ls.status, 0);
  t.match(ls.stdout, /^ID\s+NODE\s+TEMPLATE\s+STATE/);
  t.match(ls.stdout, new RegExp(`${id}\\s+\\S+\\s+default\\s+READY`));
  t.match(ls.stdout, /app=web,tier=1/);
  t.equal(ctl('ls', '-q').stdout, `${id}\n`);
  t.equal(ctl('ls', '-q', '--label', 'app=db').stdout, '');

  const lsJson = JSON.parse(ctl('-o', 'json', 'ls').stdout) as Array<{ id: string; expiresAt: string }>;
  t.equal(lsJson[0]!.id, id);
  t.match(lsJson[0]!.expiresAt, /^\d{4}-\d\d-\d\dT/, 'json shows times as ISO strings');

  const inspect = JSON.parse(ctl('inspect', id).stdout) as Array<{ id: string; labels: Record<string, string>; state: string }>;
  t.same(inspect[0]!.labels, { app: 'web', tier: '1' });
  t.equal(inspect[0]!.state, 'READY');

  const exec = ctl('exec', id, '--', 'sh', '-c', 'echo "$GREETING"; echo oops >&2; exit 42');
  t.equal(exec.status, 42, 'exec exits with the command\'s exit code');
  t.equal(exec.stdout, 'hello world\n');
  t.equal(exec.stderr, 'oops\n');
  t.equal(ctl('exec', id, '--', 'true').status, 0);
  t.equal(ctl('exec', id, '--', 'sh', '-c', 'kill -9 $$').status, 137, 'a signal death exits 128+N like a shell');
  t.equal(ctl('exec', '-w', '/tmp', id, '--', 'pwd').stdout, '/tmp\n');
  // As with docker exec, everything after the id is the command, its options included.
  t.equal(ctl('exec', id, 'ls', '-a', '-d', '/tmp').stdout, '/tmp\n');
  t.equal(ctl('exec', '-e', 'A=1', '-w', '/tmp', id, 'sh', '-c', 'echo "$A $(pwd)" "$@"', 'sh', '-e', '-w', '--timeout').stdout, '1 /tmp -e -w --timeout\n');
  const timedOut = ctl('exec', '--timeout', '0.3', id, '--', 'sleep', '10');
  t.equal(timedOut.status, 137);
  t.match(timedOut.stderr, /timeout/);

  const pools = ctl('pool', 'ls');
  t.match(pools.stdout, /^NODE\s+TEMPLATE\s+PROVIDER\s+IDLE/);
  t.match(pools.stdout, /default\s+process/);
  const set = ctl('pool', 'set', 'default', '--min-idle', '2', '--max-total', '10');
  t.equal(set.status, 0, set.stderr);
  t.match(set.stdout, /min_idle=2 max_total=10/);
  const poolsJson = JSON.parse(ctl('pool', 'ls', '-o', 'json').stdout) as Array<{ minIdle: number }>;
  t.equal(poolsJson[0]!.minIdle, 2);
  const badSet = ctl('pool', 'set', 'default', '--min-idle', 'many');
  t.equal(badSet.status, 1);
  t.match(badSet.stderr, /^godelctl: --min-idle must be a whole number/);

  const info = ctl('info');
  t.match(info.stdout, /Node:/);
  t.match(info.stdout, /process: available/);
  t.match(info.stdout, /default \(process/);
  t.equal(JSON.parse(ctl('info', '-o', 'json').stdout).socket, d.socket);
  t.match(ctl('version').stdout, /Client: \d+\.\d+\.\d+\nDaemon: \d+\.\d+\.\d+ \(api godel\.v1/);

  const notFound = ctl('inspect', 'sb-0000000000000000');
  t.equal(notFound.status, 1);
  t.equal(notFound.stderr.trim().split('\n').length, 1, 'one line');
  t.match(notFound.stderr, /^godelctl: no sandbox with id sb-0000000000000000 \(SANDBOX_NOT_FOUND\)/);
  t.equal(ctl('exec', 'sb-0000000000000000', '--', 'true').status, 125, 'exec failures of godelctl itself exit 125');
  t.match(ctl('create', '--label', 'novalue').stderr, /--label takes KEY=VALUE/);
  t.match(ctl('create', '--template', 'nope').stderr, /TEMPLATE_NOT_FOUND/);

  const rm = ctl('rm', id, 'sb-0000000000000000');
  t.equal(rm.status, 1, 'rm fails when any id fails');
  t.equal(rm.stdout, `${id}\n`, 'but removes the others');
  t.equal(ctl('ls', '-q').stdout, '');

  const noDaemon = spawnSync(process.execPath, [GODELCTL, '--socket', `${d.dir}/none.sock`, 'ls'], { encoding: 'utf8' });
  t.equal(noDaemon.status, 1);
  t.match(noDaemon.stderr, /^godelctl: no godeld is answering on .*none\.sock/);
  t.equal(noDaemon.stderr.trim().split('\n').length, 1);
});

t.test('godelctl cp and fs', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1) });
  const ctl = (...args: string[]) => spawnSync(process.execPath, [GODELCTL, ...args], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, GODEL_SOCKET: d.socket },
  });
  const id = ctl('create').stdout.trim();
  const src = join(d.dir, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'a.txt'), 'alpha\n');
  writeFileSync(join(src, 'sub', 'b.bin'), Buffer.from([0, 1, 2, 255]));
  symlinkSync('a.txt', join(src, 'link'));

  t.equal(ctl('cp', src, `${id}:/workspace/`).status, 0, 'a directory into an existing directory');
  t.equal(ctl('fs', 'cat', `${id}:/workspace/src/a.txt`).stdout, 'alpha\n');
  t.same(ctl('fs', 'ls', '-d', '2', `${id}:/workspace/src`).stdout.trim().split('\n'),
    ['/workspace/src/a.txt', '/workspace/src/link', '/workspace/src/sub', '/workspace/src/sub/b.bin']);
  t.match(ctl('fs', 'ls', '-l', `${id}:/workspace/src`).stdout, /symlink\s+0777\s+\d+\s+\S+\s+\/workspace\/src\/link -> a\.txt/);
  t.equal(ctl('cp', join(src, 'a.txt'), `${id}:/workspace/renamed.txt`).status, 0, 'a file to a new name');
  t.equal(ctl('fs', 'cat', `${id}:/workspace/renamed.txt`).stdout, 'alpha\n');

  const back = join(d.dir, 'back');
  t.equal(ctl('cp', `${id}:/workspace/src`, back).status, 0, 'a directory out to a new name');
  t.equal(readFileSync(join(back, 'a.txt'), 'utf8'), 'alpha\n');
  t.same([...readFileSync(join(back, 'sub', 'b.bin'))], [0, 1, 2, 255]);
  t.equal(readlinkSync(join(back, 'link')), 'a.txt');

  const rm = ctl('fs', 'rm', `${id}:/workspace/src`);
  t.equal(rm.status, 1);
  t.match(rm.stderr, /DIRECTORY_NOT_EMPTY/);
  t.equal(ctl('fs', 'rm', '-r', `${id}:/workspace/src`).status, 0);
  t.equal(ctl('fs', 'mkdir', '-p', `${id}:/workspace/x/y`).status, 0);
  t.match(ctl('fs', 'stat', `${id}:/workspace/x/y`).stdout, /"type": "DIRECTORY"/);
  t.match(ctl('cp', `${id}:/workspace/../etc/passwd`, d.dir).stderr, /PATH_OUTSIDE_SANDBOX/);
  t.match(ctl('cp', join(d.dir, 'missing'), `${id}:/workspace/`).stderr, /no such file/);
  t.match(ctl('cp', 'a', 'b').stderr, /one side of cp must be in a sandbox/);
  t.match(ctl('fs', 'cat', '/etc/passwd').stderr, /is not a sandbox path/);

  // fs watch says when it watches; a change made after that is printed; Ctrl-C ends it cleanly.
  const watch = spawn(process.execPath, [GODELCTL, 'fs', 'watch', `${id}:/workspace/x`], { env: { ...process.env, GODEL_SOCKET: d.socket } });
  let out = '';
  let err = '';
  watch.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
  watch.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
  const exited = once(watch, 'exit');
  t.teardown(() => { watch.kill('SIGKILL'); });
  await waitFor('fs watch to say it watches', () => err.includes('watching /workspace/x\n') || undefined);
  t.equal(ctl('exec', id, '--', 'sh', '-c', 'echo hi > /workspace/x/new.txt').status, 0);
  await waitFor('the create to be printed', () => /^create\s+\/workspace\/x\/new\.txt$/m.test(out) || undefined);
  watch.kill('SIGINT');
  const [code] = await exited;
  t.equal(code, 0, 'Ctrl-C ends fs watch with 0');
  t.notMatch(out, /ready/, 'the ready event is not printed as a change');
});
