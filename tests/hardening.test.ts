// The escape suite: from inside real default sandboxes (a process bwrap started, a command through
// Exec.Run, a command on a terminal) every door must be shut, while the tools a sandbox is for still work;
// the opt-outs (seccomp: "unconfined", nested_user_namespaces) open exactly what they say; and the daemon
// runs in a state dir made by mktemp -d, which the sandbox user cannot pass.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_HOST_PATHS, parseConfig } from '../daemon/config/config.js';
import { Launcher } from '../daemon/providers/launch/launcher.js';
import { bwrapArgs } from '../daemon/providers/process/process-provider.js';
import { createLogger } from '../daemon/log.js';
import { sh, startDaemon } from './helpers/daemon.js';
import { probeArgv, probeResults, SHUT } from './helpers/escape-probes.js';
import { TestSession } from './helpers/session.js';

/** Every probe answered as a default sandbox must answer. */
type Test = Parameters<Extract<Parameters<typeof t.test>[0], (t: never) => unknown>>[0];

function expectShut(t: Test, results: Record<string, string>, where: string): void {
  for (const [probe, want] of Object.entries(SHUT)) {
    const got = results[probe];
    if (typeof want === 'string') t.equal(got, want, `${where}: ${probe}`);
    else t.match(got ?? '(no answer)', want, `${where}: ${probe}`);
  }
}

t.test('the README lists every call the policy refuses', async (t) => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..'); // dist/tests/ to the repository
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const names = readFileSync(join(root, 'daemon', 'providers', 'process', 'seccomp', 'policy.txt'), 'utf8').split('\n')
    .filter((l) => l.trim() && !l.trimStart().startsWith('#')).map((l) => l.trim().split(/\s+/)[0]!);
  t.ok(names.length > 40);
  for (const n of names) t.ok(readme.includes(`| \`${n}\` |`), `${n} is in the README's table`);
});

t.test('the launcher hands over descriptors and exposes a closed directory without touching the host', async (t) => {
  const launcher = new Launcher(createLogger('silent'));
  t.teardown(() => launcher.close());
  const dir = mkdtempSync(join(tmpdir(), 'godel-test-hardening-launch-')); // 0700, as mktemp -d makes it
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const inner = join(dir, 'inner');
  mkdirSync(inner, { mode: 0o700 });
  chownSync(inner, 61000, 61000);
  writeFileSync(join(inner, 'f'), 'inside\n');
  writeFileSync(join(dir, 'file'), 'from a file\n', { mode: 0o600 });
  const mountsBefore = readFileSync('/proc/self/mountinfo', 'utf8');
  const run = async (opts: Partial<Parameters<Launcher['spawn']>[0]>, script: string) => {
    const p = await launcher.spawn({ argv: ['/bin/sh', '-c', script], uid: 61000, gid: 61000, stderr: 'pipe', env: { PATH: '/usr/bin:/bin' }, ...opts });
    return p.exited;
  };
  const r = await run({
    fds: [{ fd: 7, data: 'from a pipe\n' }, { fd: 9, file: join(dir, 'file') }],
    expose: { source: inner, over: dir },
  }, `cat <&7 >&2; cat <&9 >&2; cat ${dir}/f >&2`);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, 'from a pipe\nfrom a file\ninside\n', 'the dropped user reads what root opened, and the closed directory shows the exposed one');
  t.equal(readFileSync('/proc/self/mountinfo', 'utf8'), mountsBefore, 'the host\'s mounts are as they were');
  const closed = await run({}, `cat ${inner}/f`);
  t.not(closed.code, 0, 'without expose the user cannot pass the closed directory');
  await t.rejects(run({ fds: [{ fd: 2, data: 'x' }] }, 'true'), /Invalid argument/, 'a descriptor number below 4 is refused');
  await t.rejects(run({ fds: [{ fd: 5, file: join(dir, 'missing') }] }, 'true'), /No such file/, 'a file that cannot be opened fails the start');

  // A directory handed over as a descriptor (bwrap's --ro-bind-fd: how a sandbox gets its egress proxy's
  // directory, which another user owns), never through a symbolic link anywhere on its path.
  const owned = join(dir, 'proxy-owned');
  mkdirSync(owned, { mode: 0o711 });
  const byFd = await run({ fds: [{ fd: 60, dir: owned }] }, 'readlink /proc/self/fd/60 >&2');
  t.equal(byFd.stderr, `${owned}
`, 'the directory itself, as an O_PATH descriptor');
  symlinkSync(inner, join(dir, 'swapped'));
  await t.rejects(run({ fds: [{ fd: 60, dir: join(dir, 'swapped') }] }, 'true'), /Too many levels of symbolic links/, 'a link in its place fails the start');
  symlinkSync(dir, join(dir, 'up'));
  await t.rejects(run({ fds: [{ fd: 60, dir: join(dir, 'up', 'proxy-owned') }] }, 'true'), /Too many levels of symbolic links/, 'so does one above it');
});

