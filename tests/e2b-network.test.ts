// E2B's egress options through the real e2b SDK (2.51): `network` {allowOut, denyOut} and
// `allowInternetAccess` narrow the godel template's allow list, enforced by the egress proxy; what cannot
// be mapped, or would widen the template, is E2B's 400 (a SandboxError with statusCode 400) and makes nothing.
// Web servers on 127.0.50.x and a DNS server for the proxy, all on this machine.
import t from 'tap';
import { createServer } from 'node:http';
import { ALL_TRAFFIC, Sandbox, SandboxError } from 'e2b';
import { listen, startDns, webHandler } from './helpers/egress.js';
import { e2bAddress, sdkOptions, startE2bDaemon } from './helpers/e2b.js';

const OK = '127.0.50.10';
const OTHER = '127.0.50.11';
const OUTSIDE = '127.0.60.10';

const dns = await startDns('127.0.50.1', 5353, { 'ok.e2b.test': OK, 'other.e2b.test': OTHER });
t.teardown(() => dns.close());
for (const [host, label] of [[OK, 'ok'], [OTHER, 'other']] as const) {
  const server = await listen(createServer(webHandler(label, '/nonexistent')), host, 8080);
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
}

const d = await startE2bDaemon(t, '127.0.50.1', {
  egress: { dns_servers: [dns.address] },
  templates: { web: { network: { allow: ['*.e2b.test', '127.0.50.0/24'] }, pool: { min_idle: 1 } } },
});
const opts = sdkOptions(await e2bAddress(d));

/** What curl gets from `url` inside the sandbox: the page, or the proxy's refusal. */
async function fetchIn(sb: Sandbox, url: string): Promise<string> {
  const r = await sb.commands.run(`curl -sS --max-time 10 ${url}`).then((x) => x, (e: { stdout?: string; stderr?: string }) => e);
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
}

t.test('an allow list reaches what it names and nothing else the template allows', async (t) => {
  const sb = await Sandbox.create('web', { ...opts, network: { allowOut: ['ok.e2b.test', OK], denyOut: [ALL_TRAFFIC] } });
  t.teardown(() => sb.kill().catch(() => undefined));
  t.same((await d.client.getSandbox(sb.sandboxId)).network?.allow, ['ok.e2b.test', OK], 'the sandbox\'s own allow list, in godel');
  t.match(await fetchIn(sb, `http://${OK}:8080/hello`), 'hello from ok', 'an allowed address');
  t.match(await fetchIn(sb, 'http://ok.e2b.test:8080/hello'), 'hello from ok', 'an allowed name');
  t.match(await fetchIn(sb, `http://${OTHER}:8080/hello`), 'not on the allow list', 'an address the template allows but the sandbox does not');
  t.match(await fetchIn(sb, 'http://other.e2b.test:8080/hello'), 'not on the allow list', 'a name likewise');

  const fn = await Sandbox.create('web', { ...opts, network: { allowOut: [OTHER], denyOut: ({ allTraffic }) => [allTraffic] } });
  t.teardown(() => fn.kill().catch(() => undefined));
  t.match(await fetchIn(fn, `http://${OTHER}:8080/hello`), 'hello from other', 'the SDK\'s callback form');
  t.match(await fetchIn(fn, `http://${OK}:8080/hello`), 'not on the allow list');

  const [fork] = await sb.fork();
  t.ok(fork instanceof Sandbox, 'forked');
  if (fork instanceof Sandbox) {
    t.teardown(() => fork.kill().catch(() => undefined));
    t.same((await d.client.getSandbox(fork.sandboxId)).network?.allow, ['ok.e2b.test', OK], 'a fork keeps the source\'s allow list, not its template\'s');
    t.match(await fetchIn(fork, `http://${OTHER}:8080/hello`), 'not on the allow list');
    t.match(await fetchIn(fork, `http://${OK}:8080/hello`), 'hello from ok');
  }
});

