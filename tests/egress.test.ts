// Egress allow lists, end to end: real process sandboxes whose only way out is the egress proxy, reached
// with curl, git over https, Python and Node from inside; servers and names on this machine only (web
// servers on 127.0.30.x, a DNS server the proxy is pointed at).
import t from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expectError, startDaemon, waitFor, GODELCTL } from './helpers/daemon.js';
import { makeCertificates, startDns, startWeb } from './helpers/egress.js';
import type { GodelClient } from '../ipc/client.js';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tests' guest image (scripts/setup.sh builds it). */
const IMAGE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'microvm-image');

const GOOD = '127.0.30.10';
const WILD = '127.0.30.11';
const NAMES: Record<string, string> = {
  'good.test': GOOD, 'a.wild.test': WILD, 'bad.wild.test': WILD, 'private.wild.test': '127.0.30.12',
  'meta.wild.test': '169.254.169.254', 'unlisted.test': '127.0.30.13',
};

/** A Node client of HTTPS_PROXY: CONNECT to argv[1]:8443, TLS, GET /hello; prints "status N" when refused. */
const NODE_CONNECT = [
  "const http=require('http'),tls=require('tls');const p=new URL(process.env.HTTPS_PROXY);",
  "http.request({host:p.hostname,port:p.port,method:'CONNECT',path:process.argv[1]+':8443'}).on('connect',(res,sock)=>{",
  "if(res.statusCode!==200){console.log('status '+res.statusCode);return;}",
  "const s=tls.connect({socket:sock,servername:process.argv[1]},()=>s.write('GET /hello HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n'));",
  's.pipe(process.stdout);}).end();',
].join('');

/** The proxy's egress proxy script, as the daemon starts it. */
const PROXY_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'daemon', 'egress', 'proxy-main.js');

/** /proc/PID/status as fields of whitespace-separated values. */
function proxyStatus(pid: number): Record<string, string[]> {
  return Object.fromEntries(readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').filter(Boolean).map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1).trim().split(/\s+/).filter(Boolean)];
  }));
}

