// The e2b provider, through godel's own gRPC API, against a second godeld's E2B endpoint (so no cloud is
// needed): the sandbox contract, the pool, NOT_SUPPORTED for what the far side cannot do, and finding its
// sandboxes again after a restart. With E2B_API_KEY set, the same contract runs against E2B's cloud.
import t from 'tap';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from 'e2b';
import { TestDaemon, expectError, waitFor } from './helpers/daemon.js';
import { E2B_KEY, e2bAddress, sdkOptions, startE2bDaemon } from './helpers/e2b.js';
import { sandboxContract } from './helpers/sandbox-contract.js';

const far = await startE2bDaemon(t, '127.0.20.2', { templates: { limited: { limits: { cpus: 1, memory: '256M' }, pool: { min_idle: 0 } } } });
const address = await e2bAddress(far);

async function startNear(config: Record<string, unknown>, env: Record<string, string>): Promise<TestDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'godel-e2b-near-'));
  chmodSync(dir, 0o711);
  const d = new TestDaemon(dir, config);
  d.env = env;
  t.teardown(() => d.cleanup());
  await d.start();
  return d;
}

const near = await startNear({
  node: 'near',
  // Its own E2B endpoint too: the SDK on this side, e2b sandboxes behind it, the far side behind those.
  e2b: { listen: '127.0.20.3:0', api_keys: [E2B_KEY] },
  templates: {
    'remote-limited': { provider: 'e2b', e2b: { template: 'limited', api_url: `http://${address}`, sandbox_url: `http://${address}`, api_key_env: 'GODEL_TEST_E2B_KEY' }, pool: { min_idle: 0 } },
    remote: { provider: 'e2b', e2b: { template: 'base', api_url: `http://${address}`, sandbox_url: `http://${address}`, api_key_env: 'GODEL_TEST_E2B_KEY' }, pool: { min_idle: 1 } },
    refused: { provider: 'e2b', e2b: { template: 'base', api_url: `http://${address}`, sandbox_url: `http://${address}`, api_key_env: 'GODEL_TEST_E2B_WRONG' }, pool: { min_idle: 0 } },
    // A port on this host that nothing listens on: E2B unreachable.
    unreachable: { provider: 'e2b', e2b: { template: 'base', api_url: 'http://127.0.20.2:9', sandbox_url: 'http://127.0.20.2:9', api_key_env: 'GODEL_TEST_E2B_KEY' }, pool: { min_idle: 0 } },
  },
}, { GODEL_TEST_E2B_KEY: E2B_KEY, GODEL_TEST_E2B_WRONG: 'not-the-key-at-all' });

t.test('the sandbox contract holds for an e2b sandbox on another godeld', async (t) => {
  await waitFor('a warm e2b sandbox', async () => (await near.client.listPools()).find((p) => p.template === 'remote' && p.idle >= 1));
  const sb = await near.client.createSandbox({ template: 'remote' });
  t.equal(sb.provider, 'e2b');
  t.equal(sb.fromWarmPool, true, 'from the warm pool of E2B sandboxes');
  const [remote] = (await Sandbox.list({ ...sdkOptions(address), query: { metadata: { 'godel.sandbox': sb.id } } }).nextItems());
  t.ok(remote, 'the far side holds it, tagged with the godel id');
  t.equal(remote?.metadata['godel.node'], 'near');
  await sandboxContract(t, near.client, sb.id, false);
  await expectError(near.client.pauseSandbox(sb.id), 'NOT_SUPPORTED');

  await near.restart();
  t.equal((await near.client.getSandbox(sb.id)).state, 'READY', 'adopted after a restart');
  const r = await near.client.runCollect({ sandboxId: sb.id, argv: ['echo', 'still here'] });
  t.equal(r.stdout.toString(), 'still here\n', 'and it runs commands again');

  await near.client.deleteSandbox(sb.id);
  t.same(await Sandbox.list({ ...sdkOptions(address), query: { metadata: { 'godel.sandbox': sb.id } } }).nextItems(), [], 'deleted on the far side too');
});

t.test('E2B refusing, unreachable, or killing a sandbox behind godel\'s back maps to godel\'s codes', async (t) => {
  await expectError(near.client.createSandbox({ template: 'refused' }), 'PROVIDER_FAILED');
  await expectError(near.client.createSandbox({ template: 'unreachable' }), 'PROVIDER_UNAVAILABLE');
  const sb = await near.client.createSandbox({ template: 'remote' });
  const [remote] = await Sandbox.list({ ...sdkOptions(address), query: { metadata: { 'godel.sandbox': sb.id } } }).nextItems();
  t.ok(await Sandbox.kill(remote!.sandboxId, sdkOptions(address)), 'killed on the far side');
  const lost = await near.client.runCollect({ sandboxId: sb.id, argv: ['true'] });
  t.equal(lost.exitCode, 255, 'the command is lost');
  t.match(lost.stderr.toString(), /lost the command/);
  await expectError(near.client.runCollect({ sandboxId: sb.id, argv: ['true'] }), 'SANDBOX_DEAD');
  await near.client.deleteSandbox(sb.id);
});

t.test('getMetrics of an e2b sandbox is the far side\'s measurement', async (t) => {
  const sb = await Sandbox.create('remote-limited', sdkOptions(await e2bAddress(near)));
  t.teardown(() => sb.kill().catch(() => undefined));
  await sb.commands.run('sh -c "while :; do :; done"', { background: true });
  const [m] = await sb.getMetrics();
  t.equal(m?.cpuCount, 1, 'the far template\'s CPU limit, not this side\'s host');
  t.equal(m?.memTotal, 256 * 2 ** 20, 'and its memory limit');
  t.ok(m!.cpuUsedPct > 30, `the busy loop, measured far away: ${m?.cpuUsedPct}%`);
  t.ok(m!.diskTotal > m!.diskUsed, 'its disk');
});

t.test('E2B\'s cloud, when E2B_API_KEY is set', { skip: process.env.E2B_API_KEY ? false : 'E2B_API_KEY is not set' }, async (t) => {
  const cloud = await startNear({
    node: 'cloud-test',
    templates: { cloud: { provider: 'e2b', e2b: { template: 'base', api_key_env: 'E2B_API_KEY' }, pool: { min_idle: 0 } } },
  }, { E2B_API_KEY: process.env.E2B_API_KEY ?? '' });
  const sb = await cloud.client.createSandbox({ template: 'cloud' });
  t.teardown(() => cloud.client.deleteSandbox(sb.id).catch(() => undefined));
  await sandboxContract(t, cloud.client, sb.id, false);
});
