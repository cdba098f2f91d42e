// Agents service handlers: validate, call the agent manager, turn its records and events into messages.
// Run and Attach stream an agent's events; the call ending never ends the agent (Abort does).
import type { AgentsHandlers } from '../../../ipc/generated/godel/v1/Agents.js';
import type { Agent } from '../../../ipc/generated/godel/v1/Agent.js';
import type { AgentEvent } from '../../../ipc/generated/godel/v1/AgentEvent.js';
import type { AgentUsage } from '../../../ipc/generated/godel/v1/AgentUsage.js';
import { AGENT_LABEL, splitLabel, type AgentManager, type UsageScope } from '../../agents/agent-manager.js';
import type { StoredEvent } from '../../agents/agent.js';
import { GodelError } from '../../errors.js';
import type { AgentEventRecord, AgentRecord, UsageTotals } from '../../store/store.js';
import { validateEnv, validateId, validateLabels, validateSandboxPath, validateTemplateName } from '../../validation.js';
import type { Observer } from '../observer.js';
import { timestamp } from '../convert.js';
import { serverStream, unary, writeWithBackpressure } from '../respond.js';

/** A prompt is text for a model: a megabyte is far past any context window's worth of instructions. */
const MAX_PROMPT_BYTES = 1024 * 1024;
const MAX_BUDGET_USD = 100_000;
const AGENT_ID_RE = /^ag-[0-9a-z]{16}(-[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)?$/;
const SWARM_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function agentsHandlers(agents: AgentManager, obs: Observer, node: string): AgentsHandlers {
  return {
    Run: serverStream(obs, 'Agents.Run', async (call) => {
      const r = call.request;
      if (!!r.template === !!r.sandboxId) throw new GodelError('INVALID_ARGUMENT', 'give exactly one of template (a new sandbox) and sandbox_id');
      const labels = validateLabels(r.labels);
      if (AGENT_LABEL in labels) throw new GodelError('INVALID_LABEL', `${AGENT_LABEL} is set by the daemon`);
      if (r.budgetUsd !== undefined && r.budgetUsd !== null && !(r.budgetUsd > 0 && r.budgetUsd <= MAX_BUDGET_USD)) {
        throw new GodelError('INVALID_BUDGET', `a budget is more than $0 and at most $${MAX_BUDGET_USD}, not ${r.budgetUsd}`);
      }
      if (r.waitSeconds > 3600) throw new GodelError('INVALID_ARGUMENT', 'wait_seconds is at most 3600');
      const rec = await agents.run({
        template: r.template ? validateTemplateName(r.template) : '',
        sandboxId: r.sandboxId ? validateId(r.sandboxId) : '',
        runtime: r.runtime,
        model: r.model.slice(0, 256),
        prompt: validatePrompt(r.prompt),
        ...(r.budgetUsd !== undefined && r.budgetUsd !== null ? { budgetUsd: r.budgetUsd } : {}),
        env: validateEnv(r.env),
        labels,
        swarmId: r.swarmId ? validateSwarmId(r.swarmId) : '',
        workdir: r.workdir ? validateSandboxPath(r.workdir, 'INVALID_CWD') : '',
        waitSeconds: r.waitSeconds,
      });
      await stream(agents, rec.id, 0, false, call);
    }, (r) => r.sandboxId || undefined),

    Attach: serverStream(obs, 'Agents.Attach', async (call) => {
      const r = call.request;
      const id = validateAgentId(r.agentId);
      agents.get(id);
      await stream(agents, id, r.afterSeq, r.noReplay, call);
    }),

    Send: unary(obs, 'Agents.Send', async (r) => toAgent(agents.send(validateAgentId(r.agentId), validatePrompt(r.prompt)))),
    Abort: unary(obs, 'Agents.Abort', async (r) => toAgent(agents.abort(validateAgentId(r.agentId)))),
    Get: unary(obs, 'Agents.Get', async (r) => toAgent(agents.get(validateAgentId(r.agentId)))),
    List: unary(obs, 'Agents.List', async (r) => ({
      agents: agents.list({ labels: validateLabels(r.labelSelector, 'label selector'), swarmId: r.swarmId, running: r.running }).map(toAgent),
    })),
    Usage: unary(obs, 'Agents.Usage', async (r) => {
      // This node's own agents: a federation's Usage asks each node for its part (federation/views.ts).
      if (r.node && r.node !== node) throw new GodelError('NODE_UNAVAILABLE', `no node named "${r.node.slice(0, 64)}" is known to ${node}`);
      const given = [r.agentId, r.label, r.swarmId].filter(Boolean).length;
      if (given > 1) throw new GodelError('INVALID_ARGUMENT', 'give at most one of agent_id, label and swarm_id');
      const scope: UsageScope = r.agentId ? { agentId: validateAgentId(r.agentId) } : r.label ? { label: validateLabel(r.label) } : r.swarmId ? { swarmId: validateSwarmId(r.swarmId) } : {};
      const u = agents.usage(scope);
      return {
        total: toUsage(u.total), agents: u.agents, budgetUsd: u.budgetUsd, nodes: [node], unreachableNodes: [],
        models: Object.entries(u.byModel).sort(([a], [b]) => a.localeCompare(b)).map(([model, usage]) => ({ model, usage: toUsage(usage) })),
      };
    }),
    SetBudget: unary(obs, 'Agents.SetBudget', async (r) => {
      if (!!r.label === !!r.swarmId) throw new GodelError('INVALID_ARGUMENT', 'give exactly one of label and swarm_id');
      if (!(r.budgetUsd >= 0 && r.budgetUsd <= MAX_BUDGET_USD)) throw new GodelError('INVALID_BUDGET', `a budget is $0 (none) to $${MAX_BUDGET_USD}, not ${r.budgetUsd}`);
      const scope = r.label ? { label: validateLabel(r.label) } : { swarmId: validateSwarmId(r.swarmId) };
      const b = await agents.setBudget(scope, r.budgetUsd);
      return { label: r.label, swarmId: r.swarmId, budgetUsd: b.budgetUsd, spentUsd: b.spentUsd };
    }),
  };
}

async function stream(agents: AgentManager, id: string, afterSeq: number, noReplay: boolean, call: Parameters<typeof writeWithBackpressure<AgentEvent>>[0]): Promise<void> {
  const stop = new AbortController();
  call.on('cancelled', () => stop.abort());
  await agents.attach(id, afterSeq, noReplay, async (e) => { await writeWithBackpressure(call, toEvent(e, agents.get(id))); }, stop.signal);
}

function validatePrompt(p: string): string {
  if (!p.trim()) throw new GodelError('INVALID_PROMPT', 'a prompt is required');
  if (Buffer.byteLength(p) > MAX_PROMPT_BYTES) throw new GodelError('INVALID_PROMPT', `a prompt is at most ${MAX_PROMPT_BYTES} bytes`);
  return p;
}

function validateAgentId(id: string): string {
  if (!AGENT_ID_RE.test(id)) throw new GodelError('INVALID_ID', `"${id.slice(0, 80)}" is not an agent id (ids look like ag-0123456789abcdef)`);
  return id;
}

function validateSwarmId(id: string): string {
  if (!SWARM_ID_RE.test(id)) throw new GodelError('INVALID_ARGUMENT', 'a swarm id is 1-64 letters, digits and . _ -');
  return id;
}

function validateLabel(label: string): string {
  const [k, v] = splitLabel(label);
  validateLabels({ [k]: v });
  return label;
}

export function toAgent(rec: AgentRecord): Agent {
  return {
    id: rec.id, sandboxId: rec.sandboxId, runtime: rec.runtime, model: rec.model, state: `AGENT_${rec.state}` as Agent['state'],
    endReason: rec.endReason, exitCode: rec.exitCode, message: rec.message, labels: rec.labels, swarmId: rec.swarmId,
    budgetUsd: rec.budgetUsd, usage: toUsage(rec.usage), createdAt: timestamp(rec.createdAt),
    endedAt: rec.endedAt ? timestamp(rec.endedAt) : null, template: rec.template, prompts: rec.prompts, events: rec.events,
  };
}

function toUsage(u: Partial<UsageTotals>): AgentUsage {
  return {
    inputTokens: u.inputTokens ?? 0, outputTokens: u.outputTokens ?? 0, cacheReadTokens: u.cacheReadTokens ?? 0,
    cacheWriteTokens: u.cacheWriteTokens ?? 0, costUsd: u.costUsd ?? 0, requests: u.requests ?? 0,
  };
}

function toEvent(rec: AgentEventRecord, agent: AgentRecord): AgentEvent {
  const e = rec.event as StoredEvent;
  const base = { seq: rec.seq, time: timestamp(rec.time), raw: 'raw' in e && typeof e.raw === 'string' ? e.raw : '' };
  switch (e.type) {
    // The agent as it is when the client hears of it (a replay shows its state now).
    case 'started': return { ...base, started: toAgent(agent) };
    case 'prompt': return { ...base, prompt: e.text };
    case 'notice': return { ...base, notice: e.text };
    case 'text': return { ...base, text: { text: e.text } };
    case 'tool_call': return { ...base, toolCall: { callId: e.callId, name: e.name, input: e.input } };
    case 'tool_result': return { ...base, toolResult: { callId: e.callId, output: e.output, isError: e.isError } };
    case 'usage': return { ...base, usage: { model: e.model, usage: toUsage({ ...e.usage, requests: 'source' in e && e.source === 'gateway' ? 1 : 0 }), source: 'source' in e ? e.source : 'cli' } };
    case 'end': return { ...base, end: { reason: e.reason, exitCode: e.exitCode, message: e.message, totals: toUsage({ ...e.totals, requests: 'requests' in e ? e.requests : 0 }) } };
    case 'turn_end': return { ...base, turnEnd: {} };
    case 'raw': return { ...base, unparsed: e.raw };
  }
}
