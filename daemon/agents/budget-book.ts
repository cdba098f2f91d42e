// Budgets set on a label or a swarm, and what is spent against them, across a federation. A swarm's
// agents run on several nodes, and each node's gateway meters only its own: a budget held by the node
// where it was set would bound that node's agents alone, and a $5 swarm on three nodes could spend $15
// and more. So every node holds every budget (the one set last wins, a removal too, which is why a
// removed budget is kept as 0 rather than forgotten), and each exchange with a peer carries this node's
// spend in each scope; a scope is spent when all nodes' spend together reaches its budget.
//
// Peers' spend is as of their last exchange (every second while they answer), so a swarm can overrun its
// budget by what its agents spend in that time, plus the calls already under way; an unreachable peer's
// last report still counts. Without a federation the book holds this node's budgets alone.
import type { BudgetShare, BudgetShare__Output } from '../../ipc/generated/godel/v1/BudgetShare.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { BudgetRecord, Store } from '../store/store.js';

const SCOPE = /^(label:[^=\s]+=\S*|swarm:[\w.-]+)$/;
/** A peer's reports are dropped once it has said nothing for this long (it left the federation). */
const FORGET_PEER_MS = 10 * 60_000;

interface Entry {
  budgetUsd: number;
  setAt: number;
}

export class BudgetBook {
  private readonly entries = new Map<string, Entry>();
  private readonly peers = new Map<string, { at: number; spent: Map<string, number> }>();
  /** Called after a budget is set here, to tell the peers at once (the daemon's federation does it). */
  onSet: (() => Promise<void>) | undefined;
  /** Called after a budget, or a peer's spend, changed (the agent manager tells the gateway what is spent). */
  onChange: (() => void) | undefined;

  constructor(private readonly store: Store, private readonly spentHere: (scope: string) => number, private readonly log: Logger) {}

  async load(): Promise<void> {
    for (const b of await this.store.loadBudgets()) this.entries.set(b.scope, { budgetUsd: b.budgetUsd, setAt: b.setAt ?? 0 });
  }

  /** The budget of a scope, if one is set. */
  budget(scope: string): number | undefined {
    const e = this.entries.get(scope);
    return e && e.budgetUsd > 0 ? e.budgetUsd : undefined;
  }

  /** What every node has spent in a scope: this one's now, the peers' as last reported. */
  spent(scope: string): number {
    let total = this.spentHere(scope);
    const cutoff = Date.now() - FORGET_PEER_MS;
    for (const p of this.peers.values()) if (p.at >= cutoff) total += p.spent.get(scope) ?? 0;
    return total;
  }

  /** Sets (or with 0 removes) a budget here and, through onSet, on the peers. */
  async set(scope: string, budgetUsd: number): Promise<void> {
    // Later than what this node holds even if its clock is behind the node that set the last one.
    const setAt = Math.max(Date.now(), (this.entries.get(scope)?.setAt ?? 0) + 1);
    await this.store.putBudget({ scope, budgetUsd, setAt });
    this.entries.set(scope, { budgetUsd, setAt });
    this.onChange?.();
    if (this.onSet) {
      await this.onSet().catch((err: unknown) => this.log.warn({ scope, err: errorMessage(err) }, 'a budget could not be told to every peer at once; the next exchange tells them'));
    }
  }

  /** What this node tells its peers: every budget it holds, with its own spend in each scope. */
  outgoing(): BudgetShare[] {
    return [...this.entries].map(([scope, e]) => ({ scope, budgetUsd: e.budgetUsd, setAtMs: e.setAt, spentUsd: this.spentHere(scope) }));
  }

  /** A peer's budgets (a newer set wins) and its spend in each scope. What is malformed is skipped. */
  incoming(node: string, shares: BudgetShare__Output[]): void {
    const spent = new Map<string, number>();
    for (const s of shares) {
      if (!SCOPE.test(s.scope) || !(s.budgetUsd >= 0) || !Number.isFinite(s.budgetUsd) || !(s.setAtMs >= 0) || !(s.spentUsd >= 0) || !Number.isFinite(s.spentUsd)) {
        this.log.warn({ peer: node, scope: s.scope }, 'federation: a peer sent a malformed budget; it is ignored');
        continue;
      }
      spent.set(s.scope, s.spentUsd);
      const mine = this.entries.get(s.scope);
      if (mine && mine.setAt >= s.setAtMs) continue;
      const rec: BudgetRecord = { scope: s.scope, budgetUsd: s.budgetUsd, setAt: s.setAtMs };
      this.entries.set(s.scope, { budgetUsd: s.budgetUsd, setAt: s.setAtMs });
      this.log.info({ peer: node, scope: s.scope, budgetUsd: s.budgetUsd }, 'federation: a budget set on a peer is held here too');
      this.store.putBudget(rec).catch((err: unknown) => this.log.error({ scope: s.scope, err: errorMessage(err) }, 'cannot store a budget a peer sent; it holds until a restart'));
    }
    this.peers.set(node, { at: Date.now(), spent });
    this.onChange?.();
  }
}