t.test('denyOut alone, allowInternetAccess false, and the template\'s own policy', async (t) => {
  const deny = await Sandbox.create('web', { ...opts, network: { denyOut: [`${OTHER}/32`] } });
  t.teardown(() => deny.kill().catch(() => undefined));
  t.match(await fetchIn(deny, `http://${OK}:8080/hello`), 'hello from ok');
  t.match(await fetchIn(deny, `http://${OTHER}:8080/hello`), `denied by "${OTHER}"`, 'a denied address, with the reason');

  const off = await Sandbox.create('web', { ...opts, allowInternetAccess: false });
  t.teardown(() => off.kill().catch(() => undefined));
  t.equal((await d.client.getSandbox(off.sandboxId)).network?.mode, 'none', 'no internet access is godel\'s none: no proxy to reach');
  t.notMatch(await fetchIn(off, `http://${OK}:8080/hello`), 'hello from ok', 'no internet access at all');
  t.match((await off.commands.run('env')).stdout, /^(?!.*_PROXY=)/s, 'no proxy in its environment');
  const denied = await Sandbox.create('web', { ...opts, network: { denyOut: [ALL_TRAFFIC] } });
  t.teardown(() => denied.kill().catch(() => undefined));
  t.equal((await d.client.getSandbox(denied.sandboxId)).network?.mode, 'none', 'denyOut of all traffic with nothing allowed is the same');

  const plain = await Sandbox.create('web', opts);
  t.teardown(() => plain.kill().catch(() => undefined));
  t.match(await fetchIn(plain, `http://${OTHER}:8080/hello`), 'hello from other', 'no option: the template\'s list');
  const closed = await Sandbox.create('base', { ...opts, allowInternetAccess: false });
  t.teardown(() => closed.kill().catch(() => undefined));
  t.equal((await closed.commands.run('echo ok')).stdout, 'ok\n', 'no access on a template without network: nothing to take away');
});

t.test('what cannot be mapped or would widen the template is a 400 that makes nothing', async (t) => {
  const before = (await d.client.listSandboxes({})).filter((s) => s.labels['e2b.dev/template']).length;
  const refused = async (o: Parameters<typeof Sandbox.create>[1], template: string, why: RegExp, what: string): Promise<void> => {
    const err = await Sandbox.create(template, { ...opts, ...o }).then((sb) => sb.kill().then(() => undefined), (e: unknown) => e);
    t.ok(err instanceof SandboxError && (err as SandboxError & { statusCode?: number }).statusCode === 400, `${what}: a 400`);
    t.match((err as Error | undefined)?.message, why, what);
  };
  await refused({ network: { allowOut: [OUTSIDE], denyOut: [ALL_TRAFFIC] } }, 'web', /may only narrow .*not within it: 127\.0\.60\.10/, 'an address outside the template');
  await refused({ network: { allowOut: ['*.example.com'], denyOut: [ALL_TRAFFIC] } }, 'web', /not within it/, 'a name outside the template');
  await refused({ network: { allowOut: [OK], denyOut: [ALL_TRAFFIC] } }, 'base', /has no network/, 'an allow list on a template without network');
  await refused({ network: { allowOut: [OK], denyOut: [OTHER] } }, 'web', /exceptions to the deny list/, 'allowOut carved out of a partial denyOut');
  await refused({ network: { allowOut: [OK], denyOut: [ALL_TRAFFIC], httpsPorts: [3000] } }, 'web', /network\.httpsPorts is not supported/, 'an option godel has no meaning for');
  await refused({ network: { allowOut: ['not a host'], denyOut: [ALL_TRAFFIC] } }, 'web', /not a valid host name/, 'a malformed entry');
  await refused({ allowInternetAccess: true }, 'base', /has no network/, 'internet access on a template without network');
  const after = (await d.client.listSandboxes({})).filter((s) => s.labels['e2b.dev/template']).length;
  t.equal(after, before, 'no sandbox was handed out for a refused create');
});
