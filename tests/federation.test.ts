// Federation: three real daemons on 127.0.0.2-4 with mutual TLS from a test CA; every kind of call
// forwarded by sandbox id, the one view of lists and streams, and placement.
import t from 'tap';
import { expectError, sh, waitFor } from './helpers/daemon.js';
import { startFederation } from './helpers/federation.js';

t.test('three daemons federate: membership, forwarding and the one view', async (t) => {
  const { nodes } = await startFederation(t, 3);
  const [a, b, c] = nodes.map((n) => n.daemon.client);
  const members = await a!.nodes();
  t.same(members.map((m) => m.name), ['node-a', 'node-b', 'node-c'], 'node-a knows both peers (node-c only through node-b\'s seed)');
  t.ok(members.every((m) => m.reachable));

  const onB = await b!.createSandbox({ labels: { who: 'b' } });
  t.equal(onB.node, 'node-b');
  t.match(onB.id, /-node-b$/, 'the id carries its node');
  t.equal(await sh(a!, onB.id, 'hostname'), `${onB.id}\n`, 'exec from node-a runs on node-b');
  const got = await c!.getSandbox(onB.id);
  t.equal(got.node, 'node-b');
  const all = await a!.listSandboxesWithNodes({});
  t.ok(all.sandboxes.some((s) => s.id === onB.id && s.node === 'node-b'), 'node-a lists node-b\'s sandbox');
  t.same(all.unreachableNodes, []);
  await expectError(a!.getSandbox(onB.id.replace(/-node-b$/, '-node-z')), 'NODE_UNAVAILABLE');
  await c!.deleteSandbox(onB.id);
  await expectError(b!.getSandbox(onB.id), 'SANDBOX_NOT_FOUND');
  void waitFor;
});
