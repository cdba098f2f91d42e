// Seeding /workspace on Create: a host directory, a tar file, a git worktree of a host repository.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import tar from 'tar-stream';
import { GODELCTL, expectError, poolConfig, sh, startDaemon } from './helpers/daemon.js';

const OWNER = 62000;

t.test('workspaces', async (t) => {
  const root = t.testdir({});
  chmodSync(root, 0o755);
  const d = await startDaemon(t, { config: { ...poolConfig(1), workspaces: { allowed_roots: [root] } } });
  const c = d.client;

  const dir = join(root, 'seed');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'README'), 'seeded\n');
  writeFileSync(join(dir, 'sub', 'x'), 'x\n');

  t.test('from a host directory', async (t) => {
    const s = await c.createSandbox({ workspace: { hostDir: dir } });
    t.equal(await sh(c, s.id, 'cat /workspace/README /workspace/sub/x; stat -c %u /workspace/README'), 'seeded\nx\n1000\n', 'copied, owned by the sandbox user');
  });

  t.test('from a tar file', async (t) => {
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (b: unknown) => { chunks.push(b as Buffer); });
    pack.entry({ name: 'from-tar.txt' }, 'tar content\n');
    pack.finalize();
    await new Promise<void>((r) => { pack.on('end', () => r()); });
    const file = join(root, 'seed.tar');
    writeFileSync(file, Buffer.concat(chunks));
    const s = await c.createSandbox({ workspace: { tarFile: file } });
    t.equal(await sh(c, s.id, 'cat /workspace/from-tar.txt'), 'tar content\n');
  });

  t.test('sources outside the allowed roots, or missing, are refused and leave nothing', async (t) => {
    const before = (await c.listSandboxes()).length;
    await expectError(c.createSandbox({ workspace: { hostDir: '/etc' } }), 'WORKSPACE_SOURCE_NOT_ALLOWED');
    await expectError(c.createSandbox({ workspace: { hostDir: join(root, 'nope') } }), 'INVALID_WORKSPACE');
    await expectError(c.createSandbox({ workspace: { tarFile: join(root, 'README') } }), 'INVALID_WORKSPACE');
    t.equal((await c.listSandboxes()).length, before);
  });

  t.test("git worktree: the agent commits on its own branch of the user's repository", async (t) => {
    const repo = join(root, 'repo');
    mkdirSync(repo);
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { uid: OWNER, gid: OWNER, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: repo } });
    chownSync(repo, OWNER, OWNER);
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'app.txt'), 'v1\n');
    chownSync(join(repo, 'app.txt'), OWNER, OWNER);
    git('add', 'app.txt');
    git('-c', 'user.name=User', '-c', 'user.email=u@example.com', 'commit', '-q', '-m', 'first');

    const s = await c.createSandbox({ workspace: { git: { repo, ref: 'main' } } });
    t.equal(s.fromWarmPool, false, 'a git workspace is booted for the request');
    t.equal(await sh(c, s.id, 'cat /workspace/app.txt; git -C /workspace branch --show-current'), `v1\ngodel/${s.id}\n`);
    await sh(c, s.id, 'cd /workspace && echo v2 > app.txt && git -c user.name=Agent -c user.email=a@example.com commit -qam "agent change"');
    t.equal(git('log', '--format=%s', `godel/${s.id}`).trim().split('\n')[0], 'agent change', 'the commit is in the host repository');
    t.equal(git('show', `godel/${s.id}:app.txt`), 'v2\n');
    t.equal(git('status', '--porcelain'), '', "the user's own checkout is untouched");
    await c.deleteSandbox(s.id);
    // Only the user's own checkout is left: no worktree on the sandbox's branch (the checkout's own path
    // may hold "godel", as a CI clone's does).
    const worktrees = git('worktree', 'list').trim().split('\n');
    t.ok(worktrees.length === 1 && !worktrees[0]!.includes(`[godel/${s.id}]`), `the worktree is pruned (${worktrees.join('; ')})`);
    t.equal(git('log', '--format=%s', '-1', `godel/${s.id}`).trim(), 'agent change', 'the branch and its commits stay');

    const rootRepo = join(root, 'rootrepo');
    mkdirSync(rootRepo);
    execFileSync('git', ['-C', rootRepo, 'init', '-q']);
    await expectError(c.createSandbox({ workspace: { git: { repo: rootRepo } } }), 'WORKSPACE_SOURCE_NOT_ALLOWED');
    await expectError(c.createSandbox({ workspace: { git: { repo, ref: 'no-such-branch' } } }), 'INVALID_WORKSPACE');
  });

  t.test('godelctl create --workspace', async (t) => {
    const ctl = (...args: string[]) => spawnSync(process.execPath, [GODELCTL, ...args], { encoding: 'utf8', env: { ...process.env, GODEL_SOCKET: d.socket } });
    const local = join(d.dir, 'local-project');
    mkdirSync(local);
    writeFileSync(join(local, 'main.py'), 'print(1)\n');
    const made = ctl('create', '--workspace', local);
    t.equal(made.status, 0, made.stderr);
    t.equal(await sh(c, made.stdout.trim(), 'cat /workspace/main.py'), 'print(1)\n', 'a directory godelctl can read, streamed in without daemon config');
    const bad = ctl('create', '--workspace', join(d.dir, 'missing'));
    t.equal(bad.status, 1);
    t.notOk(existsSync(join(d.dir, 'missing')));
  });
});
