// What a process sandbox must not be able to do: see host processes, write outside /workspace and /tmp,
// hold capabilities, reach the network, read root-only host files, or see another sandbox.
import t from 'tap';
import { createServer } from 'node:net';
import { statSync, writeFileSync, rmSync } from 'node:fs';
import { poolConfig, sh, startDaemon } from './helpers/daemon.js';

t.test('isolation of process sandboxes', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(2) });
  const c = d.client;
  const { id } = await c.createSandbox({});
  const run = (script: string) => c.runCollect({ sandboxId: id, argv: ['/bin/sh', '-c', script] });

  t.test('no host processes are visible', async (t) => {
    const out = await sh(c, id, 'ps -eo pid=,args=');
    const lines = out.trim().split('\n');
    t.ok(lines.length <= 5, `only the sandbox's own processes: ${out}`);
    t.notMatch(out, /godeld|main\.js|node /, 'the daemon is not visible');
    t.match(lines[0], /^\s*1 /, 'pid 1 is the sandbox init');
  });

  t.test('runs as an unprivileged user with no capabilities and no_new_privs', async (t) => {
    t.equal(await sh(c, id, 'id -u; id -g'), '1000\n1000\n');
    const status = await sh(c, id, 'grep -E "^(CapInh|CapPrm|CapEff|CapAmb|NoNewPrivs)" /proc/self/status');
    t.match(status, /CapInh:\s+0{16}/);
    t.match(status, /CapPrm:\s+0{16}/);
    t.match(status, /CapEff:\s+0{16}/);
    t.match(status, /CapAmb:\s+0{16}/);
    t.match(status, /NoNewPrivs:\s+1/);
    t.match(await sh(c, id, 'grep CapBnd /proc/self/status'), /CapBnd:\s+0{16}/, 'commands run with exec have an empty bounding set');
    t.equal(await sh(c, id, 'id -G'), '1000\n', 'no supplementary groups (none of the daemon\'s)');
    const init = await sh(c, id, 'grep -E "^(CapBnd|CapEff)" /proc/2/status');
    t.match(init, /CapBnd:\s+0{16}/, 'the sandbox main process has an empty bounding set');
    t.match(init, /CapEff:\s+0{16}/);
  });

  t.test('the host user of the sandbox is unprivileged', async (t) => {
    const hostUids = d.sandboxPids().map((pid) => statSync(`/proc/${pid}`).uid);
    t.ok(hostUids.length > 0);
    t.ok(hostUids.every((u) => u !== 0), `sandbox processes do not run as host root (${hostUids.join(',')})`);
  });

  t.test('writes only to /workspace, /tmp and /dev/shm', async (t) => {
    for (const path of ['/usr/x', '/etc/x', '/x', '/bin/x', '/dev/x', '/proc/x']) {
      const r = await run(`echo x > ${path}`);
      t.not(r.exitCode, 0, `cannot write ${path}`);
    }
    for (const path of ['/workspace/x', '/tmp/x', '/dev/shm/x']) {
      const r = await run(`echo x > ${path} && cat ${path}`);
      t.equal(r.stdout.toString(), 'x\n', `can write ${path}`);
    }
  });

  t.test('host files readable only by root stay unreadable', async (t) => {
    // Under a host directory the default template binds (/etc is the sandbox's own: see hardening.test).
    const secret = `/usr/local/godel-test-secret-${process.pid}`;
    writeFileSync(secret, 'secret', { mode: 0o600 });
    t.teardown(() => rmSync(secret, { force: true }));
    const r = await run(`cat ${secret}`);
    t.not(r.exitCode, 0);
    t.notMatch(r.stdout.toString(), /secret/);
    t.match(r.stderr.toString(), /Permission denied/);
  });

  t.test('no network: only a down loopback, host ports unreachable', async (t) => {
    const server = createServer((s) => s.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.teardown(() => server.close());
    const port = (server.address() as { port: number }).port;
    const ifaces = await sh(c, id, "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
    t.equal(ifaces, 'lo\n', 'the only interface is loopback');
    const r = await run(`exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected`);
    t.notMatch(r.stdout.toString(), /connected/, 'the host loopback is not reachable');
    const bash = await run(`command -v bash >/dev/null && bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected'`);
    t.notMatch(bash.stdout.toString(), /connected/);
  });

  t.test('own hostname, own /tmp, and no view of other sandboxes', async (t) => {
    t.equal(await sh(c, id, 'hostname'), `${id}\n`);
    const other = await c.createSandbox({});
    await sh(c, other.id, 'echo mine > /workspace/file; echo mine > /tmp/file');
    const r = await run('cat /workspace/file /tmp/file');
    t.not(r.exitCode, 0, 'the other sandbox\'s files are not visible');
    const ps = await sh(c, id, 'ps -eo args');
    t.notMatch(ps, new RegExp(other.id), 'the other sandbox\'s processes are not visible');
  });

  t.test('the workspace on the host belongs to the sandbox user', async (t) => {
    await sh(c, id, 'echo hi > /workspace/owned');
    const st = statSync(`${d.stateDir}/sandboxes/${id}/workspace/owned`);
    t.not(st.uid, 0, 'files the sandbox writes are not owned by host root');
  });
});