t.test('closing the launcher waits for the helper to exit, even when nothing else keeps the program alive', async (t) => {
  // In a process of its own, so that nothing of tap's keeps the event loop alive: three launchers in
  // turn, each with a failed start (whose late reply used to unref the helper while close waited for
  // its exit, ending the program with the wait unsettled, exit code 13).
  const launcherModule = new URL('../daemon/providers/launch/launcher.js', import.meta.url).href;
  const logModule = new URL('../daemon/log.js', import.meta.url).href;
  const script = `
    const { Launcher } = await import(${JSON.stringify(launcherModule)});
    const { createLogger } = await import(${JSON.stringify(logModule)});
    for (let i = 0; i < 3; i++) {
      const launcher = new Launcher(createLogger('silent'));
      await (await launcher.spawn({ argv: ['/bin/true'], stderr: 'pipe' })).exited;
      await launcher.spawn({ argv: ['/bin/true'], stderr: 'pipe', fds: [{ fd: 2, data: 'x' }] }).catch(() => undefined);
      await launcher.close();
      process.stdout.write('closed ');
    }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'closed closed closed ', 'each close returned');
});

t.test('hardening of process sandboxes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'godel-test-hardening-'));
  const hostFile = `/etc/godel-test-hardening-${process.pid}`;
  // World-readable on purpose: the sandbox must not see it because its /etc is its own, not by permissions.
  writeFileSync(hostFile, 'host\n', { mode: 0o644 });
  t.teardown(() => rmSync(hostFile, { force: true }));
  const d = await startDaemon(t, {
    dir, closedDir: true, config: {
      templates: {
        default: { pool: { min_idle: 1, max_total: 8 } },
        unconfined: { seccomp: 'unconfined', pool: { min_idle: 0 } },
        userns: { nested_user_namespaces: true, pool: { min_idle: 0 } },
        hostetc: { host_paths: [...DEFAULT_HOST_PATHS, '/etc'], pool: { min_idle: 0 } },
      },
    },
  });
  const c = d.client;
  const daemonPid = d.proc!.pid!;
  const { id } = await c.createSandbox({});

  t.test('a state dir made by mktemp -d boots sandboxes', async (t) => {
    t.equal(statSync(dir).mode & 0o777, 0o700, 'the directory above the state dir is closed to the sandbox user');
    t.equal(await sh(c, id, 'echo hi > /workspace/f && cat /workspace/f'), 'hi\n', 'the workspace is there and writable');
    t.equal(readFileSync(join(d.stateDir, 'sandboxes', id, 'workspace', 'f'), 'utf8'), 'hi\n', 'and it is the host workspace');
  });

  t.test('every door is shut for a command run through Exec.Run', async (t) => {
    const r = await c.runCollect({ sandboxId: id, argv: probeArgv(daemonPid, hostFile) });
    t.equal(r.exitCode, 0, r.stderr.toString());
    expectShut(t, probeResults(r.stdout.toString()), 'Exec.Run');
    const status = await sh(c, id, 'grep -h "^Seccomp:" /proc/1/status /proc/2/status');
    t.equal(status, 'Seccomp:\t2\nSeccomp:\t2\n', 'bwrap\'s init and the sandbox\'s main process run under the filter too');
  });

  t.test('every door is shut for a command on a terminal', async (t) => {
    const s = new TestSession(c, { start: { sandboxId: id, argv: probeArgv(daemonPid, hostFile), tty: true, cols: 200, rows: 50 } });
    await s.started;
    await s.waitFor(/PROBE done yes/, 20_000);
    expectShut(t, probeResults(s.text), 'PTY session');
    await s.ended;
  });

  t.test('every door is shut for a process bwrap starts', async (t) => {
    // The daemon's own command line and launcher, with the probes as the sandbox's command.
    const raw = mkdtempSync(join(tmpdir(), 'godel-test-hardening-raw-'));
    t.teardown(() => rmSync(raw, { recursive: true, force: true }));
    chmodSync(raw, 0o711);
    const workspace = join(raw, 'workspace');
    mkdirSync(workspace, { mode: 0o700 });
    chownSync(workspace, 61000, 61000);
    const spec = parseConfig({}).templates.get('default')!.spec;
    const script = 'exec "$@" > /workspace/probes.txt 2>&1';
    const { args, fds } = bwrapArgs('sb-hardening-raw', spec, workspace, ['/bin/sh', '-c', script, 'sh', ...probeArgv(daemonPid, hostFile)]);
    const launcher = new Launcher(createLogger('silent'));
    t.teardown(() => launcher.close());
    const p = await launcher.spawn({ argv: ['/usr/bin/bwrap', ...args], uid: 61000, gid: 61000, fds, info: true, stderr: 'pipe', env: { PATH: '/usr/bin:/bin' } });
    const exit = await p.exited;
    t.equal(exit.code, 0, exit.stderr);
    expectShut(t, probeResults(readFileSync(join(workspace, 'probes.txt'), 'utf8')), 'bwrap child');
  });

  t.test('setuid binaries gain nothing', async (t) => {
    const r = await c.runCollect({ sandboxId: id, argv: ['/bin/sh', '-c', 'mount -t tmpfs none /tmp; echo "mount=$?"; su -c true root < /dev/null; echo "su=$?"; ls -ln /usr/bin/mount'] });
    const out = r.stdout.toString();
    t.match(out, /mount=[1-9]/, 'mount (setuid root) fails');
    t.match(r.stderr.toString(), /must be superuser|not permitted|permission denied/i, 'as an unprivileged user');
    t.match(out, /su=[1-9]/, 'su (setuid root) fails');
    t.match(out, /^-rwsr-xr-x/m, 'the setuid bit is there to be ignored (no_new_privs)');
  });

  t.test('the sandbox has its own /etc', async (t) => {
    t.equal(await sh(c, id, 'id -un; getent passwd user'), 'user\nuser:x:1000:1000:sandbox user:/workspace:/bin/bash\n');
    t.equal(await sh(c, id, 'hostname; cat /etc/hostname'), `${id}\n${id}\n`);
    t.match(await sh(c, id, 'getent hosts "$(hostname)"'), new RegExp(`^127\\.0\\.1\\.1\\s+${id}`), '/etc/hosts names the sandbox');
    t.notMatch(await sh(c, id, 'cat /etc/resolv.conf'), /nameserver/, 'no name servers without a network');
    t.notMatch(await sh(c, id, 'ls /etc'), /shadow|sudoers|ssh|godel-test/, 'none of the host\'s own files');
    t.match(await sh(c, id, 'test -s /etc/ssl/certs/ca-certificates.crt && test -s /etc/ld.so.cache && echo ok'), 'ok', 'CA certificates and the linker cache from the host');
    const hostEtc = await c.createSandbox({ template: 'hostetc' });
    t.equal(await sh(c, hostEtc.id, `cat ${hostFile}`), 'host\n', 'a template that lists /etc in host_paths gets the host\'s');
    await c.deleteSandbox(hostEtc.id);
  });

  t.test('common tools still work under the filter', async (t) => {
    const script = [
      // tap's process tracking puts its loader in NODE_OPTIONS of every process the daemon spawns.
      'set -e', 'cd /workspace', 'export HOME=/workspace', 'unset NODE_OPTIONS',
      'git init -q repo && cd repo && git -c user.name=u -c user.email=u@x commit -q --allow-empty -m one && git log --oneline | wc -l && cd ..',
      'python3 -c "import ssl, sqlite3, threading; t = threading.Thread(target=print, args=(6*7,)); t.start(); t.join()"',
      'node -e "require(\'node:child_process\').execFileSync(\'true\'); console.log(\'node\', 1 + 1)"',
      'printf "#include <stdio.h>\\nint main(void){puts(\\"cc ok\\");return 0;}\\n" > m.c && cc -o m m.c && ./m',
      'mkdir -p pkg/godelprobe && echo "x = 1" > pkg/godelprobe/__init__.py',
      'printf "from setuptools import setup\\nsetup(name=\\"godelprobe\\", version=\\"1.0\\", packages=[\\"godelprobe\\"])\\n" > pkg/setup.py',
      'python3 -m pip install -q --no-index --no-build-isolation --target /tmp/pip-target ./pkg 2>&1 | grep -v WARNING || true',
      'PYTHONPATH=/tmp/pip-target python3 -c "import godelprobe; print(\'pip\', godelprobe.x)"',
      'mkdir -p dep app && echo \'{"name":"dep","version":"1.0.0","main":"i.js"}\' > dep/package.json && echo "module.exports = 3" > dep/i.js',
      'cd app && echo \'{"name":"app","version":"1.0.0"}\' > package.json && npm install --offline --no-audit --no-fund --silent ../dep && node -e "console.log(\'npm\', require(\'dep\'))" && cd ..',
      'strace -f -o /tmp/trace true && grep -c execve /tmp/trace >/dev/null && echo strace ok',
      'gdb -q -batch -ex run -ex "info inferiors" --args /bin/true 2>&1 | grep -q "exited normally" && echo gdb ok',
    ].join('\n');
    const r = await c.runCollect({ sandboxId: id, argv: ['/bin/bash', '-c', script] });
    t.equal(r.exitCode, 0, r.stderr.toString());
    const out = r.stdout.toString();
    for (const want of ['1\n', '42\n', 'node 2\n', 'cc ok\n', 'pip 1\n', 'npm 3\n', 'strace ok\n', 'gdb ok\n']) t.ok(out.includes(want), `${JSON.stringify(want)} in ${out}`);
  });

  t.test('inspect shows which filter applies', async (t) => {
    const s = await c.getSandbox(id);
    t.equal(s.seccomp, 'default');
    t.equal(s.nestedUserNamespaces, false);
  });

  t.test('seccomp: "unconfined" drops the filter but not the rest', async (t) => {
    const u = await c.createSandbox({ template: 'unconfined' });
    t.teardown(() => c.deleteSandbox(u.id));
    t.equal((await c.getSandbox(u.id)).seccomp, 'unconfined');
    const r = await c.runCollect({ sandboxId: u.id, argv: probeArgv(daemonPid, hostFile) });
    const got = probeResults(r.stdout.toString());
    t.equal(got['seccomp-mode'], '0', 'no filter');
    t.not(got.clone3, 'ENOSYS', `clone3 reaches the kernel (${got.clone3})`);
    t.equal(got.keyctl, 'ok', 'and so does keyctl: the kernel itself would allow it, which is why the filter refuses it');
    t.not(got['unshare-user'], 'ok', `still no nested user namespace (${got['unshare-user']})`);
    t.not(got['clone-newuser'], 'ok', `nor through clone (${got['clone-newuser']})`);
    for (const p of ['unshare-mount', 'mount', 'bpf', 'init-module', 'clock-settime', 'raw-socket', 'mknod', 'ptrace-unseen', 'host-etc-file']) {
      t.not(got[p], 'ok', `${p}: ${got[p]} (namespaces and no capabilities)`);
    }
  });

  t.test('nested_user_namespaces opens user namespaces and only them', async (t) => {
    const u = await c.createSandbox({ template: 'userns' });
    t.teardown(() => c.deleteSandbox(u.id));
    const s = await c.getSandbox(u.id);
    t.equal(s.seccomp, 'default-userns');
    t.equal(s.nestedUserNamespaces, true);
    t.equal(await sh(c, u.id, 'unshare -U -r id -u'), '0\n', 'a nested user namespace, root inside it');
    t.equal(await sh(c, u.id, 'unshare -U -r -m sh -c "mount -t tmpfs none /tmp && echo mounted"'), 'mounted\n', 'and mounts in it');
    const got = probeResults((await c.runCollect({ sandboxId: u.id, argv: probeArgv(daemonPid, hostFile) })).stdout.toString());
    for (const p of ['keyctl', 'bpf', 'io-uring-setup', 'perf-event-open', 'init-module', 'userfaultfd']) t.equal(got[p], 'EPERM', `${p} still refused`);
  });
});
