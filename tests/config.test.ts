// Unit tests of the config parser and the template spec hash (the pool key).
import t from 'tap';
import { ConfigError, parseConfig } from '../daemon/config/config.js';

t.test('no config gives the built-in default template', async (t) => {
  const c = parseConfig({});
  const d = c.templates.get('default')!;
  t.equal(d.spec.provider, 'process');
  t.equal(d.spec.network, 'none');
  t.equal(d.spec.rootfs, '');
  t.ok(d.spec.hostPaths.includes('/usr'));
  t.ok(d.pool.minIdle >= 1, 'keeps something warm by default');
  t.match(d.specHash, /^[0-9a-f]{16}$/);
});

t.test('the spec hash follows the boot spec, not key order or pool targets', async (t) => {
  const a = parseConfig({ templates: { x: { network: 'none', env: { A: '1', B: '2' }, pool: { min_idle: 1 } } } }).templates.get('x')!;
  const b = parseConfig({ templates: { x: { env: { B: '2', A: '1' }, network: 'none', pool: { min_idle: 5 } } } }).templates.get('x')!;
  const c = parseConfig({ templates: { x: { env: { A: '1', B: '3' } } } }).templates.get('x')!;
  t.equal(a.specHash, b.specHash);
  t.not(a.specHash, c.specHash, 'an env change is a new spec');
});

t.test('config errors name the field', async (t) => {
  t.throws(() => parseConfig({ nope: 1 }), ConfigError);
  t.throws(() => parseConfig({ templates: { x: { rootfs: 'relative' } } }), /rootfs must be an absolute path/);
  t.throws(() => parseConfig({ templates: { x: { host_paths: ['usr'] } } }), /host_paths must be a list of absolute paths/);
  t.throws(() => parseConfig({ templates: { x: { env: { 'A-B': '1' } } } }), /env.A-B/);
  t.throws(() => parseConfig({ templates: { x: { pool: { refill_concurrency: 0 } } } }), /refill_concurrency/);
  t.throws(() => parseConfig({ process: { sandbox_uid: 0 } }), /sandbox_uid/);
});

