// Egress policies on their own: what entries parse to, what narrows and what widens, what a policy decides
// for names and addresses, and the daemon's refusal to start on a malformed template.
import t from 'tap';
import { CompiledPolicy, formatRule, narrow, ownListeners, parseNetworkMode, parseRule, type NetworkPolicy } from '../daemon/egress/policy.js';
import { ConfigError, parseConfig } from '../daemon/config/config.js';

t.test('entries', async (t) => {
  t.equal(formatRule(parseRule('API.Anthropic.com')), 'api.anthropic.com');
  t.equal(formatRule(parseRule('*.npmjs.org')), '*.npmjs.org');
  t.equal(formatRule(parseRule('github.com:443')), 'github.com:443');
  t.equal(formatRule(parseRule('10.2.0.0/16:5432')), '10.2.0.0/16:5432');
  t.equal(formatRule(parseRule('[2001:db8::1]:443')), '[2001:db8::1]:443');
  t.equal(formatRule(parseRule('fd00::/8')), 'fd00::/8');
  for (const bad of ['', 'a b', 'host:0', 'host:65536', 'foo.*.com', '10.0.0.0/33', '1.2.3', 'x:y', '[::1', '-a.com']) {
    t.throws(() => parseRule(bad), `refuses ${JSON.stringify(bad)}`);
  }
  t.same(parseNetworkMode(undefined, 'n'), 'none');
  t.same(parseNetworkMode('host', 'n'), 'host');
  t.throws(() => parseNetworkMode('bridge', 'n'));
  t.throws(() => parseNetworkMode({ allow: ['ok.com'], alow: [] }, 'n'), /unknown field "alow"/);
});

t.test('narrowing', async (t) => {
  const tpl = parseNetworkMode({ allow: ['*.example.com', 'api.x.com:443', '10.0.0.0/8'], deny: ['bad.example.com'] }, 'n') as NetworkPolicy;
  t.same(narrow(tpl, ['a.example.com', '*.b.example.com', 'api.x.com:443', '10.1.0.0/16:5432'], []).widens, []);
  t.same(narrow(tpl, ['example.com', 'api.x.com', 'api.x.com:80', '11.0.0.0/8', '10.0.0.0/7', 'other.com'], []).widens,
    ['example.com', 'api.x.com', 'api.x.com:80', '11.0.0.0/8', '10.0.0.0/7', 'other.com']);
  const { policy } = narrow(tpl, ['a.example.com'], ['b.example.com']);
  t.same(policy.allow, ['a.example.com']);
  t.same(policy.deny, ['bad.example.com', 'b.example.com'], 'the template\'s deny list always holds');
});

