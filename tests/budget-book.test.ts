// The budget book's own rules, on a real store in a temporary directory: budgets traded with peers (the
// one set last wins, a removal too), every node's spend counted, a peer's malformed shares ignored, and
// all of it (removals included) kept across a reopen. The federation that carries the shares is tested
// with real daemons in agents-federation.test.ts.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { BudgetBook } from '../daemon/agents/budget-book.js';
import { Store } from '../daemon/store/store.js';

t.test('budgets shared with peers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'godel-budgets-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = pino({ level: 'silent' });
  let store = await Store.open(dir, log);
  const here: Record<string, number> = { 'swarm:s1': 1.5 };
  let book = new BudgetBook(store, (scope) => here[scope] ?? 0, log);
  await book.load();

  await book.set('swarm:s1', 4);
  t.same(book.outgoing().map((s) => [s.scope, s.budgetUsd, s.spentUsd]), [['swarm:s1', 4, 1.5]], 'shares carry this node\'s spend');
  const setAt = Number(book.outgoing()[0]!.setAtMs);

  book.incoming('node-b', [{ scope: 'swarm:s1', budgetUsd: 9, setAtMs: setAt - 1, spentUsd: 2 }]);
  t.equal(book.budget('swarm:s1'), 4, 'an older set on a peer does not win');
  t.equal(book.spent('swarm:s1'), 3.5, 'the peer\'s spend counts');
  book.incoming('node-c', [{ scope: 'swarm:s1', budgetUsd: 3, setAtMs: setAt + 5, spentUsd: 0.25 }]);
  t.equal(book.budget('swarm:s1'), 3, 'a newer one does');
  t.equal(book.spent('swarm:s1'), 3.75, 'every peer\'s last report counts');
  book.incoming('node-b', [{ scope: 'swarm:s1', budgetUsd: 3, setAtMs: setAt + 5, spentUsd: 2.5 }]);
  t.equal(book.spent('swarm:s1'), 4.25, 'a report replaces that peer\'s last');

  book.incoming('node-b', [
    { scope: 'bogus', budgetUsd: 1, setAtMs: 1, spentUsd: 0 },
    { scope: 'label:team=a', budgetUsd: -1, setAtMs: 1, spentUsd: 0 },
    { scope: 'label:team=a', budgetUsd: Number.POSITIVE_INFINITY, setAtMs: 1, spentUsd: 0 },
    { scope: 'swarm:s2', budgetUsd: 1, setAtMs: 1, spentUsd: Number.NaN },
    { scope: 'label:team=b', budgetUsd: 2, setAtMs: 7, spentUsd: 0.5 },
  ]);
  t.same(book.outgoing().map((s) => s.scope).sort(), ['label:team=b', 'swarm:s1'], 'malformed shares are ignored, a good one beside them is not');

  await book.set('label:team=b', 0);
  t.equal(book.budget('label:team=b'), undefined, 'removed');
  book.incoming('node-c', [{ scope: 'label:team=b', budgetUsd: 2, setAtMs: 7, spentUsd: 0 }]);
  t.equal(book.budget('label:team=b'), undefined, 'a removal wins over the older set a peer still holds');

  await new Promise((r) => setTimeout(r, 50)); // The peers' budgets are stored without being awaited.
  await store.close();
  store = await Store.open(dir, log);
  book = new BudgetBook(store, () => 0, log);
  await book.load();
  t.equal(book.budget('swarm:s1'), 3, 'a budget learnt from a peer survives a reopen');
  t.equal(book.budget('label:team=b'), undefined, 'and so does a removal');
  book.incoming('node-c', [{ scope: 'label:team=b', budgetUsd: 2, setAtMs: 7, spentUsd: 0 }]);
  t.equal(book.budget('label:team=b'), undefined, 'which still wins over the older set');
  await store.close();
});