t.test('resource limits parse sizes and refuse what no sandbox could run under', async (t) => {
  const x = parseConfig({ templates: { x: { limits: { memory: '512M', cpus: 0.5, pids: 128, disk: '1G' } } } }).templates.get('x')!;
  t.same(x.spec.limits, { memoryBytes: 512 * 2 ** 20, cpus: 0.5, pids: 128, diskBytes: 2 ** 30 });
  const plain = parseConfig({ templates: { x: {} } }).templates.get('x')!;
  t.equal(plain.spec.limits, undefined, 'no limits leave the spec (and its hash) as before');
  t.throws(() => parseConfig({ templates: { x: { limits: { memory: '1K' } } } }), /limits.memory must be from 16M/);
  t.throws(() => parseConfig({ templates: { x: { limits: { memory: '100T' } } } }), /limits.memory must be from 16M to this host's memory/);
  t.throws(() => parseConfig({ templates: { x: { limits: { memory: 'lots' } } } }), /limits.memory must be a size/);
  t.throws(() => parseConfig({ templates: { x: { limits: { cpus: 0 } } } }), /limits.cpus must be a number from 0.01/);
  t.throws(() => parseConfig({ templates: { x: { limits: { cpus: 10_000 } } } }), /limits.cpus/);
  t.throws(() => parseConfig({ templates: { x: { limits: { pids: 2 } } } }), /limits.pids must be an integer from 8/);
  t.throws(() => parseConfig({ templates: { x: { limits: { disk: '1M' } } } }), /limits.disk must be at least 16M/);
  t.throws(() => parseConfig({ templates: { x: { limits: { swap: '1G' } } } }), /unknown field "swap"/);
  // A pod's limits size a Kata VM on a cluster node: this host's size does not bound them.
  const pod = (limits: Record<string, unknown>) => parseConfig({ templates: { k: { provider: 'kubernetes', kubernetes: { image: 'debian:12' }, limits } } }).templates.get('k')!;
  t.same(pod({ cpus: 64, memory: '256G' }).spec.limits, { cpus: 64, memoryBytes: 256 * 2 ** 30 }, 'a pod may be larger than this host');
  t.throws(() => pod({ cpus: 10_000 }), /limits.cpus must be a number from 0.01 to a cluster node's largest 1024 CPUs/);
  t.throws(() => pod({ memory: '100T' }), /limits.memory must be from 16M to a cluster node's largest memory/);
});

t.test('node names go into ids; the federation section names what is wrong', async (t) => {
  t.equal(parseConfig({ node: 'node-a' }).node, 'node-a');
  t.throws(() => parseConfig({ node: 'Node_A' }), /not a valid node name/);
  const { defaultNodeName } = await import('../daemon/config/config.js');
  t.equal(defaultNodeName('Build-Host.example.com'), 'build-host', 'the host name, made into a node name');
  t.equal(defaultNodeName('___'), 'node');
  const tls = { ca: '/etc/godel/ca.pem', cert: '/etc/godel/node.pem', key: '/etc/godel/node.key' };
  const f = parseConfig({ node: 'a', federation: { listen: '127.0.0.2:7443', peers: ['127.0.0.3:7443'], tls } }).federation!;
  t.same(f, { listen: '127.0.0.2:7443', advertise: '127.0.0.2:7443', peers: ['127.0.0.3:7443'], dns: '', dnsPort: 7443, tls });
  t.throws(() => parseConfig({ federation: { listen: '7443', tls } }), /federation.listen must be HOST:PORT/);
  t.throws(() => parseConfig({ federation: { listen: '127.0.0.2:70000', tls } }), /federation.listen must be HOST:PORT/);
  t.throws(() => parseConfig({ federation: { listen: '127.0.0.2:7443', peers: ['nope'], tls } }), /federation.peers\[0\]/);
  t.throws(() => parseConfig({ federation: { listen: '127.0.0.2:7443' } }), /mutual TLS is not optional/);
  t.throws(() => parseConfig({ federation: { listen: '127.0.0.2:7443', tls: { ...tls, key: 'relative.key' } } }), /federation.tls.key must be an absolute path/);
  t.throws(() => parseConfig({ federation: { listen: '127.0.0.2:7443', tls, gossip: true } }), ConfigError);
  t.throws(() => parseConfig({ federation: { listen: '0.0.0.0:7443', tls } }), /set federation.advertise/);
  t.equal(parseConfig({ federation: { listen: '0.0.0.0:7443', advertise: '10.0.0.2:7443', tls } }).federation!.advertise, '10.0.0.2:7443');
});

t.test('the e2b endpoint and e2b templates', async (t) => {
  t.equal(parseConfig({}).e2b, undefined, 'off by default');
  const c = parseConfig({ e2b: { listen: '127.0.0.1:3000', api_keys: ['a-long-key', `sha256:${'ab'.repeat(32)}`], templates: { py: 'default' } } });
  t.same(c.e2b?.templates, { base: 'default', py: 'default' }, 'base maps to default unless told otherwise');
  t.throws(() => parseConfig({ e2b: { listen: '127.0.0.1:3000' } }), /at least one key/, 'never without keys');
  t.throws(() => parseConfig({ e2b: { listen: '127.0.0.1:3000', api_keys: ['short'] } }), /every API key must be/);
  t.throws(() => parseConfig({ e2b: { listen: 'nope', api_keys: ['a-long-key'] } }), /e2b.listen must be HOST:PORT/);
  t.throws(() => parseConfig({ e2b: { listen: '127.0.0.1:1', api_keys: ['a-long-key'], templates: { x: 'missing' } } }), /e2b.templates.x must name a godel template/);
  t.throws(() => parseConfig({ e2b: { listen: '127.0.0.1:1', api_keys_file: '/nonexistent/keys' } }), /cannot read e2b.api_keys_file/);
  const e = parseConfig({ templates: { burst: { provider: 'e2b', e2b: { template: 'base', api_key_env: 'MY_KEY' } } } }).templates.get('burst')!;
  t.same(e.spec.e2b, { template: 'base', apiUrl: 'https://api.e2b.app', sandboxUrl: '', domain: 'e2b.app', apiKeyEnv: 'MY_KEY' });
  t.throws(() => parseConfig({ templates: { x: { provider: 'e2b', e2b: { api_key_env: 'not a name' } } } }), /api_key_env must name an environment variable/);
  t.throws(() => parseConfig({ templates: { x: { provider: 'e2b', e2b: { api_url: 'ftp://x' } } } }), /api_url must be an http/);
  t.throws(() => parseConfig({ templates: { x: { e2b: { template: 'base' } } } }), /only for templates with provider "e2b"/);
});

t.test('seccomp and nested user namespaces: defaults leave the spec as it was, opt-outs are checked', async (t) => {
  const plain = parseConfig({ templates: { x: {} } }).templates.get('x')!;
  t.equal(plain.spec.seccomp, undefined);
  t.equal(plain.spec.nestedUserNamespaces, undefined);
  t.notOk(plain.spec.hostPaths.includes('/etc'), 'the sandbox gets an /etc of its own by default');
  const explicit = parseConfig({ templates: { x: { seccomp: 'default', nested_user_namespaces: false } } }).templates.get('x')!;
  t.equal(explicit.specHash, plain.specHash, 'saying the default is the default');
  const open = parseConfig({ templates: { x: { seccomp: 'unconfined', nested_user_namespaces: true } } }).templates.get('x')!;
  t.equal(open.spec.seccomp, 'unconfined');
  t.equal(open.spec.nestedUserNamespaces, true);
  t.not(open.specHash, plain.specHash, 'a new spec, so no sandbox booted under the old one is handed out');
  t.throws(() => parseConfig({ templates: { x: { seccomp: 'off' } } }), /templates.x.seccomp must be "default" or "unconfined"/);
  t.throws(() => parseConfig({ templates: { x: { nested_user_namespaces: 'yes' } } }), /nested_user_namespaces must be true or false/);
});