t.test('decisions', async (t) => {
  const p = new CompiledPolicy(parseNetworkMode({ allow: ['*.ok.com', 'exact.com:443', '10.2.0.0/16:5432'], deny: ['no.ok.com', '93.184.0.0/16'] }, 'n') as NetworkPolicy,
    [{ address: '203.0.113.9', port: 7443 }]);
  t.same(p.checkName('a.ok.com', 80), { nameAllowed: true });
  t.equal(p.checkName('ok.com', 5432).refused, undefined, 'an unlisted name may still lead into a listed network (on its port)');
  t.match(p.checkName('ok.com', 80).refused, 'not on the allow list', 'but not on another port: no lookup at all');
  t.match(p.checkName('no.ok.com', 80).refused, /denied by "no\.ok\.com"/);
  t.equal(p.checkName('exact.com', 443).nameAllowed, true);
  t.equal(p.checkName('exact.com', 80).nameAllowed, false);
  t.equal(p.checkAddress('198.51.100.1', 443, true), undefined, 'a public address of an allowed name');
  t.match(p.checkAddress('10.2.3.4', 443, true), /loopback, private/, 'a private address of an allowed name');
  t.equal(p.checkAddress('10.2.3.4', 5432, false), undefined, 'a private address listed explicitly');
  t.match(p.checkAddress('169.254.169.254', 80, true), /metadata/);
  t.match(p.checkAddress('::ffff:127.0.0.1', 80, true), /loopback/, 'IPv4-mapped IPv6 is seen through');
  t.match(p.checkAddress('fe80::1', 80, true), /link-local/);
  t.match(p.checkAddress('93.184.216.34', 443, true), /is denied by "93\.184\.0\.0\/16"/, 'deny wins over an allowed name');
  t.match(p.checkAddress('203.0.113.9', 7443, true), /daemon's own listeners/);
  t.match(p.checkAddress('198.51.100.1', 443, false), /not on the allow list/);
  const none = new CompiledPolicy(parseNetworkMode({ allow: ['a.com'] }, 'n') as NetworkPolicy);
  t.match(none.checkName('b.com', 443).refused, 'not on the allow list', 'no lookup for a name that cannot be allowed');
});

t.test('the daemon\'s own listeners, those on every address included', async (t) => {
  const host = ['127.0.0.1', '203.0.113.5', '::1', '2001:db8::5'];
  const own = ownListeners(['127.0.0.1:9464', '0.0.0.0:7443', '[::]:8080', '[2001:db8::9]:443', undefined], host);
  t.same(own, [
    { address: '127.0.0.1', port: 9464 },
    { address: '127.0.0.1', port: 7443 }, { address: '203.0.113.5', port: 7443 },
    { address: '127.0.0.1', port: 8080 }, { address: '203.0.113.5', port: 8080 }, { address: '::1', port: 8080 }, { address: '2001:db8::5', port: 8080 },
    { address: '2001:db8::9', port: 443 },
  ]);
  const p = new CompiledPolicy(parseNetworkMode({ allow: ['*.example.com'] }, 'n') as NetworkPolicy, own);
  t.match(p.checkAddress('203.0.113.5', 7443, true), /daemon's own listeners/, 'a public address of this host, where a listener on 0.0.0.0 answers');
  t.equal(p.checkAddress('203.0.113.5', 443, true), undefined, 'another port of it is not a listener');
});

t.test('the daemon refuses a malformed template and names the field', async (t) => {
  t.throws(() => parseConfig({ templates: { web: { network: { allow: ['ok.com', 'bad host'] } } } }),
    new ConfigError('templates.web.network.allow[1] "bad host": not a valid host name'));
  t.throws(() => parseConfig({ templates: { web: { network: { allow: ['ok.com:99999'] } } } }), /templates\.web\.network\.allow\[0\].*port/);
  t.throws(() => parseConfig({ templates: { web: { network: { deny: ['10.0.0.0/40'] } } } }), /templates\.web\.network\.deny\[0\].*prefix/);
  t.throws(() => parseConfig({ egress: { dns_servers: ['localhost'] } }), /egress\.dns_servers/);
  t.throws(() => parseConfig({ templates: { k: { provider: 'kubernetes', network: { allow: ['ok.com'] } } } }), /templates\.k\.network: an allow list is enforced for process and microvm sandboxes only/,
    'a provider whose sandboxes do not go through the proxy cannot promise an allow list');
  t.throws(() => parseConfig({ egress: { uid: 61000 } }), /egress\.uid and egress\.gid \(61000:61001\) must differ from process\.sandbox_uid/, 'the proxy may not share the sandboxes\' uid');
  t.throws(() => parseConfig({ process: { sandbox_gid: 61001 } }), /must differ/, 'nor their gid');
  t.match(parseConfig({}).egress, { uid: 61001, gid: 61001 }, 'a user of its own by default');
  const ok = parseConfig({ templates: { web: { network: { allow: ['ok.com'] } } } });
  t.same(ok.templates.get('web')!.spec.network, { allow: ['ok.com'], deny: [], maxConnections: 256 });
  t.equal(ok.templates.get('default')!.specHash, parseConfig({}).templates.get('default')!.specHash, 'templates without an allow list keep their hash');
});
