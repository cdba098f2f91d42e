// Federation: three real daemons on 127.0.0.2-4 with mutual TLS from a test CA made here. Every kind of
// call forwarded by sandbox id (unary, server and client streams, bidi sessions with a tty), the error
// trailer intact, a slow reader through a forward, the one view, placement and swarms, audit through a hop,
// and then the failures: a hung peer, a killed and restarted one, a partition.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect as h2connect, constants as h2 } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { loadApi } from '../ipc/proto.js';
import { GODELCTL, GODELD, expectError, sh, waitFor, type TestDaemon } from './helpers/daemon.js';
import { startFederation, waitForMesh } from './helpers/federation.js';
import { TestSession, rssOf } from './helpers/session.js';
import { chunksOf, makeTar } from './helpers/sandbox-contract.js';

function rssKiB(d: TestDaemon): number {
  return rssOf(d.proc!.pid!) / 1024;
}

function ctl(d: TestDaemon, args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [GODELCTL, '--socket', d.socket, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

t.test('a federation of three', async (t) => {
  // node-b keeps warm sandboxes, node-a and node-c none: warm-first placement has one right answer.
  const { nodes } = await startFederation(t, 3, { pool: (i) => (i === 1 ? { min_idle: 4, max_total: 40 } : { min_idle: 0, max_total: 40 }) });
  const [A, B, C] = nodes.map((n) => n.daemon);
  const [a, b, c] = [A!.client, B!.client, C!.client];

  t.test('membership: node-c learnt node-a\'s peers through its seed, with capacity and pools', async (t) => {
    const seen = await c.nodes();
    t.same(seen.map((m) => m.name), ['node-c', 'node-a', 'node-b']);
    t.ok(seen[0]!.self);
    const bInfo = seen.find((m) => m.name === 'node-b')!;
    t.ok(bInfo.reachable && bInfo.capacity!.cpus > 0 && bInfo.version);
    t.equal(bInfo.breaker, 'closed');
    await waitFor('node-b\'s warm pool to show on node-c', async () =>
      ((await c.nodes()).find((m) => m.name === 'node-b')!.pools.find((p) => p.template === 'default')?.idle ?? 0) >= 4 || undefined);
    const r = ctl(C!, ['nodes']);
    t.equal(r.code, 0);
    t.match(r.out, /node-c \(self\)/);
    t.match(r.out, /node-b .*reachable/);
  });

  t.test('unary, server streams, client streams and sessions are forwarded by id', async (t) => {
    const s = await b.createSandbox({ labels: { who: 'b' } });
    t.match(s.id, /^sb-[0-9a-z]{16}-node-b$/, 'the id carries its node');
    t.equal(await sh(a, s.id, 'hostname'), `${s.id}\n`, 'Exec.Run from node-a runs on node-b');
    const r = await a.runCollect({ sandboxId: s.id, argv: ['/bin/sh', '-c', 'echo out; echo err >&2; exit 7'] });
    t.same([r.stdout.toString(), r.stderr.toString(), r.exitCode], ['out\n', 'err\n', 7], 'output and exit code come back whole');
    t.equal((await c.getSandbox(s.id)).node, 'node-b');
    await c.writeFile({ sandboxId: s.id, path: '/workspace/f.txt' }, Buffer.from('through node-c'));
    t.equal((await a.readFile(s.id, '/workspace/f.txt')).toString(), 'through node-c', 'Files.Write (client stream) and Read');
    t.ok((await a.listFiles(s.id, '/workspace')).some((f) => f.path.endsWith('f.txt')), 'Files.List');
    await expectError(a.openFile({ sandboxId: s.id, path: '/workspace/f.txt', access: 'READ' }), 'NOT_SUPPORTED');
    const dl = await a.downloadFile(s.id, '/workspace/f.txt', `${A!.dir}/copy.txt`);
    t.equal(dl.path, 'streamed', 'a forwarded file is streamed, not lent');
    t.equal(readFileSync(`${A!.dir}/copy.txt`, 'utf8'), 'through node-c');

    // A session with a terminal, through node-a, with a long stream of output.
    const session = new TestSession(a, { start: { sandboxId: s.id, argv: ['/bin/sh'], tty: true, cols: 80, rows: 24, tag: 'fed' } });
    await session.started;
    t.match(session.sessionId, /-node-b$/, 'the session id carries the node too');
    session.type('stty -echo; head -c 3000000 /dev/zero | tr "\\0" x; echo; echo DO""NE\n');
    await session.waitFor(/DONE/, 60_000);
    t.ok((session.text.match(/x/g) ?? []).length >= 3_000_000, 'every byte of a 3 MB terminal stream arrived');
    session.disconnect();
    const again = new TestSession(c, { attach: { sessionId: session.sessionId, sandboxId: '', tag: '', noReplay: true } }, 'attach');
    await again.started;
    again.type('exit 3\n');
    const end = await again.ended;
    t.same(end, { exitCode: 3, signal: '' }, 'Exec.Attach through another node reaches the same session');

    // The error trailer comes back as the owner sent it.
    const missing = s.id.replace(/^sb-[0-9a-z]{16}/, 'sb-0000000000000000');
    const err = await expectError(a.getSandbox(missing), 'SANDBOX_NOT_FOUND');
    t.equal(err.grpcCode, 5);
    await expectError(a.runCollect({ sandboxId: missing, argv: ['true'] }), 'SANDBOX_NOT_FOUND');
    await expectError(a.getSandbox(s.id.replace(/node-b$/, 'node-z')), 'NODE_UNAVAILABLE');

    // Archives (a client stream in, a server stream out), Files.Watch, signals and snapshots, through node-c.
    const put = await c.putArchive(s.id, '/workspace', chunksOf(await makeTar([['tree/a.txt', 'A'], ['tree/sub/b.txt', 'B']])));
    t.equal(put.entries, 2, 'PutArchive through node-c');
    const packed: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const g = a.files.getArchive({ sandboxId: s.id, path: '/workspace/tree' });
      g.on('data', (ch: { data: Buffer }) => packed.push(ch.data));
      g.on('end', resolve);
      g.on('error', reject);
    });
    t.ok(Buffer.concat(packed).includes('sub/b.txt'), 'GetArchive through node-a');
    const fileEvents: string[] = [];
    const fw = a.files.watch({ sandboxId: s.id, path: '/workspace/tree', ready: true });
    fw.on('data', (e: { type: string; path: string }) => fileEvents.push(`${e.type} ${e.path}`));
    fw.on('error', () => undefined);
    await waitFor('the watch through node-a to be ready', () => fileEvents.includes('ready /workspace/tree') || undefined);
    await sh(b, s.id, 'echo c > /workspace/tree/c.txt');
    await waitFor('Files.Watch through node-a', () => fileEvents.includes('create /workspace/tree/c.txt') || undefined);
    fw.cancel();
    const held = new TestSession(c, { start: { sandboxId: s.id, argv: ['sleep', '600'], tty: false, tag: 'held' } });
    await held.started;
    t.ok((await a.listSessions(s.id)).some((x) => x.tag === 'held' && x.running), 'Exec.ListSessions through node-a');
    await a.signalSession({ sandboxId: s.id, tag: 'held', signal: 'TERM' });
    t.same(await held.ended, { exitCode: -1, signal: 'SIGTERM' }, 'Exec.Signal through node-a reaches the session');
    const snapshot = await c.createSnapshot({ sandboxId: s.id });
    const restored = await a.restoreSnapshot({ snapshotId: snapshot.id });
    t.equal(restored.node, 'node-b', 'Snapshots.Restore runs on the snapshot\'s node');
    t.equal((await a.readFile(restored.id, '/workspace/tree/a.txt')).toString(), 'A');
    const forked = await c.fork({ sandboxId: s.id, count: 2 });
    t.same(forked.sandboxes.map((x) => x.node), ['node-b', 'node-b'], 'Snapshots.Fork too');
    await expectError(a.pauseSandbox(s.id), 'NOT_SUPPORTED');
    t.ok((await a.setTtl(s.id, 3600)).expiresAt, 'Sandboxes.SetTtl through node-a');
    const cp = ctl(A!, ['cp', `${s.id}:/workspace/tree/a.txt`, `${A!.dir}/a.txt`]);
    t.equal(cp.code, 0, cp.err);
    t.equal(readFileSync(`${A!.dir}/a.txt`, 'utf8'), 'A', 'godelctl cp from another node\'s sandbox streams');
    await Promise.all([restored.id, ...forked.sandboxes.map((x) => x.id)].map((id) => a.deleteSandbox(id)));
    await a.deleteSnapshot(snapshot.id);
    await a.deleteSnapshot(forked.snapshot!.id);

    // A deadline travels with the call, and its expiry cancels the command on the owner.
    const deadlined = await new Promise<{ code: number }>((resolve) => {
      const call = a.exec.run({ sandboxId: s.id, argv: ['sleep', '1000'] }, { deadline: Date.now() + 700 });
      call.on('data', () => undefined);
      call.on('error', (err: { code: number }) => resolve(err));
    });
    t.equal(deadlined.code, 4, 'DEADLINE_EXCEEDED');
    await waitFor('the command to be killed on node-b', async () => !/sleep 1000/.test(await sh(b, s.id, 'cat /proc/[0-9]*/cmdline | tr "\\0" " "; echo')) || undefined, 5000);
    t.pass('the owner killed the command when the deadline passed');
    await expectError(a.createSandbox({ placement: 'node-b', workspace: { hostDir: '/tmp' } }), 'INVALID_PLACEMENT');

    // The owner's audit log names the caller and the node it came through.
    const history = await b.listEvents({ sandboxId: s.id, limit: 1000, node: 'node-b' });
    const viaA = history.find((e) => e.type === 'request' && e.method === 'Exec.Run' && e.actor?.viaNode === 'node-a');
    t.ok(viaA, 'node-b audited the call from node-a');
    t.equal(viaA!.actor!.uid, process.getuid!());
    t.match(ctl(C!, ['events', '--sandbox', s.id]).out, /node-b\s+sb-\S+\s+request\s+Exec.Run OK by uid=\d+ gid=\d+ pid=\d+ via node-a/, 'godelctl events shows both');
    await c.deleteSandbox(s.id);
    await expectError(b.getSandbox(s.id), 'SANDBOX_NOT_FOUND');
  });

  t.test('a slow reader through a forward holds neither daemon\'s memory', async (t) => {
    const s = await c.createSandbox({});
    const def = loadApi().godel.v1.Exec.service.Run;
    const body = def.requestSerialize({ sandboxId: s.id, argv: ['/bin/sh', '-c', 'head -c 200000000 /dev/zero'] });
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), body]);
    frame.writeUInt32BE(body.length, 1);
    // A raw HTTP/2 client that really stops reading (grpc-js clients read and buffer regardless).
    const session = h2connect('http://localhost', { createConnection: () => netConnect(A!.socket), settings: { initialWindowSize: 65535 } });
    const req = session.request({ [h2.HTTP2_HEADER_METHOD]: 'POST', [h2.HTTP2_HEADER_PATH]: def.path, 'content-type': 'application/grpc', te: 'trailers' });
    req.end(frame);
    let got = 0;
    req.on('data', (d: Buffer) => { got += d.length; });
    await waitFor('the first output', () => got > 0 || undefined);
    req.pause();
    const before = [rssKiB(A!), rssKiB(C!)];
    await sleep(3000);
    const during = [rssKiB(A!), rssKiB(C!)];
    t.ok(during[0]! - before[0]! < 64 * 1024 && during[1]! - before[1]! < 64 * 1024,
      `RSS grew by at most 64 MiB while 200 MB waited (node-a ${before[0]}->${during[0]} KiB, node-c ${before[1]}->${during[1]} KiB)`);
    const paused = got;
    req.resume();
    await new Promise<void>((resolve) => req.on('end', () => resolve()));
    session.close();
    t.ok(paused < 50_000_000, `the owner was held back while the reader paused (${paused} bytes read by then)`);
    t.ok(got > 200_000_000, `then every byte arrived (${got} bytes with framing)`);
    await a.deleteSandbox(s.id);
  });

  t.test('the one view: lists, pools and events of every node, each item with its node', async (t) => {
    const x = await a.createSandbox({ labels: { view: '1' } });
    const y = await c.createSandbox({ labels: { view: '1' } });
    const all = await b.listSandboxesWithNodes({ labelSelector: { view: '1' } });
    t.same(all.sandboxes.map((s) => [s.id, s.node]).sort(), [[x.id, 'node-a'], [y.id, 'node-c']].sort());
    t.same((await b.listSandboxesWithNodes({ labelSelector: { view: '1' }, node: 'node-c' })).sandboxes.map((s) => s.id), [y.id]);
    const pools = await a.listPoolsWithNodes({});
    t.same([...new Set(pools.pools.map((p) => p.node))].sort(), ['node-a', 'node-b', 'node-c']);
    t.match(ctl(B!, ['ls', '-l', 'view=1']).out, /NODE[\s\S]*node-a[\s\S]*node-c/);
    const snap = await a.createSnapshot({ sandboxId: y.id, name: 'fed' });
    t.match(snap.id, /-node-c$/, 'a snapshot is kept on its sandbox\'s node');
    t.ok((await b.listSnapshots({})).some((x) => x.id === snap.id && x.node === 'node-c'), 'Snapshots.List covers every node');
    t.same((await a.listSnapshots({ sandboxId: y.id })).map((x) => x.id), [snap.id], 'and by sandbox, on its node');
    await b.deleteSnapshot(snap.id);
    const history = await b.listEvents({ limit: 1000 });
    t.ok(history.some((e) => e.sandboxId === y.id && e.node === 'node-c' && e.type === 'claimed'), 'Events covers every node, each event with its node');
    const watch = b.watch({});
    const seen: string[] = [];
    watch.on('data', (e) => { if (e.sandboxId === x.id) seen.push(`${e.type}@${e.node}`); });
    watch.on('error', () => undefined);
    await sleep(500);
    await a.deleteSandbox(x.id);
    await waitFor('node-b to watch node-a\'s delete', () => seen.includes('deleted@node-a') || undefined);
    watch.cancel();
    t.ok(seen.includes('deleted@node-a'));
    await c.deleteSandbox(y.id);
  });

  t.test('placement: any takes a warm sandbox anywhere; a node name places there', async (t) => {
    const warm = await a.createSandbox({ placement: 'any' });
    t.equal(warm.node, 'node-b', 'node-a has no idle sandbox, node-b does');
    t.ok(warm.fromWarmPool);
    const there = await a.createSandbox({ placement: 'node-c' });
    t.equal(there.node, 'node-c');
    await expectError(a.createSandbox({ placement: 'Not A Node!' }), 'INVALID_PLACEMENT');
    await Promise.all([a.deleteSandbox(warm.id), a.deleteSandbox(there.id)]);
  });

  t.test('swarms: warm-first, spread, exec over 30 members, delete, bad input', async (t) => {
    await waitFor('node-b\'s pool to refill', async () => (await b.listPools())[0]!.idle >= 4 || undefined, 30_000);
    const small = await a.spawnSwarmCollect({ template: 'default', count: 3, labels: { job: 'w' } });
    t.same(small.done.placements.map((p) => [p.node, p.count, p.warm]), [['node-b', 3, 3]], 'the warm pool gets them first');
    t.ok(small.sandboxes.every((s) => s.labels.swarm === small.done.swarmId && s.labels.job === 'w'));
    await a.deleteSwarm(small.done.swarmId);

    const big = await a.spawnSwarmCollect({ template: 'default', count: 30, strategy: 'SPREAD' });
    t.equal(big.sandboxes.length, 30);
    const per = Object.fromEntries(big.done.placements.map((p) => [p.node, p.count]));
    t.ok(['node-a', 'node-b', 'node-c'].every((n) => (per[n] ?? 0) >= 5), `spread over all three: ${JSON.stringify(per)}`);
    const listed = await c.listSwarms();
    t.ok(listed.swarms.some((w) => w.swarmId === big.done.swarmId && w.count === 30));
    const byMember = new Map<string, string>();
    await new Promise<void>((resolve, reject) => {
      const s = b.swarmExec({ swarmId: big.done.swarmId, argv: ['hostname'] });
      s.on('data', (e) => { if (e.exec?.stdout) byMember.set(e.sandboxId, e.exec.stdout.toString().trim()); });
      s.on('end', () => resolve());
      s.on('error', reject);
    });
    t.equal(byMember.size, 30, 'every member ran it');
    t.ok([...byMember].every(([id, host]) => id === host), 'each output is tagged with its own sandbox');
    const out = ctl(C!, ['swarm', 'exec', big.done.swarmId, 'sh', '-c', 'echo hi']);
    t.equal(out.code, 0, out.err);
    t.equal(out.out.split('\n').filter((l) => / hi$/.test(l)).length, 30, 'godelctl prefixes each line with its sandbox');
    const rm = ctl(A!, ['swarm', 'rm', big.done.swarmId]);
    t.match(rm.out, /30 deleted/);
    const spawned = ctl(B!, ['swarm', 'spawn', '4', '-l', 'cli=1', '--strategy', 'binpack']);
    t.equal(spawned.code, 0, spawned.err);
    const cliSwarm = spawned.out.trim();
    t.match(cliSwarm, /^sw-[0-9a-z]{12}$/, 'swarm spawn prints the swarm id');
    t.match(spawned.err, /4 sandboxes: /);
    t.match(ctl(A!, ['swarm', 'ls']).out, new RegExp(`${cliSwarm}\\s+default\\s+4`));
    t.equal(JSON.parse(ctl(A!, ['-o', 'json', 'swarm', 'ls']).out).swarms.find((w: { swarmId: string }) => w.swarmId === cliSwarm).count, 4);
    t.match(ctl(A!, ['swarm', 'rm', cliSwarm]).out, /4 deleted/);
    const badCount = ctl(A!, ['swarm', 'spawn', '0']);
    t.not(badCount.code, 0);
    t.match(badCount.err, /count must be/);
    t.same((await a.listSandboxesWithNodes({ labelSelector: { swarm: big.done.swarmId } })).sandboxes, []);

    await expectError(a.spawnSwarmCollect({ template: 'default', count: 0 }), 'INVALID_COUNT');
    await expectError(a.spawnSwarmCollect({ template: 'default', count: 5000 }), 'INVALID_COUNT');
    await expectError(a.spawnSwarmCollect({ template: 'default', count: 1, strategy: 99 as never }), 'INVALID_STRATEGY');
    await expectError(a.deleteSwarm('sw-000000000000'), 'SWARM_NOT_FOUND');
    await expectError(a.spawnSwarmCollect({ template: 'default', count: 1, node: 'node-a', swarmId: 'sw-000000000000' }), 'INVALID_ARGUMENT');
    await expectError(a.spawnSwarmCollect({ template: 'nope', count: 1 }), 'TEMPLATE_NOT_FOUND');
  });

  t.test('all-or-nothing: a swarm that cannot be placed whole leaves nothing behind', async (t) => {
    await Promise.all([a, b, c].map((x) => x.setPool({ template: 'default', maxTotal: 6, minIdle: 0 })));
    await expectError(a.spawnSwarmCollect({ template: 'default', count: 25, allOrNothing: true, labels: { aon: '1' } }), 'POOL_EXHAUSTED');
    t.same((await a.listSandboxesWithNodes({ labelSelector: { aon: '1' } })).sandboxes, [], 'nothing left on any node');
    const partial = await a.spawnSwarmCollect({ template: 'default', count: 25, labels: { aon: '2' } });
    t.ok(partial.sandboxes.length >= 12 && partial.sandboxes.length < 25, `without it, what fits is placed (${partial.sandboxes.length})`);
    t.match(partial.done.message, /could not be placed/);
    await a.deleteSwarm(partial.done.swarmId);
    await Promise.all([a, c].map((x) => x.setPool({ template: 'default', maxTotal: 40, minIdle: 0 })));
    await b.setPool({ template: 'default', maxTotal: 40, minIdle: 4 });
  });

  t.test('a hung peer (SIGSTOP): unreachable within seconds, calls cut short, swarms go around it, back after SIGCONT', async (t) => {
    const onC = await c.createSandbox({ labels: { hung: '1' } });
    await waitFor('node-a to know node-c\'s sandbox', async () => (await a.listSandboxesWithNodes({ labelSelector: { hung: '1' } })).sandboxes.length === 1 || undefined);
    await sleep(1500); // node-a's cache of node-c's sandboxes is refreshed on the next exchange.
    const watch = a.watch({});
    const notes: string[] = [];
    watch.on('data', (e) => { if (e.type.startsWith('node-')) notes.push(`${e.type}@${e.node}`); });
    watch.on('error', () => undefined);
    await sleep(300);
    process.kill(C!.proc!.pid!, 'SIGSTOP');
    t.teardown(() => { try { process.kill(C!.proc!.pid!, 'SIGCONT'); } catch { /* gone already */ } });
    const stoppedAt = Date.now();
    await waitFor('node-a to mark node-c unreachable', async () => !(await a.nodes()).find((m) => m.name === 'node-c')!.reachable || undefined, 10_000);
    const took = Date.now() - stoppedAt;
    t.ok(took < 7000, `marked unreachable after ${took} ms`);
    await waitFor('the breaker to open', async () => (await a.nodes()).find((m) => m.name === 'node-c')!.breaker === 'open' || undefined, 10_000);
    const t0 = Date.now();
    const e = await expectError(a.runCollect({ sandboxId: onC.id, argv: ['true'] }), 'NODE_UNAVAILABLE');
    t.ok(Date.now() - t0 < 1000, `a call fails fast (${Date.now() - t0} ms)`);
    t.match(e.message, /node-c/);
    const metrics = await (await fetch(`http://${A!.metricsAddress()}/metrics`)).text();
    t.match(metrics, /godel_federation_peers\{state="unreachable"\} 1/, 'metrics count the unreachable peer');
    t.match(metrics, /godel_federation_peer_changes_total\{to="unreachable"\} [1-9]/);
    t.ok(await A!.logged('node-c is unreachable', (l) => l.msg === 'federation: peer unreachable' && l.node === 'node-c'), 'and the log says so');
    const view = await a.listSandboxesWithNodes({ labelSelector: { hung: '1' } });
    t.same(view.unreachableNodes, ['node-c']);
    t.same(view.sandboxes.map((s) => [s.id, s.state]), [[onC.id, 'UNKNOWN']], 'its sandbox is UNKNOWN, not gone and not FAILED');
    const around = await a.spawnSwarmCollect({ template: 'default', count: 4 });
    t.notOk(around.done.placements.some((p) => p.node === 'node-c'), 'a swarm goes around it');
    await a.deleteSwarm(around.done.swarmId);
    process.kill(C!.proc!.pid!, 'SIGCONT');
    await waitFor('node-c back', async () => (await a.nodes()).find((m) => m.name === 'node-c')!.reachable || undefined, 15_000);
    t.equal((await a.getSandbox(onC.id)).state, 'READY', 'its sandbox comes back as it was');
    await waitFor('Watch to say node-c went and came back', () => (notes.includes('node-unreachable@node-c') && notes.includes('node-reachable@node-c')) || undefined, 15_000);
    watch.cancel();
    t.pass('a federated Watch says when a node\'s part stops and resumes');
    await a.deleteSandbox(onC.id);
  });

  t.test('a peer killed and restarted keeps its sandboxes, and routing resumes', async (t) => {
    const onB = await b.createSandbox({});
    const long = a.runCollect({ sandboxId: onB.id, argv: ['sleep', '60'] });
    await waitFor('the long command to start', async () => (await b.listEvents({ sandboxId: onB.id, node: 'node-b' })).length > 0 || undefined);
    await sleep(300);
    // Expected before the kill: the forwarder may hear of the dropped connection before stop() returns.
    const cutShort = expectError(long, 'NODE_UNAVAILABLE');
    await B!.stop('SIGKILL');
    const cut = await cutShort;
    t.match(cut.message, /node-b.*went away/, 'a forwarded call whose node dies mid-stream says so');
    await expectError(waitFor('node-a to give up on node-b', async () => {
      await a.getSandbox(onB.id);
      return undefined;
    }, 10_000), 'NODE_UNAVAILABLE');
    await B!.start();
    await waitForMesh(nodes);
    t.equal(await sh(a, onB.id, 'echo back'), 'back\n');
    await a.deleteSandbox(onB.id);
  });

  t.test('certificates rotate without a restart of the node that holds them', async (t) => {
    const before = (await a.nodes()).find((m) => m.name === 'node-c')!.certificateExpiresAt!;
    const renewed = nodes[0]!.ca.issue('node-c', '127.0.0.4', 'node-c-renewed', 30);
    const { copyFileSync } = await import('node:fs');
    copyFileSync(renewed.key, nodes[2]!.cert.key);
    copyFileSync(renewed.cert, nodes[2]!.cert.cert);
    await sleep(6500); // node-c's watcher re-reads its files every 5 s.
    await A!.restart(); // node-a's new handshakes see what node-c presents now.
    await waitForMesh(nodes);
    const after = (await A!.client.nodes()).find((m) => m.name === 'node-c')!.certificateExpiresAt!;
    t.ok(Number(after.seconds) - Number(before.seconds) > 20 * 86400, 'node-c presents the renewed certificate, with no restart of its own');
  });

  t.test('the peer port refuses clients without a certificate from the CA', async (t) => {
    const [host, port] = nodes[0]!.address.split(':');
    const tlsRefused = await new Promise<string>((resolve) => {
      const s = tlsConnect({ host, port: Number(port), rejectUnauthorized: false, ALPNProtocols: ['h2'] });
      s.on('secureConnect', () => s.write('PRI * HTTP/2.0\r\n\r\n'));
      s.on('error', (err) => resolve(err.message));
      s.on('close', () => resolve('closed'));
    });
    t.match(tlsRefused, /certificate|alert|closed|ECONNRESET|socket hang up/i, `a TLS client without a certificate: ${tlsRefused}`);
    const plain = await new Promise<string>((resolve) => {
      const s = h2connect(`http://${nodes[0]!.address}`);
      s.on('error', (err) => resolve(err.message));
      s.on('close', () => resolve('closed'));
      s.request({ ':path': '/godel.v1.Federation/Exchange' }).on('error', () => undefined);
    });
    t.ok(plain, `a plain HTTP/2 client: ${plain}`);
    t.equal((await A!.client.nodes()).filter((m) => m.reachable).length, 3, 'and nothing else is disturbed');
  });
});

