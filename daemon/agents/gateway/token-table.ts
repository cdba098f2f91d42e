// The gateway's policy on its own thread: the agents the daemon admitted (by token), what each may still
// spend, and the label or swarm budgets the daemon says are spent. A call is decided here, without a
// round trip to the daemon; what the daemon must know (usage, refusals, a token used from the wrong
// sandbox) is reported to it.
//
// An agent's own budget is checked against the spend metered here, so it holds as tightly as when the
// gateway shared the daemon's event loop: the call after the one that spent it is refused. A label's or
// swarm's budget is the daemon's to add up (across agents and peers) and arrives here as a refusal,
// once the usage that spent it has reached the daemon: within a turn of each event loop.
import type { GatewayAuth, GatewayPolicy, Usage } from '../types.js';
import type { GatewayAgent } from './thread-protocol.js';

export interface TokenTableReports {
  usage(agentId: string, model: string, usage: Usage): void;
  refused(agentId: string, why: string): void;
  wrongSandbox(agentId: string, sandboxId: string): void;
}

interface Entry extends GatewayAgent {
  token: string;
}

export class TokenTable implements GatewayPolicy {
  private readonly byToken = new Map<string, Entry>();
  private readonly byAgent = new Map<string, Entry>();

  constructor(private readonly reports: TokenTableReports) {}

  admit(token: string, agent: GatewayAgent): void {
    const old = this.byAgent.get(agent.agentId);
    if (old) this.byToken.delete(old.token);
    const e: Entry = { ...agent, token };
    this.byToken.set(token, e);
    this.byAgent.set(agent.agentId, e);
  }

  /** The agent ended: its token is good for nothing from now on. */
  dismiss(token: string): void {
    const e = this.byToken.get(token);
    if (!e) return;
    this.byToken.delete(token);
    if (this.byAgent.get(e.agentId) === e) this.byAgent.delete(e.agentId);
  }

  scopeRefusal(agentId: string, why: string | undefined): void {
    const e = this.byAgent.get(agentId);
    if (!e) return;
    if (why) e.scopeRefusal = why;
    else delete e.scopeRefusal;
  }

  authorize(token: string, sandboxId: string): GatewayAuth {
    const e = this.byToken.get(token);
    if (!e) return { ok: false, status: 401, code: 'invalid_token', message: 'this token belongs to no running agent (it ended, or never was one)' };
    if (e.sandboxId !== sandboxId) {
      this.reports.wrongSandbox(e.agentId, sandboxId);
      return { ok: false, status: 403, code: 'wrong_sandbox', message: "this token belongs to another sandbox's agent" };
    }
    return { ok: true, agentId: e.agentId, model: e.model, template: e.template };
  }

  refusal(agentId: string): string | undefined {
    const e = this.byAgent.get(agentId);
    if (!e) return 'the agent has ended';
    const why = e.budgetUsd > 0 && e.spentUsd >= e.budgetUsd
      ? `the agent's budget of $${e.budgetUsd.toFixed(2)} is spent ($${e.spentUsd.toFixed(4)})`
      : e.scopeRefusal;
    if (why) this.reports.refused(agentId, why);
    return why;
  }

  record(agentId: string, model: string, usage: Usage): void {
    const e = this.byAgent.get(agentId);
    if (e) e.spentUsd += usage.costUsd;
    // Reported even for an agent that ended meanwhile: its record still takes the call's usage.
    this.reports.usage(agentId, model, usage);
  }
}