async function run(c: GodelClient, id: string, script: string, env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const r = await c.runCollect({ sandboxId: id, argv: ['/bin/sh', '-c', script], env });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

t.test('egress allow lists', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'godel-egress-'));
  chmodSync(dir, 0o755);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tls = makeCertificates(dir, ['good.test', 'a.wild.test', 'bad.wild.test']);
  execFileSync('git', ['init', '-q', '--bare', join(dir, 'repo.git')]);
  execFileSync('sh', ['-c', `cd ${dir} && git init -q src && cd src && echo egress > README && git add README && git -c user.email=t@t -c user.name=t commit -qm one && git push -q ../repo.git HEAD:refs/heads/main && cd ../repo.git && git symbolic-ref HEAD refs/heads/main && git update-server-info`]);
  const dns = await startDns('127.0.30.1', 5353, NAMES);
  t.teardown(() => dns.close());
  const good = await startWeb(GOOD, 'good', tls, dir);
  const wild = await startWeb(WILD, 'wild', tls, dir);
  t.teardown(() => good.close());
  t.teardown(() => wild.close());

  const policy = { allow: ['good.test', '*.wild.test', `${GOOD}`, `${WILD}`], deny: ['bad.wild.test'], max_connections: 16 };
  const d = await startDaemon(t, {
    config: {
      egress: { dns_servers: [dns.address], summary_seconds: 1 },
      microvm: { image_dir: IMAGE },
      templates: {
        default: { pool: { min_idle: 0 } },
        webcold: { network: policy, pool: { min_idle: 0 } },
        vmweb: { provider: 'microvm', network: policy, limits: { cpus: 1, memory: '384M' }, pool: { min_idle: 0 } },
        web: {
          network: policy,
          env: { SSL_CERT_FILE: '/workspace/ca.pem', GIT_SSL_CAINFO: '/workspace/ca.pem', NODE_EXTRA_CA_CERTS: '/workspace/ca.pem', CURL_CA_BUNDLE: '/workspace/ca.pem' },
          pool: { min_idle: 1 },
        },
      },
    },
  });
  const c = d.client;
  const withCaOn = async (client: GodelClient, id: string): Promise<void> => {
    const r = await run(client, id, 'printf %s "$CA" > /workspace/ca.pem', { CA: tls.ca });
    if (r.code !== 0) throw new Error(r.err);
  };
  const withCa = (id: string): Promise<void> => withCaOn(c, id);
  const sb = await c.createSandbox({ template: 'web' });
  await withCa(sb.id);

  await t.test('the policy is the sandbox\'s, shown by inspect', async (t) => {
    const got = await c.getSandbox(sb.id);
    t.equal(got.network?.mode, 'allow');
    t.same(got.network?.allow, ['good.test', '*.wild.test', GOOD, WILD]);
    t.same(got.network?.deny, ['bad.wild.test']);
    const plain = await c.createSandbox({});
    t.equal((await c.getSandbox(plain.id)).network?.mode, 'none');
    await c.deleteSandbox(plain.id);
    const env = await run(c, sb.id, 'env | grep -i _proxy= | sort');
    for (const v of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy']) t.match(env.out, `${v}=`, v);
  });

  await t.test('the proxy runs as a user of its own, with no capabilities, and reaches every sandbox', async (t) => {
    const [proxy, more] = d.egressProxyPids();
    t.ok(proxy && !more, 'one proxy');
    const status = proxyStatus(proxy!);
    t.same(status.Uid, ['61001', '61001', '61001', '61001'], 'egress.uid, real, effective, saved and fs');
    t.same(status.Gid, ['61001', '61001', '61001', '61001'], 'egress.gid');
    t.same(status.Groups, [], 'no supplementary groups');
    for (const caps of ['CapInh', 'CapPrm', 'CapEff', 'CapAmb']) t.same(status[caps], ['0000000000000000'], `${caps}: none`);
    t.same(status.NoNewPrivs, ['1'], 'and no way to gain any');
    const sandboxUid = String(statSync(`/proc/${d.processesOf(sb.id).at(-1)}`).uid);
    t.equal(sandboxUid, '61000', 'the sandbox\'s processes run as process.sandbox_uid');
    t.not(status.Uid![0], sandboxUid, 'which is not the proxy\'s');
    t.same(readFileSync(`/proc/${proxy}/environ`, 'utf8').split('\0').filter(Boolean), ['PATH=/usr/bin:/bin'], 'none of the daemon\'s environment');
    t.equal(statSync(join(d.stateDir, 'egress')).uid, 61001, 'it owns its directory');
    t.equal(statSync(join(d.stateDir, 'egress', 'control.sock')).mode & 0o777, 0o600, 'only root (the daemon) may drive it');
    t.match(readFileSync(join(d.stateDir, 'egress-proxy.log'), 'utf8'), `egress proxy ${proxy} serving`, 'its log is in the state dir, which it cannot write');
  });

  await t.test('allowed hosts work with curl, git, python and node', async (t) => {
    let r = await run(c, sb.id, 'curl -sS --fail https://good.test:8443/hello');
    t.equal(r.code, 0, r.err);
    t.match(r.out, 'hello from good');
    r = await run(c, sb.id, 'curl -sS --fail http://a.wild.test:8080/hello');
    t.match(r.out, 'hello from wild (host header a.wild.test:8080)', 'plain HTTP through the proxy');
    r = await run(c, sb.id, 'curl -sS --fail --proxy "$ALL_PROXY" https://a.wild.test:8443/hello');
    t.match(r.out, 'hello from wild', 'SOCKS5');
    r = await run(c, sb.id, 'git clone -q https://good.test:8443/git/repo.git clone && cat clone/README');
    t.equal(r.code, 0, r.err);
    t.equal(r.out, 'egress\n', 'git over https');
    r = await run(c, sb.id, 'python3 -c "import urllib.request; print(urllib.request.urlopen(\'https://good.test:8443/hello\').read().decode())"');
    t.match(r.out, 'hello from good', `python: ${r.err}`);
    // tap's coverage hook puts NODE_OPTIONS into every process the daemon under test spawns.
    r = await run(c, sb.id, `env -u NODE_OPTIONS node -e "${NODE_CONNECT}" good.test`);
    t.match(r.out, 'hello from good', `node: ${r.err}`);
    r = await run(c, sb.id, `env -u NODE_OPTIONS node -e "${NODE_CONNECT}" unlisted.test`);
    t.match(r.out, 'status 403', 'node sees the refusal');
  });

  await t.test('denied, unlisted, private and unresolvable names are refused with a reason', async (t) => {
    let r = await run(c, sb.id, 'curl -sS http://bad.wild.test:8080/hello');
    t.match(r.out, /may not connect to bad\.wild\.test:8080: denied by "bad\.wild\.test"/, 'deny wins, and the 403 says why');
    t.match(r.out, 'Its network policy: allow [good.test');
    r = await run(c, sb.id, 'curl -sS -o /dev/null -w "%{http_connect}" https://bad.wild.test:8443/hello');
    t.equal(r.out, '403', `CONNECT refused: ${r.err}`);
    r = await run(c, sb.id, 'curl -sS http://unlisted.test:8080/hello');
    t.match(r.out, 'not on the allow list');
    r = await run(c, sb.id, 'curl -sS http://private.wild.test:8080/hello');
    t.match(r.out, 'loopback, private, link-local or metadata address', 'a name resolving to an unlisted private address');
    r = await run(c, sb.id, 'curl -sS http://meta.wild.test/latest/meta-data/');
    t.match(r.out, '169.254.169.254', 'the metadata address');
    r = await run(c, sb.id, 'curl -sS http://169.254.169.254/latest/meta-data/');
    t.match(r.out, '169.254.169.254 is not on the allow list', 'the metadata address asked for directly');
    r = await run(c, sb.id, 'curl -sS -o /dev/null -w "%{http_connect}" https://nx.wild.test:8443/');
    t.equal(r.out, '502', 'a CONNECT to a name that does not resolve');
    r = await run(c, sb.id, 'curl -sS --proxy "$ALL_PROXY" http://unlisted.test:8080/hello');
    t.not(r.code, 0);
    t.match(r.err, /SOCKS|refused|not allowed/i, `a SOCKS refusal: ${r.err}`);
  });

  await t.test('SOCKS BIND and UDP ASSOCIATE are refused with reply 7, recorded, and the proxy serves on', async (t) => {
    const py = [
      'import socket, struct',
      'for cmd in (2, 3):',
      '  s=socket.create_connection(("127.0.0.1",1080)); s.sendall(b"\\x05\\x01\\x00"); assert s.recv(2)==b"\\x05\\x00"',
      '  s.sendall(bytes([5, cmd, 0, 1]) + socket.inet_aton("127.0.30.10") + struct.pack(">H", 8080))',
      '  r=s.recv(10); print(cmd, r[0], r[1], s.recv(10)==b"")',
    ].join('\n');
    let r = await run(c, sb.id, `python3 -c '${py}'`);
    t.equal(r.out, '2 5 7 True\n3 5 7 True\n', `command not supported, and the connection ends: ${r.err}`);
    r = await run(c, sb.id, 'curl -sS --fail --proxy "$ALL_PROXY" https://a.wild.test:8443/hello');
    t.match(r.out, 'hello from wild', 'SOCKS CONNECT still works');
    const events = await waitFor('the refusals in the events', async () => {
      const evs = (await c.listEvents({ sandboxId: sb.id, limit: 1000 })).filter((e) => e.type === 'egress-refused' && e.message.includes('(only CONNECT)'));
      return evs.length >= 2 ? evs : undefined;
    }, 5000);
    t.ok(events.some((e) => e.message.includes('SOCKS BIND is not supported')), 'BIND, with why');
    t.ok(events.some((e) => e.message.includes('SOCKS UDP ASSOCIATE is not supported')), 'UDP ASSOCIATE, with why');
  });

  await t.test('traffic that ignores the proxy finds no way out', async (t) => {
    let r = await run(c, sb.id, `curl -sS --noproxy '*' --max-time 5 http://${GOOD}:8080/hello`);
    t.not(r.code, 0, 'the host\'s loopback is not the sandbox\'s');
    r = await run(c, sb.id, 'python3 -c "import socket; socket.create_connection((\'203.0.113.7\', 80), timeout=3)"');
    t.match(r.err, /Network is unreachable/, 'no route anywhere else');
  });

  await t.test('a keep-alive connection cannot carry a request to another host', async (t) => {
    const py = [
      'import socket; s=socket.create_connection(("127.0.0.1",3128));',
      's.sendall(b"GET http://good.test:8080/hello HTTP/1.1\\r\\nHost: good.test:8080\\r\\n\\r\\nGET http://unlisted.test:8080/hello HTTP/1.1\\r\\nHost: good.test:8080\\r\\nConnection: close\\r\\n\\r\\n");',
      'data=b""', 'while True:', '  b=s.recv(65536)', '  if not b: break', '  data+=b', 'print(data.decode())',
    ].join('\n');
    const r = await run(c, sb.id, `python3 -c '${py}'`);
    t.match(r.out, /HTTP\/1\.1 200[\s\S]*hello from good[\s\S]*HTTP\/1\.1 403[\s\S]*unlisted\.test:8080: .*not on the allow list/, r.err);
  });

  await t.test('a create may narrow the template\'s list, never widen it', async (t) => {
    const narrow = await c.createSandbox({ template: 'web', network: { allow: ['good.test', GOOD], deny: [] } });
    t.ok(narrow.fromWarmPool, 'narrowing needs no cold boot');
    await withCa(narrow.id);
    t.same((await c.getSandbox(narrow.id)).network?.allow, ['good.test', GOOD]);
    let r = await run(c, narrow.id, 'curl -sS --fail https://good.test:8443/hello');
    t.match(r.out, 'hello from good');
    r = await run(c, narrow.id, 'curl -sS http://a.wild.test:8080/hello');
    t.match(r.out, 'not on the allow list', 'what the template allows but the sandbox does not');
    const cli = execFileSync(process.execPath, [GODELCTL, '--socket', d.socket, 'create', '-t', 'web', '--allow', '*.wild.test', '--allow', WILD], { encoding: 'utf8' }).trim();
    t.same((await c.getSandbox(cli)).network?.allow, ['*.wild.test', WILD], 'godelctl create --allow');
    await expectError(c.createSandbox({ template: 'web', network: { allow: ['evil.test'], deny: [] } }), 'NETWORK_POLICY_WIDENED');
    await expectError(c.createSandbox({ template: 'web', network: { allow: ['10.0.0.0/8'], deny: [] } }), 'NETWORK_POLICY_WIDENED');
    await expectError(c.createSandbox({ template: 'web', network: { allow: ['bad host!'], deny: [] } }), 'INVALID_NETWORK_POLICY');
    await expectError(c.createSandbox({ template: 'web', network: { allow: ['good.test:99999'], deny: [] } }), 'INVALID_NETWORK_POLICY');
    await expectError(c.createSandbox({ network: { allow: ['good.test'], deny: [] } }), 'NETWORK_POLICY_WIDENED');
    for (const id of [narrow.id, cli]) await c.deleteSandbox(id);
  });

  let offline = '';
  await t.test('a create may take the network away altogether', async (t) => {
    await waitFor('an idle sandbox of web', async () => ((await c.listPools()).find((p) => p.template === 'web')?.idle ?? 0) > 0 || undefined, 20_000);
    const warm = await c.createSandbox({ template: 'web', network: { allow: [], deny: [], mode: 'none' } });
    offline = warm.id;
    t.ok(warm.fromWarmPool, 'from the pool of a template with an allow list');
    const cli = execFileSync(process.execPath, [GODELCTL, '--socket', d.socket, 'create', '-t', 'webcold', '--network', 'none'], { encoding: 'utf8' }).trim();
    t.notOk((await c.getSandbox(cli)).fromWarmPool, 'godelctl create --network none, booted without network');
    const shown = JSON.parse(execFileSync(process.execPath, [GODELCTL, '--socket', d.socket, 'inspect', warm.id, cli], { encoding: 'utf8' })) as Array<{ network: { mode: string; allow: string[] } }>;
    t.same(shown.map((s) => [s.network.mode, s.network.allow]), [['none', []], ['none', []]], 'inspect shows it');
    for (const id of [warm.id, cli]) {
      const env = await run(c, id, 'env | grep -i _proxy= || echo none');
      t.equal(env.out, 'none\n', `${id}: no proxy in the environment`);
      const r = await run(c, id, 'curl -sS --max-time 5 --proxy http://127.0.0.1:3128 http://good.test:8080/hello');
      t.not(r.code, 0, `${id}: the proxy's port leads nowhere: ${r.err.trim()}`);
      t.notMatch(r.out, 'hello', `${id}: nothing got through`);
      const raw = await run(c, id, 'python3 -c "import socket; socket.create_connection((\'203.0.113.7\', 80), timeout=3)"');
      t.match(raw.err, /Network is unreachable/, `${id}: no route`);
      t.notOk(existsSync(join(d.stateDir, 'egress', 'sandboxes', id)), `${id}: the proxy has no sockets for it`);
    }
    const fork = (await c.fork({ sandboxId: warm.id, count: 1 })).sandboxes[0]!;
    t.equal(fork.network?.mode, 'none', 'a fork of it has no network either, not its template\'s');
    t.equal((await run(c, fork.id, 'env | grep -ic _proxy=')).out.trim(), '0', 'nor the proxy\'s environment');
    await c.deleteSandbox(fork.id);
    t.notOk(d.processesOf(cli).some((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('/.godel/egress-forward')), 'booted without network: no forwarder');
    t.same((await c.getSandbox((await c.createSandbox({ network: { allow: [], deny: [], mode: 'none' } })).id)).network?.mode, 'none', 'from a template without network: the same');
    await expectError(c.createSandbox({ template: 'web', network: { allow: ['good.test'], deny: [], mode: 'none' } }), 'INVALID_NETWORK_POLICY');
    await expectError(c.createSandbox({ template: 'web', network: { allow: [], deny: [], mode: 'bridge' } }), 'INVALID_NETWORK_POLICY');
    await expectError(c.createSandbox({ template: 'web', network: { allow: [], deny: [], mode: 'host' } }), 'NETWORK_POLICY_WIDENED');
    await c.deleteSandbox(cli);
  });

  await t.test('a sandbox that floods the proxy is bounded; the others are not', async (t) => {
    const flood = await c.createSandbox({ template: 'web' });
    const py = [
      'import socket, time', 'socks=[]; refused=0',
      'for i in range(40):',
      '  s=socket.create_connection(("127.0.0.1",3128)); s.sendall(b"CONNECT good.test:8443 HTTP/1.1\\r\\nHost: good.test:8443\\r\\n\\r\\n")',
      '  r=s.recv(100)',
      '  if b" 200 " in r: socks.append(s)',
      '  else: refused+=1',
      'print(len(socks), refused)', 'import sys; sys.stdout.flush(); time.sleep(2)',
    ].join('\n');
    const flooding = run(c, flood.id, `python3 -c '${py}'`);
    await sleep(1000);
    const r = await run(c, sb.id, 'curl -sS --fail https://good.test:8443/hello');
    t.match(r.out, 'hello from good', 'another sandbox still gets through');
    const f = await flooding;
    t.equal(f.out.trim(), '16 24', `16 tunnels open, the rest refused: ${f.err}`);
    await c.deleteSandbox(flood.id);
  });

  await t.test('open connections survive a daemon restart', async (t) => {
    const started = await run(c, sb.id, 'setsid sh -c "curl -sS -N http://good.test:8080/slow > /workspace/slow.txt 2>&1" < /dev/null > /dev/null 2>&1 & echo started');
    t.equal(started.out.trim(), 'started');
    const proxyBefore = d.egressProxyPids();
    await sleep(600);
    await d.restart();
    t.same(d.egressProxyPids(), proxyBefore, 'the daemon adopted the proxy that ran');
    await waitFor('the download to finish', async () => ((await run(d.client, sb.id, 'cat /workspace/slow.txt')).out.includes('done') ? true : undefined), 10_000);
    const out = (await run(d.client, sb.id, 'cat /workspace/slow.txt')).out;
    t.match(out, /line 1\n[\s\S]*line 10\ndone\n/, 'every line arrived across the restart');
    const r = await run(d.client, sb.id, 'curl -sS --fail https://good.test:8443/hello');
    t.match(r.out, 'hello from good', 'the policy holds after the restart');
    const r2 = await run(d.client, sb.id, 'curl -sS http://unlisted.test:8080/hello');
    t.match(r2.out, 'not on the allow list');
    t.equal((await d.client.getSandbox(offline)).network?.mode, 'none', 'a sandbox narrowed to no network stays so');
    const r3 = await run(d.client, offline, 'curl -sS --max-time 5 --proxy http://127.0.0.1:3128 http://good.test:8080/hello');
    t.notMatch(r3.out, 'hello', 'and gets nowhere');
    t.notOk(existsSync(join(d.stateDir, 'egress', 'sandboxes', offline)), 'the proxy did not take it back');
    await d.client.deleteSandbox(offline);
  });

  await t.test('events and metrics show what happened', async (t) => {
    await run(d.client, sb.id, 'curl -sS --fail https://good.test:8443/bytes/100000 -o /dev/null');
    const events = await waitFor('an allowed summary', async () => {
      const evs = await d.client.listEvents({ sandboxId: sb.id, limit: 1000 });
      return evs.some((e) => e.type === 'egress' && e.message.includes('good.test:8443')) ? evs : undefined;
    }, 10_000);
    const refused = events.filter((e) => e.type === 'egress-refused');
    t.ok(refused.some((e) => e.message.includes('bad.wild.test:8080') && e.message.includes('denied by')), 'a refusal, with why');
    t.ok(events.some((e) => e.type === 'egress-failed' && e.message.includes('nx.wild.test')), 'a name that does not resolve');
    const summary = events.find((e) => e.type === 'egress' && e.message.includes('good.test:8443'))!;
    t.match(summary.message, /allowed \d+ connection\(s\): .*good\.test:8443 x\d+ \(.* in, .* out, longest \d+ ms\)/);
    const cli = execFileSync(process.execPath, [GODELCTL, '--socket', d.socket, 'events', '--sandbox', sb.id, '-n', '1000'], { encoding: 'utf8' });
    t.match(cli, 'egress-refused', 'godelctl events lists them');
    const text = await (await fetch(`http://${d.metricsAddress()}/metrics`)).text();
    const value = (series: string): number => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.split(' ')[1] ?? NaN);
    t.ok(value('godel_egress_connections_total{decision="allowed"}') >= 1, 'allowed connections counted');
    t.ok(value('godel_egress_connections_total{decision="refused"}') >= 1, 'refused ones too');
    t.ok(value('godel_egress_bytes_total{direction="in"}') >= 100_000, 'bytes in');
    t.ok(value('godel_egress_bytes_total{direction="out"}') > 0, 'bytes out');
    t.notMatch(text, /godel_egress_[a-z_]+\{[^}]*sb-/, 'no sandbox id in a label');
  });

  await t.test('the proxy accepts on the forwarder\'s listeners and relays tunnels outside Node', async (t) => {
    /** The sockets (by inode) a process holds. */
    const sockets = (pid: number): Set<string> => new Set(readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        return target.startsWith('socket:') ? [target] : [];
      } catch {
        return []; // Closed between the listing and the read.
      }
    }));
    const forwarder = d.processesOf(sb.id).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('/.godel/egress-forward'));
    t.ok(forwarder, 'the sandbox\'s forwarder');
    const handedOver = (): boolean => {
      const [proxy] = d.egressProxyPids();
      if (!proxy || !forwarder) return false;
      const held = sockets(proxy);
      return [...sockets(forwarder)].filter((s) => held.has(s)).length >= 2;
    };
    t.ok(await waitFor('the hand-over', () => handedOver() || undefined, 5000), 'the proxy holds the forwarder\'s two listening sockets');

    // Sent with the CONNECT, before its answer: bytes Node had read go out first when the tunnel leaves it;
    // the client's half-close (once it has the answer) is passed on, and the server's reply and end come back.
    const py = [
      'import socket; s=socket.create_connection(("127.0.0.1",3128))',
      's.sendall(b"CONNECT good.test:8080 HTTP/1.1\\r\\nHost: good.test:8080\\r\\n\\r\\nGET /hello HTTP/1.1\\r\\nHost: good.test\\r\\n\\r\\n")',
      'data=s.recv(39)', 's.shutdown(socket.SHUT_WR)', 'while True:', '  b=s.recv(65536)', '  if not b: break', '  data+=b', 'print(data.decode())',
    ].join('\n');
    let r = await run(d.client, sb.id, `python3 -c '${py}'`);
    t.match(r.out, /^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK[\s\S]*hello from good/, `pipelined, then half-closed: ${r.err}`);
    r = await run(d.client, sb.id, 'curl -sS --fail https://good.test:8443/bytes/3000000 | wc -c');
    t.equal(r.out.trim(), '3000000', 'a download through a relayed tunnel, every byte');

    // What the listeners socket takes: a sandbox handing over anything else is refused, and the real hand-over stays.
    const bogus = [
      'import socket; a,b=socket.socketpair(); u=socket.socket(socket.AF_UNIX)', 'u.connect("/.godel/egress/listeners.sock")',
      'socket.send_fds(u, [b"LISTENERS http.sock\\n"], [a.fileno()])', 'print("closed" if u.recv(10)==b"" else "open")',
    ].join('\n');
    r = await run(d.client, sb.id, `python3 -c '${bogus}'`);
    t.equal(r.out.trim(), 'closed', `a socket that is not listening is refused: ${r.err}`);
    t.ok(handedOver(), 'the forwarder\'s hand-over is untouched');
    r = await run(d.client, sb.id, 'curl -sS --fail https://good.test:8443/hello');
    t.match(r.out, 'hello from good');

    // A proxy that dies: the daemon starts another, the forwarder carries connections meanwhile and hands over again.
    for (const pid of d.egressProxyPids()) process.kill(pid, 'SIGKILL');
    await waitFor('a new proxy to serve the sandbox', async () => ((await run(d.client, sb.id, 'curl -sS --fail --max-time 2 https://good.test:8443/hello')).out.includes('hello from good') || undefined), 10_000);
    t.ok(await waitFor('the hand-over to the new proxy', () => handedOver() || undefined, 5000), 'the new proxy holds the listeners');
    r = await run(d.client, sb.id, 'curl -sS http://unlisted.test:8080/hello');
    t.match(r.out, 'not on the allow list', 'the policy holds');
  });

  await t.test('a proxy of another user (a root one, from before it had its own) is replaced at the daemon\'s start', async (t) => {
    await d.stop();
    for (const pid of d.egressProxyPids()) process.kill(pid, 'SIGKILL');
    // What a root proxy left: everything in its directory root's.
    execFileSync('chown', ['-R', '0:0', join(d.stateDir, 'egress')]);
    const old = spawn(process.execPath, [PROXY_MAIN, '--dir', join(d.stateDir, 'egress')], { detached: true, stdio: 'ignore', env: { PATH: '/usr/bin:/bin' } });
    old.unref();
    t.teardown(() => { if (old.exitCode === null && old.signalCode === null) old.kill('SIGKILL'); });
    const gone = new Promise<void>((resolve) => old.once('exit', () => resolve()));
    await waitFor('the root proxy to serve', () => (d.egressProxyPids().includes(old.pid!) && existsSync(join(d.stateDir, 'egress', 'control.sock'))) || undefined, 5000);
    await d.start();
    await gone;
    const [proxy] = d.egressProxyPids();
    t.not(proxy, old.pid, 'a new proxy');
    t.same(proxyStatus(proxy!).Uid, ['61001', '61001', '61001', '61001'], 'of its own user');
    t.equal(statSync(join(d.stateDir, 'egress')).uid, 61001, 'the directory is handed over');
    const r = await run(d.client, sb.id, 'curl -sS --fail --max-time 5 https://good.test:8443/hello');
    t.match(r.out, 'hello from good', `the sandbox gets out through it: ${r.err}`);
    t.ok(d.logs().some((l) => l.msg === 'the egress proxy runs as another user; replacing it (its open connections end)' && l.uid === 0), 'and the daemon says so');
  });

  await t.test('a control socket that leads elsewhere is not signalled, but removed, and a proxy started', async (t) => {
    await d.stop();
    for (const pid of d.egressProxyPids()) process.kill(pid, 'SIGKILL');
    // What the proxy's user could do in its own directory: point the control socket at a root service's.
    const service = createNetServer((s) => s.end());
    const servicePath = join(dir, 'root-service.sock');
    await new Promise<void>((resolve) => service.listen(servicePath, () => resolve()));
    t.teardown(() => service.close());
    const control = join(d.stateDir, 'egress', 'control.sock');
    rmSync(control, { force: true });
    symlinkSync(servicePath, control);
    await d.start();
    t.ok(service.listening, 'the service is untouched');
    t.ok(lstatSync(control).isSocket(), 'the link is replaced by the proxy\'s socket');
    const [proxy] = d.egressProxyPids();
    t.same(proxyStatus(proxy!).Uid, ['61001', '61001', '61001', '61001'], 'a proxy of its own user');
    const r = await run(d.client, sb.id, 'curl -sS --fail --max-time 5 https://good.test:8443/hello');
    t.match(r.out, 'hello from good', `the sandbox gets out through it: ${r.err}`);
    t.ok(d.logs().some((l) => l.msg === 'the egress control socket leads to a process that is not an egress proxy; removing it and starting a proxy' && l.uid === 0), 'and the daemon says so');
  });

  await t.test('a microvm sandbox gets out the same way, over its agent\'s egress port', async (t) => {
    const vm = await d.client.createSandbox({ template: 'vmweb' });
    t.equal((await d.client.getSandbox(vm.id)).network?.mode, 'allow');
    await withCaOn(d.client, vm.id);
    const env = await run(d.client, vm.id, 'env | grep -c -i _proxy=');
    t.equal(env.out.trim(), '8', 'the same proxy variables in the guest');
    let r = await run(d.client, vm.id, `node -e "${NODE_CONNECT}" good.test`, { SSL_CERT_FILE: '/workspace/ca.pem', NODE_EXTRA_CA_CERTS: '/workspace/ca.pem' });
    t.match(r.out, 'hello from good', `https from the guest: ${r.err}`);
    r = await run(d.client, vm.id, `node -e "${NODE_CONNECT}" unlisted.test`);
    t.match(r.out, 'status 403', 'the guest is refused what the policy does not allow');
    const plain = "require('http').get({host:'127.0.0.1',port:3128,path:'http://bad.wild.test:8080/hello'},(res)=>{res.pipe(process.stdout)})";
    r = await run(d.client, vm.id, `node -e "${plain}"`);
    t.match(r.out, 'denied by "bad.wild.test"', 'plain HTTP through the guest\'s proxy port');
    r = await run(d.client, vm.id, `node -e "require('net').connect(80, '203.0.113.7').on('error', (e) => console.log(e.code))"`);
    t.equal(r.out.trim(), 'ENETUNREACH', `raw TCP that ignores the proxy finds no route in the guest either: ${r.err}`);

    // The guest's connections go from QEMU straight to the proxy: a daemon restart is not on their way.
    const slow = "require('http').get({host:'127.0.0.1',port:3128,path:'http://good.test:8080/held'},(res)=>{res.pipe(process.stdout)})";
    const started = await run(d.client, vm.id, 'printf %s "$JS" > /workspace/slow.js && setsid sh -c "node /workspace/slow.js > /workspace/slow.txt 2>&1" < /dev/null > /dev/null 2>&1 & echo started', { JS: slow });
    t.equal(started.out.trim(), 'started');
    await waitFor('the download to begin', async () => ((await run(d.client, vm.id, 'cat /workspace/slow.txt')).out.includes('line 1') || undefined), 10_000);
    const proxy = d.egressProxyPids();
    await d.restart();
    t.same(d.egressProxyPids(), proxy, 'the same proxy');
    t.equal((await run(d.client, vm.id, 'cat /workspace/slow.txt')).out, 'line 1\n', 'the response is still open after the restart');
    good.release();
    await waitFor('the download to finish', async () => ((await run(d.client, vm.id, 'cat /workspace/slow.txt')).out.includes('done') || undefined), 15_000);
    t.match((await run(d.client, vm.id, 'cat /workspace/slow.txt')).out, 'line 1\ndone\n', 'and its end arrives through the same connection');
    r = await run(d.client, vm.id, `node -e "${NODE_CONNECT}" good.test`, { SSL_CERT_FILE: '/workspace/ca.pem', NODE_EXTRA_CA_CERTS: '/workspace/ca.pem' });
    t.match(r.out, 'hello from good', `a new connection from the guest after the restart: ${r.err}`);
    r = await run(d.client, vm.id, `node -e "${NODE_CONNECT}" unlisted.test`);
    t.match(r.out, 'status 403', 'and the policy holds');
    await d.client.deleteSandbox(vm.id);

    // Narrowed at create, as a process sandbox is: a VM allowed less than its template, and one allowed nothing.
    const get = (url: string): string => `require('http').get({host:'127.0.0.1',port:3128,path:'${url}'},(res)=>{res.pipe(process.stdout)}).on('error',(e)=>console.log(e.code))`;
    const narrow = await d.client.createSandbox({ template: 'vmweb', network: { allow: ['a.wild.test', WILD], deny: [] } });
    t.same((await d.client.getSandbox(narrow.id)).network?.allow, ['a.wild.test', WILD]);
    r = await run(d.client, narrow.id, `node -e "${get('http://a.wild.test:8080/hello')}"`);
    t.match(r.out, 'hello from wild', `what the narrowed list allows: ${r.err}`);
    r = await run(d.client, narrow.id, `node -e "${get('http://good.test:8080/hello')}"`);
    t.match(r.out, 'not on the allow list', 'what the template allows but the narrowed list does not is refused');
    await d.client.deleteSandbox(narrow.id);
    const offline = await d.client.createSandbox({ template: 'vmweb', network: { allow: [], deny: [], mode: 'none' } });
    t.equal((await d.client.getSandbox(offline.id)).network?.mode, 'none');
    t.equal((await run(d.client, offline.id, 'env | grep -c -i _proxy=')).out.trim(), '0', 'no proxy in the guest\'s environment');
    r = await run(d.client, offline.id, `node -e "${get('http://good.test:8080/hello')}"`);
    t.notMatch(r.out, 'hello', `the guest's proxy port leads nowhere (${r.out.trim()})`);
    t.match(r.out, /ECONNREFUSED|ECONNRESET|socket hang up/);
    r = await run(d.client, offline.id, `node -e "require('net').connect(80, '203.0.113.7').on('error', (e) => console.log(e.code))"`);
    t.equal(r.out.trim(), 'ENETUNREACH', 'and no route');
    t.notOk(existsSync(join(d.stateDir, 'egress', 'sandboxes', offline.id)), 'the proxy has no sockets for it');
    await d.client.deleteSandbox(offline.id);
  });

  await c.deleteSandbox(sb.id).catch(() => undefined);
});
