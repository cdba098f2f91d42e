// Unit tests of what federation decides without a network: ids and their nodes, placement plans, and
// which node a request names.
import t from 'tap';
import { newId, newIdBeside, nodeOfId } from '../daemon/ids.js';
import { plan, parseStrategy, type Candidate } from '../daemon/federation/swarm.js';
import { ownerNamedBy } from '../daemon/federation/federation.js';

t.test('ids carry their node', async (t) => {
  const id = newId('sb', 'node-b');
  t.match(id, /^sb-[0-9a-z]{16}-node-b$/);
  t.equal(nodeOfId(id), 'node-b');
  t.equal(nodeOfId('sb-0123456789abcdef'), undefined, 'an id from before federation names no node');
  t.equal(nodeOfId('not-an-id'), undefined);
  t.equal(nodeOfId(newIdBeside('ss', id)), 'node-b', 'a session of a sandbox is on its node');
  t.match(newIdBeside('snap', 'sb-0123456789abcdef'), /^snap-[0-9a-z]{16}$/);
});

t.test('a request names its owner by the ids in it, two levels deep', async (t) => {
  const b = newId('sb', 'node-b');
  t.equal(ownerNamedBy({ sandboxId: b }, 'node-a'), 'node-b');
  t.equal(ownerNamedBy({ sandboxId: b }, 'node-b'), undefined, 'this node\'s own ids stay here');
  t.equal(ownerNamedBy({ start: { sandboxId: b, argv: ['x'] } }, 'node-a'), 'node-b', 'the first message of a session');
  t.equal(ownerNamedBy({ header: { sandboxId: b } }, 'node-a'), 'node-b', 'the header of a write');
  t.equal(ownerNamedBy({ snapshotId: newId('snap', 'node-c') }, 'node-a'), 'node-c');
  t.equal(ownerNamedBy({ id: 'sb-0123456789abcdef' }, 'node-a'), undefined);
  t.equal(ownerNamedBy({ stdin: Buffer.from('sb-0123456789abcdef-node-b') }, 'node-a'), undefined, 'bytes are never read as ids');
});

const node = (name: string, idle: number, room: number, running = 0, cpus = 2, load = 0): Candidate => ({ node: name, idle, room, running, cpus, load });

t.test('placement: warm pools first, then spread or binpack by free capacity', async (t) => {
  const warm = plan(5, [node('a', 0, 10), node('b', 3, 10), node('c', 2, 10)], 'SPREAD');
  t.same(Object.fromEntries([...warm].map(([n, p]) => [n, [p.count, p.warm]])), { b: [3, 3], c: [2, 2] }, 'every idle sandbox before any cold boot');
  const spread = plan(9, [node('a', 0, 10), node('b', 0, 10), node('c', 0, 10)], 'SPREAD');
  t.same([...spread.values()].map((p) => p.count), [3, 3, 3]);
  const busy = plan(4, [node('a', 0, 10, 8), node('b', 0, 10, 0)], 'SPREAD');
  t.equal(busy.get('b')!.count, 4, 'spread sends cold sandboxes to the less loaded node');
  const pack = plan(4, [node('a', 0, 10, 8), node('b', 0, 10, 0)], 'BINPACK');
  t.equal(pack.get('a')!.count, 4, 'binpack fills the busier node while it has room');
  const full = plan(10, [node('a', 1, 2), node('b', 0, 3)], 'SPREAD');
  t.equal([...full.values()].reduce((n, p) => n + p.count, 0), 5, 'never more than the nodes have room for');
  t.equal(parseStrategy(''), 'SPREAD');
  t.equal(parseStrategy('BINPACK'), 'BINPACK');
  t.throws(() => parseStrategy('RANDOM'), /does not exist/);
});
