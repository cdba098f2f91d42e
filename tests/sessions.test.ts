// Interactive sessions through the socket, with real PTYs inside real sandboxes.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { GodelClientError } from '../ipc/client.js';
import { expectError, poolConfig, startDaemon, waitFor } from './helpers/daemon.js';
import { TestSession, sessionFlowChecks } from './helpers/session.js';

t.test('sessions', async (t) => {
  const d = await startDaemon(t, { config: poolConfig(1) });
  const c = d.client;
  const { id } = await c.createSandbox({});
  const shell = (extra: object = {}) => new TestSession(c, { start: { sandboxId: id, argv: ['/bin/sh'], tty: true, cols: 80, rows: 24, ...extra } });

  t.test('echo round trip on a terminal', async (t) => {
    const s = shell();
    await s.started;
    t.match(s.sessionId, /^ss-[0-9a-z]{16}-[a-z0-9-]+$/);
    t.ok(s.pid > 1);
    t.equal(s.tty, true);
    s.type('echo hello-$((40+2))\r');
    await s.waitFor(/hello-42/);
    s.type('tty; echo $TERM\r');
    await s.waitFor(/xterm-256color/);
    t.match(s.text, /\/dev\/pts\/\d+/, 'the terminal has a name inside the sandbox');
    // It is the sandbox user's, from the sandbox's own devpts: reopening it by name works.
    s.type('stat -c owner-%u $(tty); echo reopened-by-name > $(tty)\r');
    await s.waitFor(/owner-1000[\s\S]*reopened-by-name/);
    s.type('exit 3\r');
    t.same(await s.ended, { exitCode: 3, signal: '' });
  });

  t.test('stty size follows resize', async (t) => {
    const s = shell({ cols: 100, rows: 30 });
    await s.started;
    s.type('stty size\r');
    await s.waitFor(/30 100/);
    s.send({ resize: { cols: 132, rows: 43 } });
    await sleep(100);
    s.type('stty size\r');
    await s.waitFor(/43 132/);
    s.type('exit\r');
    await s.ended;
  });

  t.test('Ctrl-C (0x03) interrupts sleep and the shell lives on', async (t) => {
    const s = shell();
    await s.started;
    s.type('sleep 30\r');
    await sleep(300);
    const started = Date.now();
    s.type('\x03');
    await s.waitFor(/\^C\r\n\$ $/);
    t.ok(Date.now() - started < 5000, 'sleep was interrupted');
    s.type('echo still-here\r');
    await s.waitFor(/still-here/);
    s.type('exit\r');
    t.same(await s.ended, { exitCode: 0, signal: '' });
  });

  t.test('signals by name reach the process', async (t) => {
    for (const sig of ['SIGTERM', 'HUP', 'SIGUSR1']) {
      const s = new TestSession(c, { start: { sandboxId: id, argv: ['sleep', '30'] } });
      await s.started;
      s.send({ signal: sig });
      const name = sig.startsWith('SIG') ? sig : `SIG${sig}`;
      t.same(await s.ended, { exitCode: -1, signal: name }, `${sig} is delivered`);
    }
    const trap = new TestSession(c, { start: { sandboxId: id, argv: ['/bin/sh', '-c', 'trap "echo got-usr1" USR1; echo ready; while :; do sleep 0.05; done'] } });
    await trap.waitFor(/ready/);
    await c.signalSession({ sessionId: trap.sessionId, signal: 'SIGUSR1' });
    await trap.waitFor(/got-usr1/);
    t.pass('Exec.Signal works without attaching');
    trap.send({ signal: 'KILL' });
    t.same(await trap.ended, { exitCode: -1, signal: 'SIGKILL' });
  });

  t.test('close-stdin ends cat', async (t) => {
    const s = new TestSession(c, { start: { sandboxId: id, argv: ['cat'] } });
    await s.started;
    s.send({ stdin: Buffer.from('line one\n') });
    await s.waitFor(/line one/);
    s.send({ closeStdin: true });
    t.same(await s.ended, { exitCode: 0, signal: '' });
  });

  t.test('bytes pass through exactly, binary and invalid UTF-8 included', async (t) => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const s = new TestSession(c, { start: { sandboxId: id, argv: ['cat'] } });
    await s.started;
    s.send({ stdin: all });
    s.send({ stdin: Buffer.from([0xc3, 0x28, 0xff, 0xfe]) });
    s.send({ closeStdin: true });
    await s.ended;
    t.same([...s.output], [...all, 0xc3, 0x28, 0xff, 0xfe]);
    const r = await c.runCollect({ sandboxId: id, argv: ['cat'], stdin: all });
    t.same([...r.stdout], [...all], 'Run passes stdin through byte-exact as well');
  });

  t.test('a session outlives its client: re-attach replays, then streams live', async (t) => {
    const s = new TestSession(c, { start: { sandboxId: id, argv: ['/bin/sh', '-c', 'echo before; read line; echo "got $line"; sleep 0.3; echo bye'], tag: 'worker' } });
    await s.waitFor(/before/);
    s.disconnect();
    await waitFor('the detach', async () => ((await c.listSessions(id)).find((x) => x.sessionId === s.sessionId)!.attached === 0) || undefined);
    const listed = (await c.listSessions(id)).find((x) => x.sessionId === s.sessionId)!;
    t.equal(listed.running, true, 'the process still runs with nobody attached');
    t.equal(listed.tag, 'worker');

    const a = new TestSession(c, { attach: { sandboxId: id, tag: 'worker' } }, 'attach');
    const b = new TestSession(c, { attach: { sessionId: s.sessionId } }, 'attach');
    await a.waitFor(/before/);
    await b.waitFor(/before/);
    t.equal(a.sessionId, s.sessionId);
    t.equal((await c.listSessions(id)).find((x) => x.sessionId === s.sessionId)!.attached, 2, 'two clients attached at once');
    a.send({ stdin: Buffer.from('from-a\n') });
    await a.waitFor(/got from-a/);
    await b.waitFor(/got from-a/);
    t.same(await a.ended, { exitCode: 0, signal: '' });
    t.same(await b.ended, { exitCode: 0, signal: '' });
    t.match(b.text, /before\n[\s\S]*got from-a\n[\s\S]*bye\n/, 'the second attacher saw replay and live output');

    const late = new TestSession(c, { attach: { sessionId: s.sessionId } }, 'attach');
    t.same(await late.ended, { exitCode: 0, signal: '' }, 'a finished session still tells how it ended');
    t.match(late.text, /bye/);
    const done = (await c.listSessions(id)).find((x) => x.sessionId === s.sessionId)!;
    t.equal(done.running, false);
    t.ok(done.endedAt);
  });

  // Output behind a paused reader, and input faster than the command reads: neither grows the daemon.
  await sessionFlowChecks(t, c, id, d.proc!.pid!, 300_000_000);

  t.test('bad input gets a clear status and the session carries on', async (t) => {
    await expectError(new TestSession(c, { stdin: Buffer.from('x') }).ended.then((r) => { if (r instanceof GodelClientError) throw r; }), 'EXPECTED_START');
    await expectError(new TestSession(c, { start: { sandboxId: id, argv: [] } }).ended.then((r) => { if (r instanceof GodelClientError) throw r; }), 'INVALID_ARGV');
    await expectError(new TestSession(c, { start: { sandboxId: id, argv: ['sh'], tty: true, cols: 5000, rows: 10 } }).ended.then((r) => { if (r instanceof GodelClientError) throw r; }), 'INVALID_TERMINAL_SIZE');
    await expectError(new TestSession(c, { attach: { sessionId: 'ss-0000000000000000' } }, 'attach').ended.then((r) => { if (r instanceof GodelClientError) throw r; }), 'SESSION_NOT_FOUND');
    await expectError(new TestSession(c, { attach: { sandboxId: id, tag: 'nope' } }, 'attach').ended.then((r) => { if (r instanceof GodelClientError) throw r; }), 'SESSION_NOT_FOUND');
    await expectError(new TestSession(c, { start: { sandboxId: id, argv: ['sh'] } }, 'attach').ended.then((r) => { if (r instanceof GodelClientError) throw r; }), 'EXPECTED_ATTACH');

    const s = shell({ tag: 'keep' });
    await s.started;
    const dup = new TestSession(c, { start: { sandboxId: id, argv: ['true'], tag: 'keep' } });
    await expectError(dup.ended.then((r) => { if (r instanceof GodelClientError) throw r; }), 'SESSION_TAG_IN_USE');
    s.send({ resize: { cols: 0, rows: 10 } });
    await expectError(s.ended.then((r) => { if (r instanceof GodelClientError) throw r; }), 'INVALID_TERMINAL_SIZE');
    const again = new TestSession(c, { attach: { sandboxId: id, tag: 'keep' } }, 'attach');
    await again.started;
    again.send({ signal: 'SIGNOPE' });
    await expectError(again.ended.then((r) => { if (r instanceof GodelClientError) throw r; }), 'INVALID_SIGNAL');
    const third = new TestSession(c, { attach: { sandboxId: id, tag: 'keep' } }, 'attach');
    await third.started;
    third.type('echo alive\r');
    await third.waitFor(/alive/);
    t.pass('the session survived every bad message from its clients');
    third.type('exit 0\r');
    await third.ended;
    const exited = new TestSession(c, { attach: { sandboxId: id, tag: 'keep' } }, 'attach');
    await exited.ended;
    await expectError(c.signalSession({ sandboxId: id, tag: 'keep', signal: 'TERM' }), 'SESSION_EXITED');
    await expectError(c.signalSession({ sessionId: 'ss-0000000000000000', signal: 'TERM' }), 'SESSION_NOT_FOUND');
    await expectError(c.listSessions('sb-0000000000000000'), 'SANDBOX_NOT_FOUND');
  });

  t.test('a session in a deleted sandbox ends, and exec into it is refused', async (t) => {
    const other = await c.createSandbox({});
    const s = new TestSession(c, { start: { sandboxId: other.id, argv: ['sleep', '60'] } });
    await s.started;
    await c.deleteSandbox(other.id);
    const r = await s.ended;
    t.ok(!(r instanceof GodelClientError) && r.signal === 'SIGKILL', 'the process died with its sandbox');
    await expectError(new TestSession(c, { start: { sandboxId: other.id, argv: ['true'] } }).ended.then((x) => { if (x instanceof GodelClientError) throw x; }), 'SANDBOX_NOT_FOUND');
  });
});