t.test('a partition between two nodes (a userspace TCP proxy that stops forwarding), and it heals', async (t) => {
  // node-a reaches node-b only through this proxy, node-b's advertised address.
  let open = true;
  let target = '';
  const conns = new Set<Socket>();
  const proxy = createServer((s) => {
    if (!open) { s.destroy(); return; }
    const [h, p] = target.split(':');
    const up = netConnect(Number(p), h);
    conns.add(s); conns.add(up);
    s.pipe(up); up.pipe(s);
    const close = (): void => { s.destroy(); up.destroy(); conns.delete(s); conns.delete(up); };
    s.on('error', close); up.on('error', close); s.on('close', close); up.on('close', close);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  const cut = (): void => { open = false; for (const s of conns) s.destroy(); };
  t.teardown(() => { cut(); proxy.close(); });
  const proxied = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
  const { nodes } = await startFederation(t, 2, {
    pool: () => ({ min_idle: 1 }),
    // node-b's default template differs (its env): the same name, another spec, never treated as one.
    extra: (i) => (i === 1 ? { templates: { default: { env: { FLAVOUR: 'b' }, pool: { min_idle: 1 } } } } : {}),
    advertise: (i, address) => {
      if (i !== 1) return address;
      target = address;
      return proxied;
    },
  });
  const [a, b] = nodes.map((n) => n.daemon.client);
  const s = await b!.createSandbox({});
  t.equal(await sh(a!, s.id, 'echo ok'), 'ok\n', 'calls go through the proxy');
  const pools = await a!.listPoolsWithNodes({});
  const hashes = pools.pools.filter((p) => p.template === 'default').map((p) => p.specHash);
  t.equal(new Set(hashes).size, 2, 'the two nodes\' default templates have different spec hashes');
  const sw = await a!.spawnSwarmCollect({ template: 'default', count: 3 });
  t.same(sw.done.placements.map((p) => p.node), ['node-a'], 'a swarm never lands on a node whose template differs');
  await a!.deleteSwarm(sw.done.swarmId);
  await waitFor('node-b\'s pool', async () => (await b!.listPools())[0]!.idle >= 1 || undefined);
  const anywhere = await a!.createSandbox({ placement: 'any' });
  t.equal(anywhere.node, 'node-a', 'placement any does not take node-b\'s idle sandbox of another spec');
  await a!.deleteSandbox(anywhere.id);
  cut();
  const cutAt = Date.now();
  await waitFor('node-a to mark node-b unreachable', async () => !(await a!.nodes()).find((m) => m.name === 'node-b')!.reachable || undefined, 10_000);
  t.ok(Date.now() - cutAt < 7000, `partition noticed after ${Date.now() - cutAt} ms`);
  await expectError(a!.getSandbox(s.id), 'NODE_UNAVAILABLE');
  t.equal((await b!.getSandbox(s.id)).state, 'READY', 'node-b itself carries on');
  open = true;
  await waitFor('the partition to heal', async () => (await a!.nodes()).find((m) => m.name === 'node-b')!.reachable || undefined, 15_000);
  t.equal(await sh(a!, s.id, 'echo again'), 'again\n');
  await a!.deleteSandbox(s.id);
});

t.test('certificates: another CA, an expired one, a name that is not the certificate\'s', async (t) => {
  const { nodes, dir } = await startFederation(t, 1, { pool: () => ({ min_idle: 0 }) });
  const { TestCa, federationConfig, freePort } = await import('./helpers/federation.js');
  const { startDaemon } = await import('./helpers/daemon.js');
  const other = new TestCa(`${dir}/other-ca`);
  const ip = '127.0.0.5';
  const stranger = await startDaemon(t, { config: federationConfig(1, `${ip}:${await freePort(ip)}`, [nodes[0]!.address], other.issue('node-b', ip), { min_idle: 0 }) });
  await waitFor('the stranger to give up on node-a', async () => {
    const m = (await stranger.client.nodes()).find((x) => !x.self);
    return (m && !m.reachable && m.error) || undefined;
  });
  t.notOk((await nodes[0]!.daemon.client.nodes()).some((m) => m.name === 'node-b' && m.reachable), 'a node from another CA never joins');
  t.match((await stranger.client.nodes())[1]!.error, /certificate|handshake|self.signed|unable|verify|UNAVAILABLE|No connection/i);

  // A certificate from the right CA that has expired: the daemon says so, and its peers refuse it.
  const expired = await startDaemon(t, { config: federationConfig(2, `127.0.0.6:${await freePort('127.0.0.6')}`, [nodes[0]!.address],
    nodes[0]!.ca.issue('node-c', '127.0.0.6', 'node-c-expired', -1), { min_idle: 0 }) });
  await waitFor('the expired node to log its certificate', () => expired.logs().some((l) => /has expired/.test(String(l.msg))) || undefined);
  await sleep(2000);
  t.notOk((await nodes[0]!.daemon.client.nodes()).some((m) => m.name === 'node-c' && m.reachable), 'a node with an expired certificate never joins');

  // A peer that presents node-a's own name: node-a keeps it out and says why.
  const twin = await startDaemon(t, { config: { ...federationConfig(0, `127.0.0.8:${await freePort('127.0.0.8')}`, [nodes[0]!.address],
    nodes[0]!.ca.issue('node-a', '127.0.0.8', 'node-a-twin'), { min_idle: 0 }) } });
  await waitFor('node-a to refuse its twin', async () => (await nodes[0]!.daemon.client.nodes()).find((m) => /own name/.test(m.error)) || undefined);
  t.ok((await twin.client.nodes()).every((m) => m.self || !m.reachable), 'the twin is no member of anything');

  // Peers from DNS: a name resolved as the system resolves host names (here /etc/hosts), with dns_port.
  const port = await freePort('127.0.0.1');
  const deadSeed = `127.0.0.1:${await freePort('127.0.0.1')}`;
  const nodeD = await startDaemon(t, { config: federationConfig(3, `127.0.0.1:${port}`, [deadSeed], nodes[0]!.ca.issue('node-d', '127.0.0.1'), { min_idle: 0 }) });
  const dead = await waitFor('the dead seed to be reported', async () => (await nodeD.client.nodes()).find((m) => m.address === deadSeed && m.error && m.error !== 'not contacted yet'));
  t.notOk(dead.reachable, `a seed that does not answer at start is listed unreachable: ${dead.error}`);
  const dnsConfig = federationConfig(4, `127.0.0.9:${await freePort('127.0.0.9')}`, [], nodes[0]!.ca.issue('node-e', '127.0.0.9'), { min_idle: 0 });
  Object.assign(dnsConfig.federation as object, { dns: 'localhost', dns_port: port });
  const viaDns = await startDaemon(t, { config: dnsConfig });
  await waitFor('node-e to find node-d through DNS', async () => (await viaDns.client.nodes()).some((m) => m.name === 'node-d' && m.reachable) || undefined);
  t.pass('a node with no seeds finds its peers by a DNS name');
  const wrongName = new TestCa(`${dir}/ca3`).issue('node-x', '127.0.0.7');
  const r = spawnSync(process.execPath, [GODELD, '--socket', `${dir}/x.sock`, '--state-dir', `${dir}/x-state`, '--metrics-addr', '',
    '--config', writeConfig(`${dir}/x.json`, federationConfig(2, '127.0.0.7:1', [], wrongName, { min_idle: 0 }))], { encoding: 'utf8', timeout: 20_000 });
  t.not(r.status, 0, 'a node whose name is not its certificate\'s does not start');
  t.match(r.stdout + r.stderr, /names "node-x"/);
});

function writeConfig(path: string, config: Record<string, unknown>): string {
  writeFileSync(path, JSON.stringify(config));
  return path;
}
