// The E2B-compatible endpoint, driven by the real e2b SDK (2.51) as its users drive E2B: lifecycle,
// commands, terminals, files, the error classes the SDK raises, and bad input that must change nothing.
// One daemon serves every test here.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AuthenticationError, CommandExitError, InvalidArgumentError, NotEnoughSpaceError, NotFoundError, Sandbox, SandboxError,
  SandboxNotFoundError, TimeoutError, type FilesystemEvent,
} from 'e2b';
import { waitFor } from './helpers/daemon.js';
import { E2B_OTHER_KEY, e2bAddress, sdkOptions, startE2bDaemon } from './helpers/e2b.js';

const d = await startE2bDaemon(t, '127.0.20.1', {
  templates: {
    small: { limits: { disk: '16M' }, pool: { min_idle: 0 } },
    limited: { limits: { cpus: 1, memory: '256M' }, pool: { min_idle: 0 } },
  },
});
const address = await e2bAddress(d);
const opts = sdkOptions(address);
const other = sdkOptions(address, E2B_OTHER_KEY);
const base = `http://${address}`;

t.test('create, getInfo, list by metadata, connect, setTimeout and kill', async (t) => {
  const sb = await Sandbox.create('base', { ...opts, metadata: { team: 'a', run: '1' }, envs: { GREETING: 'hi' }, timeoutMs: 120_000 });
  t.teardown(() => sb.kill().catch(() => undefined));
  const info = await sb.getInfo();
  t.equal(info.sandboxId, sb.sandboxId);
  t.equal(info.templateId, 'base');
  t.same(info.metadata, { team: 'a', run: '1' }, 'metadata back as given, without godel\'s own labels');
  t.equal(info.state, 'running');
  t.ok(info.endAt.getTime() - Date.now() > 100_000 && info.endAt.getTime() - Date.now() <= 120_000, 'the timeout is the TTL');
  t.match(info.envdVersion, /^\d+\.\d+\.\d+$/);

  // An E2B sandbox is a godel sandbox: from the warm pool, visible through godel's own API.
  const [rec] = await d.client.listSandboxes({ labelSelector: { team: 'a' } });
  t.equal(rec?.id, sb.sandboxId);
  t.equal(rec?.template, 'default', 'base maps to the default template');
  t.equal(rec?.fromWarmPool, true);
  t.equal((await sb.commands.run('echo $GREETING')).stdout, 'hi\n', 'envs of the create reach commands');

  const sb2 = await Sandbox.create('base', { ...opts, metadata: { team: 'b' } });
  t.teardown(() => sb2.kill().catch(() => undefined));
  const teamA = await Sandbox.list({ ...opts, query: { metadata: { team: 'a' } } }).nextItems();
  t.same(teamA.map((s) => s.sandboxId), [sb.sandboxId], 'filtered by metadata');
  const pager = Sandbox.list({ ...opts, limit: 1, query: { state: ['running'] } });
  const seen: string[] = [];
  while (pager.hasNext) seen.push(...(await pager.nextItems()).map((s) => s.sandboxId));
  t.same(seen.sort(), [sb.sandboxId, sb2.sandboxId].sort(), 'x-next-token pages through all of them, once each');
  t.same(await Sandbox.list({ ...opts, query: { state: ['paused'] } }).nextItems(), [], 'none paused');
  t.same(await Sandbox.list(other).nextItems(), [], 'another key sees none of them');

  await sb.setTimeout(30_000);
  const after = await sb.getInfo();
  t.ok(after.endAt.getTime() - Date.now() <= 30_000, 'setTimeout moved the end');
  const again = await Sandbox.connect(sb.sandboxId, { ...opts, timeoutMs: 60_000 });
  t.equal((await again.commands.run('echo connected')).stdout, 'connected\n');
  t.ok((await again.getInfo()).endAt.getTime() - Date.now() > 50_000, 'connect extended the timeout');

  t.equal(await Sandbox.kill(sb2.sandboxId, other), false, 'another key cannot kill it');
  t.equal(await Sandbox.kill(sb2.sandboxId, opts), true);
  t.equal(await Sandbox.kill(sb2.sandboxId, opts), false, 'killed once');
  t.equal(await sb2.isRunning(), false);
  await t.rejects(Sandbox.getInfo(sb2.sandboxId, opts), SandboxNotFoundError);
  await t.rejects(Sandbox.connect(sb.sandboxId, other), SandboxNotFoundError, 'another key\'s sandbox is not found');
  const events = await d.client.listSandboxes({});
  t.notOk(events.some((s) => s.id === sb2.sandboxId), 'gone from godel too');
});

t.test('getMetrics: CPU, memory and disk measured in the sandbox', async (t) => {
  const busy = await Sandbox.create('limited', opts);
  t.teardown(() => busy.kill().catch(() => undefined));
  await busy.commands.run('sh -c "while :; do :; done"', { background: true });
  await busy.commands.run('python3 -c "import time; b = bytearray(96 << 20); b[::4096] = b\'x\' * len(b[::4096]); time.sleep(120)"', { background: true });
  await waitFor('the memory to be taken', async () => ((await busy.getMetrics())[0]?.memUsed ?? 0) > 96 * 2 ** 20);
  const [m] = await busy.getMetrics();
  t.equal(m?.cpuCount, 1, 'the template\'s CPU limit');
  t.equal(m?.memTotal, 256 * 2 ** 20, 'the template\'s memory limit');
  t.ok(m!.cpuUsedPct > 40 && m!.cpuUsedPct <= 100, `a busy loop on its one CPU: ${m?.cpuUsedPct}%`);
  t.ok(m!.memUsed > 96 * 2 ** 20 && m!.memUsed < 200 * 2 ** 20, `96 MiB held: ${m?.memUsed}`);
  t.ok(Math.abs(m!.timestamp.getTime() - Date.now()) < 5000, 'measured now');
  t.same(await busy.getMetrics({ start: new Date(Date.now() - 3_600_000), end: new Date(Date.now() - 600_000) }), [], 'godel keeps no history: a window in the past has no sample');

  const small = await Sandbox.create('small', opts);
  t.teardown(() => small.kill().catch(() => undefined));
  await small.files.write('/workspace/four-mib', new Uint8Array(4 * 2 ** 20).fill(7).buffer);
  const [s] = await small.getMetrics();
  t.ok(s!.diskTotal > 12 * 2 ** 20 && s!.diskTotal <= 16 * 2 ** 20, `the workspace's own 16M filesystem: ${s?.diskTotal}`);
  t.ok(s!.diskUsed >= 4 * 2 ** 20 && s!.diskUsed < s!.diskTotal, `4 MiB written: ${s?.diskUsed}`);

  const plain = await Sandbox.create('base', opts);
  t.teardown(() => plain.kill().catch(() => undefined));
  await plain.files.write('/workspace/one-mib', new Uint8Array(2 ** 20).fill(1).buffer);
  const [p] = await plain.getMetrics();
  t.ok(p!.cpuUsedPct < 50, `an idle sandbox without limits: ${p?.cpuUsedPct}%`);
  t.ok(p!.diskUsed >= 2 ** 20 && p!.diskTotal > p!.diskUsed, `its workspace on the host's disk: ${p?.diskUsed} of ${p?.diskTotal}`);
  t.ok(p!.cpuCount >= 1 && p!.memTotal > 256 * 2 ** 20, 'the host\'s CPUs and memory');
  await t.rejects(Sandbox.getMetrics(plain.sandboxId, other), SandboxNotFoundError, 'another key\'s sandbox');
});

t.test('snapshots: create, list, start a sandbox from one, fork, delete', async (t) => {
  const sb = await Sandbox.create('base', { ...opts, metadata: { team: 'snap' }, envs: { KEPT: 'env' } });
  t.teardown(() => sb.kill().catch(() => undefined));
  await sb.files.write('/workspace/state', 'one');
  const snap = await sb.createSnapshot({ name: 'my-snap' });
  t.match(snap.snapshotId, /^snap-/);
  t.same(snap.names, ['my-snap']);
  const unnamed = await Sandbox.createSnapshot(sb.sandboxId, opts);
  t.same(unnamed.names, [], 'a snapshot without a name has only its id');
  await sb.files.write('/workspace/state', 'two');

  const byId = await Sandbox.create(snap.snapshotId, opts);
  t.teardown(() => byId.kill().catch(() => undefined));
  t.equal(await byId.files.read('/workspace/state'), 'one', 'started from the snapshot, by id');
  const byName = await Sandbox.create('my-snap', opts);
  t.teardown(() => byName.kill().catch(() => undefined));
  t.equal(await byName.files.read('/workspace/state'), 'one', 'and by its name');
  t.equal((await byName.getInfo()).templateId, 'my-snap');

  t.same((await Sandbox.listSnapshots(opts).nextItems()).map((s) => s.snapshotId), [snap.snapshotId, unnamed.snapshotId], 'listed, oldest first');
  t.same((await sb.listSnapshots().nextItems()).length, 2, 'the sandbox\'s own');
  t.same((await Sandbox.listSnapshots({ ...opts, name: 'my-snap' }).nextItems()).map((s) => s.snapshotId), [snap.snapshotId], 'by name');
  const pager = Sandbox.listSnapshots({ ...opts, limit: 1 });
  const paged: string[] = [];
  while (pager.hasNext) paged.push(...(await pager.nextItems()).map((s) => s.snapshotId));
  t.same(paged, [snap.snapshotId, unnamed.snapshotId], 'x-next-token pages through them');
  t.same(await Sandbox.listSnapshots(other).nextItems(), [], 'another key sees none');
  await t.rejects(Sandbox.create(snap.snapshotId, other), /404/, 'nor can it start one');
  await t.rejects(sb.createSnapshot({ name: 'base' }), /409: 'base' is a template's name/);
  const snapsInGodel = (await d.client.listSnapshots({ sandboxId: sb.sandboxId })).length;

  const forks = await sb.fork({ count: 2, timeoutMs: 60_000 });
  t.equal(forks.length, 2);
  for (const f of forks) {
    t.ok(f instanceof Sandbox, 'a fork is a sandbox');
    if (!(f instanceof Sandbox)) continue;
    t.teardown(() => f.kill().catch(() => undefined));
    t.equal(await f.files.read('/workspace/state'), 'two', 'the source as it is now');
    t.equal((await f.commands.run('echo $KEPT')).stdout, 'env\n', 'its environment');
    const info = await f.getInfo();
    t.equal(info.metadata.team, 'snap', 'its metadata');
    t.ok(info.endAt.getTime() - Date.now() <= 60_000, 'the fork\'s timeout');
  }
  t.equal((await d.client.listSnapshots({ sandboxId: sb.sandboxId })).length, snapsInGodel, 'the fork\'s filesystem capture is not kept');

  t.equal(await Sandbox.deleteSnapshot(snap.snapshotId, other), false, 'another key cannot delete it');
  t.equal(await Sandbox.deleteSnapshot(snap.snapshotId, opts), true);
  t.equal(await Sandbox.deleteSnapshot(snap.snapshotId, opts), false, 'deleted once');
  t.equal(await Sandbox.deleteSnapshot('base', opts), false, 'a template is no snapshot');
  t.equal(await Sandbox.deleteSnapshot(unnamed.snapshotId, opts), true);
  await t.rejects(Sandbox.create('my-snap', opts), /404/, 'its name is gone with it');
});

t.test('commands: foreground, background, stdin, envs, cwd, exit codes, kill, list, connect', async (t) => {
  const sb = await Sandbox.create('base', opts);
  t.teardown(() => sb.kill().catch(() => undefined));
  const out: string[] = [];
  const r = await sb.commands.run('echo out; echo err >&2; pwd; echo $X', { envs: { X: 'y' }, cwd: '/tmp', onStdout: (s) => { out.push(s); } });
  t.equal(r.exitCode, 0);
  t.equal(r.stdout, 'out\n/tmp\ny\n');
  t.equal(r.stderr, 'err\n');
  t.equal(out.join(''), r.stdout, 'onStdout saw the output as it came');
  t.equal((await sb.commands.run('pwd')).stdout, '/workspace\n', 'the home directory is /workspace');
  const err = await sb.commands.run('echo bad >&2; exit 7').then(() => undefined, (e: unknown) => e);
  t.ok(err instanceof CommandExitError, 'a non-zero exit is a CommandExitError');
  t.equal((err as CommandExitError).exitCode, 7);
  t.equal((err as CommandExitError).stderr, 'bad\n');

  const cat = await sb.commands.run('cat', { background: true, stdin: true });
  await sb.commands.sendStdin(cat.pid, 'line one\n');
  await sb.commands.closeStdin(cat.pid);
  const catResult = await cat.wait();
  t.equal(catResult.stdout, 'line one\n', 'stdin in, closed, and the command ended');

  const sleeper = await sb.commands.run('sleep 60', { background: true });
  const listed = await sb.commands.list();
  const mine = listed.find((p) => p.pid === sleeper.pid);
  t.ok(mine, 'a running command is listed');
  t.equal(mine?.cmd, '/bin/bash');
  t.same(mine?.args, ['-l', '-c', 'sleep 60']);

  const ticker = await sb.commands.run('for i in 1 2 3 4 5 6 7 8 9 10; do echo tick$i; sleep 0.2; done', { background: true });
  await ticker.disconnect();
  const seen: string[] = [];
  const rejoined = await sb.commands.connect(ticker.pid, { onStdout: (s) => { seen.push(s); } });
  const ended = await rejoined.wait();
  t.equal(ended.exitCode, 0);
  t.match(seen.join(''), /tick10/, 'a reconnected client gets the output that follows');

  t.equal(await sb.commands.kill(sleeper.pid), true);
  const killed = await sleeper.wait().then(() => undefined, (e: unknown) => e);
  t.ok(killed instanceof CommandExitError, 'a killed command ends with an error result');
  t.equal(await sb.commands.kill(sleeper.pid), false, 'no such process any more');
  await t.rejects(sb.commands.connect(999_999), NotFoundError, 'connecting to a pid that does not exist');

  const slow = await sb.commands.run('sleep 30', { timeoutMs: 1000 }).then(() => undefined, (e: unknown) => e);
  t.ok(slow instanceof TimeoutError, 'the command timeout ends the call with a TimeoutError');
  await waitFor('the timed-out command to be killed', async () => !(await sb.commands.list()).some((p) => p.args.includes('sleep 30')));
});

t.test('pty: create, input, resize, reconnect, kill', async (t) => {
  const sb = await Sandbox.create('base', opts);
  t.teardown(() => sb.kill().catch(() => undefined));
  let screen = '';
  const dec = new TextDecoder();
  const pty = await sb.pty.create({ cols: 80, rows: 24, onData: (b) => { screen += dec.decode(b); } });
  await sb.pty.sendInput(pty.pid, new TextEncoder().encode('stty size\n'));
  await waitFor('the terminal size', () => screen.includes('24 80'));
  await sb.pty.resize(pty.pid, { cols: 100, rows: 30 });
  await pty.disconnect();
  let later = '';
  const back = await sb.pty.connect(pty.pid, { onData: (b) => { later += dec.decode(b); } });
  await sb.pty.sendInput(pty.pid, new TextEncoder().encode('stty size; exit 4\n'));
  const r = await back.wait().then((x) => x, (e: unknown) => e as CommandExitError);
  t.match(later, /30 100/, 'the resize took, and a reconnected client sees the terminal');
  t.equal(r.exitCode, 4, 'the shell\'s exit code');

  const p2 = await sb.pty.create({ cols: 80, rows: 24, onData: () => undefined });
  t.equal(await sb.pty.kill(p2.pid), true);
  await t.rejects(p2.wait(), CommandExitError, 'a killed terminal ends');
});

t.test('files: read, write, list, exists, getInfo, makeDir, remove, rename, watchDir', async (t) => {
  const sb = await Sandbox.create('base', opts);
  t.teardown(() => sb.kill().catch(() => undefined));
  const info = await sb.files.write('/workspace/dir/a.txt', 'hello');
  t.equal(info.path, '/workspace/dir/a.txt', 'parents are made');
  t.equal(await sb.files.read('/workspace/dir/a.txt'), 'hello');
  await sb.files.write('rel.txt', 'relative');
  t.equal(await sb.files.read('/workspace/rel.txt'), 'relative', 'relative paths are under the home directory');
  const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
  await sb.files.write("/workspace/b.bin", bytes.buffer);
  t.same(Buffer.from(await sb.files.read('/workspace/b.bin', { format: 'bytes' })), Buffer.from(bytes), 'bytes round trip');
  const stream = await sb.files.read('/workspace/b.bin', { format: 'stream' });
  const parts: Buffer[] = [];
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) parts.push(Buffer.from(c));
  t.same(Buffer.concat(parts), Buffer.from(bytes), 'read as a stream');
  const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('streamed ')); c.enqueue(new TextEncoder().encode('in')); c.close(); } });
  await sb.files.write('/workspace/s.txt', body);
  t.equal(await sb.files.read('/workspace/s.txt'), 'streamed in', 'written from a stream (octet-stream)');
  await sb.files.write('/workspace/g.txt', 'zipped', { gzip: true });
  t.equal(await sb.files.read('/workspace/g.txt', { gzip: true }), 'zipped', 'gzip both ways');
  const many = await sb.files.write(Array.from({ length: 20 }, (_, i) => ({ path: `/workspace/many/f${i}.txt`, data: `n${i}` })));
  t.equal(many.length, 20, 'many at once (one multipart upload)');
  t.equal(await sb.files.read('/workspace/many/f13.txt'), 'n13');

  const listing = await sb.files.list('/workspace/dir');
  t.same(listing.map((e) => [e.name, e.type, e.size]), [['a.txt', 'file', 5]]);
  t.equal(await sb.files.exists('/workspace/dir/a.txt'), true);
  t.equal(await sb.files.exists('/workspace/nope'), false);
  const st = await sb.files.getInfo('/workspace/dir');
  t.equal(st.type, 'dir');
  t.equal(st.owner, 'user');
  t.equal(await sb.files.makeDir('/workspace/new/deep'), true);
  t.equal(await sb.files.makeDir('/workspace/new/deep'), false, 'an existing directory');
  const moved = await sb.files.rename('/workspace/dir/a.txt', '/workspace/new/a.txt');
  t.equal(moved.path, '/workspace/new/a.txt');
  await sb.files.remove('/workspace/new');
  t.equal(await sb.files.exists('/workspace/new'), false);
  await t.rejects(sb.files.read('/workspace/nope.txt'), NotFoundError, 'a missing file is NotFoundError');
  await t.rejects(sb.files.list('/workspace/nope'), NotFoundError);
  await t.rejects(sb.files.read('/workspace/../etc/passwd'), SandboxError, 'a path with .. is refused');

  const events: FilesystemEvent[] = [];
  const w = await sb.files.watchDir('/workspace', (e) => { events.push(e); }, { recursive: true });
  await sb.files.write('/workspace/watched.txt', 'x');
  await sb.files.rename('/workspace/watched.txt', '/workspace/renamed.txt');
  await sb.files.remove('/workspace/renamed.txt');
  await waitFor('watch events', () => events.some((e) => e.name === 'renamed.txt' && e.type === 'remove'));
  await w.stop();
  t.ok(events.some((e) => e.name === 'watched.txt' && e.type === 'create'), 'create seen');
  t.ok(events.some((e) => e.name === 'watched.txt' && e.type === 'rename'), 'rename seen');
});

t.test('an upload that fills the workspace is 507 and leaves nothing behind', async (t) => {
  await d.client.setPool({ template: 'small', minIdle: 0 }).catch(() => undefined);
  const sb = await Sandbox.create('small', opts);
  t.teardown(() => sb.kill().catch(() => undefined));
  const big = new Uint8Array(24 * 1024 * 1024);
  await t.rejects(sb.files.write("/workspace/big.bin", big.buffer), NotEnoughSpaceError);
  const left = (await sb.commands.run('ls -A /workspace')).stdout;
  t.equal(left.trim(), '', 'no partial file and no temporary file');
  await sb.files.write('/workspace/small.txt', 'fits');
  t.equal(await sb.files.read('/workspace/small.txt'), 'fits', 'the sandbox works on');
});

t.test('bad input gets E2B\'s status and error shape, and changes nothing', async (t) => {
  await t.rejects(Sandbox.create('base', { ...opts, apiKey: 'wrong-key-123' }), AuthenticationError, 'a wrong key');
  await t.rejects(Sandbox.list({ ...opts, apiKey: 'wrong-key-123' }).nextItems(), AuthenticationError);
  const unknown = await Sandbox.create('no-such-template', opts).then(() => undefined, (e: unknown) => e as SandboxError);
  t.match(unknown?.message, /404: template 'no-such-template' not found/);
  await t.rejects(Sandbox.create('base', { ...opts, metadata: { 'bad key!': 'x' } }), /400/, 'metadata a label cannot hold');
  const before = (await d.client.listSandboxes({})).length;

  const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(base + path, { method: 'POST', body, headers: { 'x-api-key': 'test-key-one', 'content-type': 'application/json', ...headers } });
  const badJson = await post('/v2/sandboxes', '{"templateID":');
  t.equal(badJson.status, 400);
  t.match(await badJson.json(), { code: 400, message: /not valid JSON/ });
  const huge = await post('/v2/sandboxes', JSON.stringify({ templateID: 'base', metadata: { a: 'x'.repeat(2 * 1024 * 1024) } }));
  t.equal(huge.status, 413, 'a body over the size limit');
  const noKey = await fetch(`${base}/v2/sandboxes`);
  t.equal(noKey.status, 401);
  t.match(await noKey.json(), { code: 401 });
  const noHeader = await fetch(`${base}/files?path=/etc/hostname`);
  t.equal(noHeader.status, 400, 'an envd route without E2b-Sandbox-Id');
  t.match(await noHeader.json(), { code: 400, message: /E2b-Sandbox-Id/ });

  const sb = await Sandbox.create('base', opts);
  t.teardown(() => sb.kill().catch(() => undefined));
  const info = await Sandbox.getInfo(sb.sandboxId, opts);
  t.ok(info);
  const envdHeaders = { 'e2b-sandbox-id': sb.sandboxId, 'x-access-token': 'wrong' };
  const wrongToken = await fetch(`${base}/files?path=/etc/hostname`, { headers: envdHeaders });
  t.equal(wrongToken.status, 401, 'a wrong access token');
  const otherSandbox = await fetch(`${base}/files?path=/etc/hostname`, { headers: { ...envdHeaders, 'e2b-sandbox-id': 'sb-nosuchsandbox-vm' } });
  t.equal(otherSandbox.status, 502, 'a sandbox that is not there, as E2B\'s proxy answers');
  const url = await sb.downloadUrl('/etc/hostname');
  t.equal((await fetch(url)).status, 200, 'a signed download URL works without the token');
  const forged = url.replace(/signature=[^&]+/, 'signature=v1_forged');
  t.equal((await fetch(forged)).status, 401, 'a forged signature does not');
  await sb.files.write('/workspace/up.txt', 'via url');
  const upUrl = await sb.uploadUrl('/workspace/up2.txt');
  const form = new FormData();
  form.append('file', new Blob(['uploaded by url']), '/workspace/up2.txt');
  t.equal((await fetch(upUrl, { method: 'POST', body: form })).status, 200, 'a signed upload URL');
  t.equal(await sb.files.read('/workspace/up2.txt'), 'uploaded by url');

  const token = (await (await fetch(`${base}/sandboxes/${sb.sandboxId}`, { headers: { 'x-api-key': 'test-key-one' } })).json() as { envdAccessToken: string }).envdAccessToken;
  const notFramed = await fetch(`${base}/process.Process/Start`, {
    method: 'POST', body: 'this is not connect framing',
    headers: { 'e2b-sandbox-id': sb.sandboxId, 'x-access-token': token, 'content-type': 'application/connect+json', 'connect-protocol-version': '1' },
  });
  const framedBody = Buffer.from(await notFramed.arrayBuffer());
  t.equal(notFramed.status, 200, 'a Connect stream answers in-band');
  t.match(framedBody.subarray(5).toString(), /^\{"error":\{"code":"[a-z_]+","message":"[^"]+"\}\}$/, 'with an end-stream error');
  const noPid = await fetch(`${base}/process.Process/SendSignal`, {
    method: 'POST', body: JSON.stringify({ process: { pid: 424242 }, signal: 'SIGNAL_SIGKILL' }),
    headers: { 'e2b-sandbox-id': sb.sandboxId, 'x-access-token': token, 'content-type': 'application/json' },
  });
  t.equal(noPid.status, 404, 'a pid that does not exist');
  t.match(await noPid.json(), { code: 'not_found' });
  await t.rejects(sb.commands.run('true', { user: 'nobody' as 'user' }), InvalidArgumentError, 'a user the sandbox does not have');
  t.equal((await sb.commands.run('id -u', { user: 'root' })).stdout, '1000\n', 'root is the sandbox\'s one unprivileged user');

  await sb.kill();
  // E2B's proxy answers 502 for a sandbox that is gone; the SDK reads that as these two.
  await t.rejects(sb.commands.run('true'), SandboxNotFoundError, 'a command in a killed sandbox');
  await t.rejects(sb.files.read('/etc/hostname'), TimeoutError, 'a file of a killed sandbox');
  t.equal((await d.client.listSandboxes({})).length, before, 'nothing was left half-made');
  const { id } = await d.client.createSandbox({});
  t.ok(id, 'the gRPC API is unaffected');
  await d.client.deleteSandbox(id);
  await sleep(10);
});
