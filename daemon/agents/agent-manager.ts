// The agent manager owns agents: it starts each agent's CLI in a sandbox (a new one of a template, or one
// given), gives it a gateway listener and a token of its own, keeps its record and events in the store,
// and tells the gateway (on its own thread: gateway/thread.ts) which tokens are good and which budgets
// are spent; the gateway reports each call's usage and refusals back (GatewayReports). The real API
// keys stay with the gateway; a sandbox only ever holds its agent's token.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AuditLog } from '../audit/audit-log.js';
import { GodelError, errorMessage } from '../errors.js';
import type { ExecManager } from '../exec/exec-manager.js';
import type { FileManager } from '../files/file-manager.js';
import { newId } from '../ids.js';
import type { Logger } from '../log.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import type { AgentEventRecord, AgentRecord, SandboxRecord, Store, UsageTotals } from '../store/store.js';
import { addTotals, emptyTotals } from './usage-totals.js';
import { SCHEMA_VERSION } from '../store/store.js';
import { RunningAgent, type StoredEvent } from './agent.js';
import { BudgetBook } from './budget-book.js';
import type { AgentsConfig } from './config.js';
import { AGENT_RUNTIME_DIR, FIRST_GATEWAY_PORT, MAX_AGENTS_PER_SANDBOX, cliArgv, gatewayDir, gatewayForwarding, gatewaySocketName, handOverSocketName } from './sandbox-side.js';
import type { GatewayReports } from './gateway/thread.js';
import type { GatewayAgent } from './gateway/thread-protocol.js';
import type { ModelApi, Runtime, RuntimeName, Usage } from './types.js';

/** Which configured provider serves a model, and which API kind that provider speaks. */
export interface ModelRoute {
  provider: string;
  api: 'anthropic' | 'openai';
}

export interface ModelCatalog {
  route(model: string): ModelRoute | undefined;
  models(): string[];
}

/** The gateway, as the manager opens and closes its listeners and tells it of agents (gateway/thread.ts). */
export interface AgentGateway {
  /** `handOverPath`: where the sandbox's forwarder hands over its loopback listener for this one. */
  listenUnix(path: string, sandboxId: string, handOverPath?: string): Promise<unknown>;
  listenTcp(host: string, port: number, sandboxId: string): Promise<number>;
  closeListener(address: string | number): Promise<void>;
  /** `token` is good for `agent`'s calls once this resolves. */
  admit(token: string, agent: GatewayAgent): Promise<void>;
  dismiss(token: string): void;
  /** A label's or swarm's budget the agent spends against is spent (why), or no longer (undefined). */
  scopeRefusal(agentId: string, why: string | undefined): void;
}

export interface RunSpec {
  template: string;
  sandboxId: string;
  runtime: string;
  model: string;
  prompt: string;
  budgetUsd?: number;
  env: Record<string, string>;
  labels: Record<string, string>;
  swarmId: string;
  workdir: string;
  waitSeconds: number;
}

export interface AgentFilter {
  labels: Record<string, string>;
  swarmId: string;
  running: boolean;
}

export type UsageScope = { agentId: string } | { label: string } | { swarmId: string } | Record<string, never>;

/** The providers whose sandboxes agents run in (their boot gives them the CLIs and a way to the gateway). */
const AGENT_PROVIDERS = ['process', 'microvm'];
/** Labels every agent's sandbox gets, so `godelctl ls -l godel.agent=ID` finds it. */
export const AGENT_LABEL = 'godel.agent';
/** Running agents' records and events reach the store at most this often (and synced at start and end). */
const FLUSH_MS = 250;
/** Model calls refused for a spent budget before a CLI that keeps retrying is stopped. */
const MAX_REFUSALS = 3;
/**
 * Environment an agent's CLI never takes from anywhere else: its HOME is the runtime's, and NODE_OPTIONS
 * (which would load code into the Node-based CLIs) is cleared, as a Node daemon's own spawn hooks, a
 * profiler's or a test runner's, would otherwise put theirs into every process it starts.
 */
const OWNED_ENV = ['HOME', 'NODE_OPTIONS'];
/** Where each agent's CLI keeps its config and state inside the sandbox (the sandbox's own tmpfs). */
const agentHome = (id: string): string => `/tmp/agent-home-${id}`;

const API_KIND: Record<ModelApi, ModelRoute['api']> = { 'anthropic-messages': 'anthropic', 'openai-chat': 'openai', 'openai-responses': 'openai' };

export interface AgentManagerOptions {
  node: string;
  stateDir: string;
  config: AgentsConfig;
  catalog: ModelCatalog;
  runtimes: Readonly<Record<RuntimeName, Runtime>>;
  sandboxes: SandboxManager;
  exec: ExecManager;
  files: FileManager;
  store: Store;
  audit: AuditLog;
  log: Logger;
}

interface Live {
  agent: RunningAgent;
  token: string;
  /** The gateway listener: a socket path (own network namespace) or a loopback port (host network). */
  listener: string | number;
  port: number;
  refusals: number;
  /** Set at the first model call refused for a spent budget: the agent then ends with reason `budget`. */
  budgetMessage?: string;
  /** The scope refusal the gateway was last told for this agent. */
  scopeRefusal?: string;
}

export class AgentManager implements GatewayReports {
  private readonly records = new Map<string, AgentRecord>();
  private readonly live = new Map<string, Live>();
  /** Label and swarm budgets, held with the federation's peers (budget-book.ts). */
  readonly budgets: BudgetBook;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly dirty = new Set<string>();
  private gateway: AgentGateway | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private endedCounter: Counter<'runtime' | 'reason'> | undefined;

  constructor(private readonly opts: AgentManagerOptions) {
    this.budgets = new BudgetBook(opts.store, (scope) => this.spentHere(scope), opts.log);
    this.budgets.onChange = () => this.refreshScopeRefusals();
  }

  /** The gateway is made with this manager as its policy, so it is given afterwards. */
  setGateway(gateway: AgentGateway): void {
    this.gateway = gateway;
  }

  async start(): Promise<void> {
    await this.budgets.load();
    const expired = Date.now() - this.opts.config.retentionDays * 86_400_000;
    for (const rec of await this.opts.store.loadAgents()) {
      if (rec.state === 'ENDED' && rec.endedAt < expired) {
        await this.opts.store.removeAgent(rec.id);
        continue;
      }
      this.records.set(rec.id, rec);
      // A CLI runs as a command of this daemon's: one of a daemon that stopped or crashed is gone with it.
      if (rec.state !== 'ENDED') {
        rec.state = 'ENDED';
        rec.endReason = 'error';
        rec.exitCode = -1;
        rec.message = 'the daemon stopped while the agent ran';
        rec.endedAt = Date.now();
        const end: AgentEventRecord = { v: SCHEMA_VERSION, seq: rec.events + 1, time: rec.endedAt, event: endEvent(rec) };
        rec.events = end.seq;
        await this.opts.store.putAgent(rec, [end], 'synced');
      }
    }
    this.unsubscribe = this.opts.sandboxes.onEvent(({ event }) => {
      if (!['deleting', 'deleted', 'failed', 'stopped'].includes(event.type)) return;
      const what = event.type === 'failed' ? 'marked FAILED' : event.type === 'stopped' ? 'stopped' : 'deleted';
      for (const l of this.live.values()) {
        if (l.agent.rec.sandboxId === event.sandboxId) l.agent.stop({ reason: 'error', exitCode: -1, message: `its sandbox ${event.sandboxId} was ${what} while the agent ran` });
      }
    });
    // Off the event loop: every sandbox's removal comes here, and a synchronous rmdir waits on the file
    // system's journal behind the store's fsyncs (1.8 ms a delete here, which handoffs queued behind).
    this.opts.sandboxes.onRemoved((rec) => rm(gatewayDir(this.opts.stateDir, rec.id), { recursive: true, force: true }));
  }

  /** Ends every running agent (the daemon is stopping: its commands stop with it) and writes their records. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    const ends = [...this.live.values()].map((l) => {
      l.agent.stop({ reason: 'error', exitCode: -1, message: 'the daemon stopped while the agent ran' });
      return l.agent.exited;
    });
    await Promise.all(ends);
    // Each agent's end is written by its own exit handler; wait for those writes too.
    await this.flush();
    clearTimeout(this.flushTimer);
  }

  /** Starts an agent; resolves once its CLI runs (or with the agent already ended, when it could not start). */
  async run(spec: RunSpec): Promise<AgentRecord> {
    if (this.stopped) throw new GodelError('SHUTTING_DOWN', 'the daemon is stopping');
    const runtime = this.opts.runtimes[spec.runtime as RuntimeName];
    if (!runtime) throw new GodelError('UNKNOWN_RUNTIME', `"${spec.runtime.slice(0, 64)}" is not a runtime (${Object.keys(this.opts.runtimes).join(', ')})`);
    if (!existsSync(runtime.binary(this.opts.config.runtimeDir))) {
      throw new GodelError('RUNTIME_NOT_INSTALLED', `the ${runtime.name} CLI is not installed on this node (looked for ${runtime.binary(this.opts.config.runtimeDir)}); run \`bash scripts/setup.sh\`, which installs the pinned agent CLIs`);
    }
    const model = spec.model || this.opts.config.defaultModels[runtime.name];
    const route = this.opts.catalog.route(model);
    if (!route) throw new GodelError('UNKNOWN_MODEL', `"${model.slice(0, 128)}" is not a model this daemon knows (known: ${this.opts.catalog.models().join(', ')})`);
    const api = runtime.apis.find((a) => API_KIND[a] === route.api);
    if (!api) throw new GodelError('UNKNOWN_MODEL', `${model} is served by the ${route.provider} provider (${route.api} API), which the ${runtime.name} CLI cannot speak`);
    const spent = this.spentBudget(spec.labels, spec.swarmId);
    if (spent) throw new GodelError('BUDGET_SPENT', spent);
    // An agent whose end is being stored is still in `live` but holds no slot.
    const running = [...this.live.values()].filter((l) => !l.agent.ended).length;
    if (running >= this.opts.config.maxRunning) throw new GodelError('TOO_MANY_AGENTS', `${running} agents are running on this node, its limit (agents.max_running)`);
    if (!this.gateway) throw new GodelError('PROVIDER_UNAVAILABLE', 'the model gateway is not running');

    const id = newId('ag', this.opts.node);
    const sandbox = spec.sandboxId ? this.usableSandbox(spec.sandboxId, runtime.name) : await this.newSandbox(spec, id, runtime.name);
    const ownSandbox = !spec.sandboxId;
    const rec: AgentRecord = {
      v: SCHEMA_VERSION, id, sandboxId: sandbox.id, template: sandbox.template, runtime: runtime.name, model, state: 'STARTING',
      endReason: '', exitCode: 0, message: '', labels: spec.labels, swarmId: spec.swarmId, budgetUsd: spec.budgetUsd ?? 0,
      usage: emptyTotals(), byModel: {}, createdAt: Date.now(), endedAt: 0, prompts: 1, events: 0,
    };
    const agent = new RunningAgent(rec, runtime, spec.waitSeconds * 1000, () => this.markDirty(id));
    const token = `godel-agent-${randomBytes(24).toString('base64url')}`;
    let live: Live | undefined;
    try {
      const { listener, port } = await this.openListener(sandbox);
      live = { agent, token, listener, port, refusals: 0 };
      this.records.set(id, rec);
      this.live.set(id, live);
      // Asked again: a label's or swarm's budget may have been spent while the sandbox was made.
      live.scopeRefusal = this.spentBudget(spec.labels, spec.swarmId);
      await this.gateway.admit(token, {
        agentId: id, sandboxId: sandbox.id, model, template: sandbox.template, budgetUsd: rec.budgetUsd, spentUsd: 0,
        ...(live.scopeRefusal ? { scopeRefusal: live.scopeRefusal } : {}),
      });
      agent.push({ type: 'started' });
      agent.push({ type: 'prompt', text: spec.prompt });
      await this.save(rec, agent, 'synced');

      const hostNetwork = sandbox.network === 'host';
      const gatewayUrl = `http://127.0.0.1:${port}/p/${route.provider}`;
      const home = agentHome(id);
      const options = { model, gatewayUrl, api, token, home, runtimeDir: AGENT_RUNTIME_DIR, workdir: spec.workdir || '/workspace' };
      const launch = runtime.launch(options);
      for (const k of Object.keys(spec.env)) {
        if (k in launch.env || OWNED_ENV.includes(k)) throw new GodelError('INVALID_ENV', `${k} is set by the ${runtime.name} runtime and cannot be given`);
      }
      await this.writeFiles(sandbox.id, home, launch.files);
      // A process sandbox's forwarder listens on the loopback port (own network namespace), hands the
      // listener to the gateway and then becomes the CLI.
      const listen = hostNetwork ? [] : gatewayForwarding(port);
      const argv = cliArgv(sandbox.provider, listen, OWNED_ENV.filter((k) => k !== 'HOME'), launch.argv);
      const run = this.opts.exec.start({ sandboxId: sandbox.id, argv, env: { ...spec.env, HOME: home, ...launch.env }, cwd: spec.workdir, timeoutMs: 0 });
      agent.attach(run.command, spec.prompt, options);
      rec.state = 'RUNNING';
      this.markDirty(id);
      void agent.exited.then((r) => this.ended(live!, r));
      this.opts.log.info({ agent: id, sandbox: sandbox.id, runtime: runtime.name, model }, 'agent started');
      return rec;
    } catch (err) {
      if (live) {
        await this.endWith(live, { reason: 'error', exitCode: -1, message: `the agent could not start: ${errorMessage(err)}` });
        return rec;
      }
      if (ownSandbox) {
        await this.opts.sandboxes.delete(sandbox.id, 'its agent could not start').catch((e: unknown) =>
          this.opts.log.warn({ sandbox: sandbox.id, err: errorMessage(e) }, 'cannot delete the sandbox of an agent that could not start'));
      }
      throw err;
    }
  }

  get(id: string): AgentRecord {
    const rec = this.records.get(id);
    if (!rec) throw new GodelError('AGENT_NOT_FOUND', `no agent ${id.slice(0, 80)}`);
    return rec;
  }

  list(f: AgentFilter): AgentRecord[] {
    return [...this.records.values()]
      .filter((r) => (!f.swarmId || r.swarmId === f.swarmId) && (!f.running || r.state !== 'ENDED')
        && Object.entries(f.labels).every(([k, v]) => r.labels[k] === v))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  send(id: string, prompt: string): AgentRecord {
    const rec = this.get(id);
    const l = this.live.get(id);
    if (!l || rec.state === 'ENDED') throw new GodelError('AGENT_ENDED', `agent ${id} has ended (${rec.endReason}); start another`);
    if (!l.agent.runtime.canSend) throw new GodelError('FOLLOW_UP_NOT_SUPPORTED', `the ${rec.runtime} runtime takes one prompt per agent (its CLI has no follow-up input)`);
    if (!l.agent.takesFollowUps()) throw new GodelError('AGENT_ENDED', `agent ${id} is ending and takes no more prompts`);
    l.agent.followUp(prompt);
    return rec;
  }

  abort(id: string): AgentRecord {
    const rec = this.get(id);
    const l = this.live.get(id);
    if (!l || rec.state === 'ENDED') throw new GodelError('AGENT_ENDED', `agent ${id} has already ended (${rec.endReason})`);
    l.agent.stop({ reason: 'aborted', exitCode: -1, message: 'aborted by a client' });
    return rec;
  }

  /**
   * Streams an agent's events after `afterSeq` (none of the past with `noReplay`), then live ones until it
   * ends or `signal` aborts. `write` applies backpressure.
   */
  async attach(id: string, afterSeq: number, noReplay: boolean, write: (e: AgentEventRecord) => Promise<void>, signal: AbortSignal): Promise<void> {
    const rec = this.get(id);
    const l = this.live.get(id);
    let next = noReplay ? (l ? l.agent.lastSeq : rec.events) + 1 : afterSeq + 1;
    if (!l) {
      if (!noReplay) for (const e of await this.storedEvents(id, afterSeq)) await write(e);
      return;
    }
    const agent = l.agent;
    while (!signal.aborted) {
      const changed = agent.changed();
      // A running agent's events are all in memory, seq n at n - 1.
      while (next <= agent.lastSeq && !signal.aborted) {
        const e = agent.events[next - 1];
        next++;
        if (e) await write(e);
      }
      if (agent.ended && next > agent.lastSeq) return;
      await Promise.race([changed, new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))]);
    }
  }

  usage(scope: UsageScope): { total: UsageTotals; byModel: Record<string, UsageTotals>; agents: number; budgetUsd: number } {
    let recs: AgentRecord[];
    let budgetUsd = 0;
    if ('agentId' in scope) {
      recs = [this.get(scope.agentId)];
      budgetUsd = recs[0]!.budgetUsd;
    } else if ('label' in scope) {
      const [k, v] = splitLabel(scope.label);
      recs = [...this.records.values()].filter((r) => r.labels[k] === v);
      budgetUsd = this.budgets.budget(`label:${scope.label}`) ?? 0;
    } else if ('swarmId' in scope) {
      recs = [...this.records.values()].filter((r) => r.swarmId === scope.swarmId);
      budgetUsd = this.budgets.budget(`swarm:${scope.swarmId}`) ?? 0;
    } else {
      recs = [...this.records.values()];
    }
    const total = emptyTotals();
    const byModel: Record<string, UsageTotals> = {};
    for (const r of recs) {
      addTotals(total, r.usage);
      for (const [m, u] of Object.entries(r.byModel)) addTotals((byModel[m] ??= emptyTotals()), u);
    }
    return { total, byModel, agents: recs.length, budgetUsd };
  }

  async setBudget(scope: { label: string } | { swarmId: string }, budgetUsd: number): Promise<{ scope: string; budgetUsd: number; spentUsd: number }> {
    const key = 'label' in scope ? `label:${scope.label}` : `swarm:${scope.swarmId}`;
    await this.budgets.set(key, budgetUsd);
    return { scope: key, budgetUsd, spentUsd: this.budgets.spent(key) };
  }

  /** What this node's agents have spent in a budget's scope (`label:K=V` or `swarm:ID`). */
  private spentHere(scope: string): number {
    if (scope.startsWith('label:')) return this.usage({ label: scope.slice('label:'.length) }).total.costUsd;
    if (scope.startsWith('swarm:')) return this.usage({ swarmId: scope.slice('swarm:'.length) }).total.costUsd;
    return 0;
  }

  // GatewayReports: what the gateway tells of its calls.

  wrongSandbox(agentId: string, sandboxId: string): void {
    this.opts.log.warn({ agent: agentId, sandbox: sandboxId }, 'an agent token was used from another sandbox; refused');
    this.live.get(agentId)?.agent.push({ type: 'notice', text: `its token was used from sandbox ${sandboxId}, and refused` });
  }

  refused(agentId: string, why: string): void {
    const l = this.live.get(agentId);
    if (!l) return;
    l.refusals++;
    l.agent.push({ type: 'notice', text: `a model call was refused: ${why}` });
    // The CLI is told (the API's own answer), and gets a few calls to stop by itself; then it is stopped.
    if (l.refusals >= MAX_REFUSALS) l.agent.stop({ reason: 'budget', exitCode: -1, message: why });
    l.budgetMessage ??= why;
  }

  record(agentId: string, model: string, usage: Usage): void {
    const l = this.live.get(agentId);
    const rec = l?.agent.rec ?? this.records.get(agentId);
    if (!rec) return;
    const u: UsageTotals = { ...usage, requests: 1 };
    addTotals(rec.usage, u);
    addTotals((rec.byModel[model] ??= emptyTotals()), u);
    l?.agent.push({ type: 'usage', usage, model, source: 'gateway' });
    this.opts.audit.modelCall({ api: 'ModelCall', sandboxId: rec.sandboxId, agentId, model, status: 'OK', usage: u });
    this.markDirty(agentId);
    if (rec.swarmId || Object.keys(rec.labels).length) this.refreshScopeRefusals();
  }

  /**
   * Tells the gateway which running agents spend against a label or swarm budget that is spent (or no
   * longer is): after each call's usage, and whenever a budget or a peer's spend changes. Cheap where no
   * budget is set: the scope's spend is only added up for a scope that has one.
   */
  private refreshScopeRefusals(): void {
    if (!this.gateway) return;
    // Each scope's spend is added up once per refresh, however many agents spend against it.
    const spent = new Map<string, number>();
    for (const [id, l] of this.live) {
      if (l.agent.ended) continue;
      const why = this.spentBudget(l.agent.rec.labels, l.agent.rec.swarmId, spent);
      // Told when it changes between spent and not: the amount in the message is as of the first refusal.
      if (!why === !l.scopeRefusal) continue;
      l.scopeRefusal = why;
      this.gateway.scopeRefusal(id, why);
    }
  }

  /** Each runtime's CLI (installed or not) and default model, and the models agents may ask for. */
  capabilities(): { runtimes: Array<{ name: string; installed: boolean; message: string; defaultModel: string }>; models: string[] } {
    const runtimes = Object.values(this.opts.runtimes).map((r) => {
      const bin = r.binary(this.opts.config.runtimeDir);
      const installed = existsSync(bin);
      return { name: r.name, installed, message: installed ? bin : `not installed (${bin}); bash scripts/setup.sh installs it`, defaultModel: this.opts.config.defaultModels[r.name] };
    });
    return { runtimes, models: this.opts.catalog.models() };
  }

  /** `godel_agents_running{runtime}` and `godel_agents_ended_total{runtime,reason}` (never an id in a label). */
  registerMetrics(registry: Registry): void {
    const live = this.live;
    new Gauge({
      name: 'godel_agents_running', help: 'Agents whose CLI runs now, by runtime', labelNames: ['runtime'], registers: [registry],
      collect() {
        this.reset();
        for (const l of live.values()) if (!l.agent.ended) this.inc({ runtime: l.agent.rec.runtime });
      },
    });
    this.endedCounter = new Counter({ name: 'godel_agents_ended_total', help: 'Agents that ended, by runtime and reason (done, budget, aborted, error)', labelNames: ['runtime', 'reason'], registers: [registry] });
  }

  /** `memo`: spend per scope already added up in this pass. */
  private spentBudget(labels: Record<string, string>, swarmId: string, memo?: Map<string, number>): string | undefined {
    const spentIn = (scope: string): number => {
      let s = memo?.get(scope);
      if (s === undefined) {
        s = this.budgets.spent(scope);
        memo?.set(scope, s);
      }
      return s;
    };
    for (const [k, v] of Object.entries(labels)) {
      const budget = this.budgets.budget(`label:${k}=${v}`);
      if (budget === undefined) continue;
      const spent = spentIn(`label:${k}=${v}`);
      if (spent >= budget) return `the budget of $${budget.toFixed(2)} for label ${k}=${v} is spent ($${spent.toFixed(4)})`;
    }
    const swarmBudget = swarmId ? this.budgets.budget(`swarm:${swarmId}`) : undefined;
    if (swarmBudget !== undefined) {
      const spent = spentIn(`swarm:${swarmId}`);
      if (spent >= swarmBudget) return `the budget of $${swarmBudget.toFixed(2)} for swarm ${swarmId} is spent ($${spent.toFixed(4)})`;
    }
    return undefined;
  }

  private usableSandbox(id: string, runtime: RuntimeName): SandboxRecord {
    const { sandbox } = this.opts.sandboxes.runnable(id);
    this.checkProvider(sandbox.provider, sandbox.template);
    const why = sandbox.handle?.agentsUnavailable;
    if (why === undefined) throw new GodelError('NOT_SUPPORTED', `sandbox ${id} was booted by a daemon without agents; create a new one`);
    if (why) throw new GodelError('NOT_SUPPORTED', `agents cannot run in sandbox ${id}: it was ${why}`);
    const missing = this.missingCli(sandbox, runtime);
    if (missing) throw missing;
    return sandbox;
  }

  private async newSandbox(spec: RunSpec, agentId: string, runtime: RuntimeName): Promise<SandboxRecord> {
    const template = this.opts.sandboxes.template(spec.template || 'default');
    this.checkProvider(template.spec.provider, template.name);
    const sandbox = await this.opts.sandboxes.create({ template: template.name, labels: { ...spec.labels, [AGENT_LABEL]: agentId }, env: {}, ttlSeconds: 0 });
    const why = sandbox.handle?.agentsUnavailable;
    const missing = why ? new GodelError('NOT_SUPPORTED', `agents cannot run in sandboxes of template ${template.name} on this node: they are ${why}`) : this.missingCli(sandbox, runtime);
    if (missing) {
      await this.opts.sandboxes.delete(sandbox.id, 'agents cannot run in it');
      throw missing;
    }
    return sandbox;
  }

  /** A VM has the CLIs its agents disk was built with (agentRuntimes); a process sandbox the host's, checked before. */
  private missingCli(sandbox: SandboxRecord, runtime: RuntimeName): GodelError | undefined {
    const onDisk = sandbox.handle?.agentRuntimes;
    if (typeof onDisk !== 'string' || onDisk.split(' ').includes(runtime)) return undefined;
    return new GodelError('RUNTIME_NOT_INSTALLED', `the ${runtime} CLI is not on the agents disk sandbox ${sandbox.id} was booted with (it has: ${onDisk || 'none'}); run \`bash scripts/setup.sh\` and rebuild the disk with \`bash scripts/build-agents-image.sh\``);
  }

  private checkProvider(provider: string, template: string): void {
    if (!AGENT_PROVIDERS.includes(provider)) {
      throw new GodelError('NOT_SUPPORTED', `agents run in ${AGENT_PROVIDERS.join(' and ')} sandboxes; template ${template} uses the ${provider} provider`);
    }
  }

  /** A listener of the gateway for one agent, reachable from its sandbox, and the loopback port the CLI uses. */
  private async openListener(sandbox: SandboxRecord): Promise<{ listener: string | number; port: number }> {
    const gateway = this.gateway!;
    const { provider } = this.opts.sandboxes.runnable(sandbox.id);
    if (sandbox.network === 'host' && !provider.connectGateway) {
      const port = await gateway.listenTcp('127.0.0.1', 0, sandbox.id);
      return { listener: port, port };
    }
    const used = new Set([...this.live.values()].filter((l) => l.agent.rec.sandboxId === sandbox.id).map((l) => l.port));
    let port = FIRST_GATEWAY_PORT;
    while (used.has(port)) port++;
    if (port >= FIRST_GATEWAY_PORT + MAX_AGENTS_PER_SANDBOX) throw new GodelError('TOO_MANY_AGENTS', `sandbox ${sandbox.id} already runs ${MAX_AGENTS_PER_SANDBOX} agents`);
    const dir = gatewayDir(this.opts.stateDir, sandbox.id);
    const path = join(dir, gatewaySocketName(port));
    rmSync(path, { force: true }); // Left by an agent of a daemon that crashed.
    // A VM's gateway sockets are the daemon's alone (its provider connects the guest's port to them); a
    // process sandbox's directory was made at its boot, to be bound into it.
    if (provider.connectGateway) mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A VM's guest agent carries its connections; a process sandbox's forwarder hands its listener over.
    await gateway.listenUnix(path, sandbox.id, provider.connectGateway ? undefined : join(dir, handOverSocketName(port)));
    try {
      await provider.connectGateway?.(sandbox.id, sandbox.handle!, dir);
    } catch (err) {
      await gateway.closeListener(path);
      rmSync(path, { force: true });
      throw err;
    }
    return { listener: path, port };
  }

  private async writeFiles(sandboxId: string, home: string, files: Array<{ path: string; content: string }>): Promise<void> {
    await this.opts.files.makeDir(sandboxId, home, true, 0o700);
    for (const f of files) {
      const dir = f.path.slice(0, f.path.lastIndexOf('/'));
      if (dir && dir !== home) await this.opts.files.makeDir(sandboxId, dir, true, 0o700);
      const w = await this.opts.files.write(sandboxId, f.path, 'TRUNCATE', 0o600, false);
      w.input.end(f.content);
      await w.done;
    }
  }

  /** The CLI has exited: how the agent ended. Its sandbox stays for its files (its TTL and idle timeout apply). */
  private async ended(l: Live, r: { exitCode: number; signal: string; reported?: { reason: string; message: string } }): Promise<void> {
    const stopped = l.agent.stoppedFor();
    const exitCode = r.signal ? -1 : r.exitCode;
    const tail = l.agent.stderr();
    let ending;
    if (stopped?.reason === 'aborted' || stopped?.reason === 'error') ending = { ...stopped, exitCode };
    else if (stopped?.reason === 'budget' || l.budgetMessage) ending = { reason: 'budget' as const, exitCode, message: stopped?.message ?? l.budgetMessage! };
    else if (r.reported && r.reported.reason !== 'done') ending = { reason: r.reported.reason as 'error', exitCode, message: r.reported.message };
    else if (r.exitCode !== 0 || r.signal) ending = { reason: 'error' as const, exitCode, message: `the ${l.agent.rec.runtime} CLI ${r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`}${tail ? `: ${tail.slice(-500)}` : ''}` };
    else ending = { reason: 'done' as const, exitCode, message: r.reported?.message ?? '' };
    if (l.agent.droppedEvents()) ending.message += ` (${l.agent.droppedEvents()} events past the limit of the stream were not kept)`;
    await this.endWith(l, ending);
  }

  private async endWith(l: Live, ending: { reason: string; exitCode: number; message: string }): Promise<void> {
    const rec = l.agent.rec;
    this.gateway?.dismiss(l.token);
    await this.gateway?.closeListener(l.listener).catch((err: unknown) => this.opts.log.warn({ agent: rec.id, err: errorMessage(err) }, 'cannot close an agent gateway listener'));
    if (typeof l.listener === 'string') rmSync(l.listener, { force: true });
    rec.state = 'ENDED';
    rec.endReason = ending.reason;
    rec.exitCode = ending.exitCode;
    rec.message = ending.message;
    rec.endedAt = Date.now();
    l.agent.push(endEvent(rec) as StoredEvent);
    l.agent.finish();
    this.endedCounter?.inc({ runtime: rec.runtime, reason: rec.endReason });
    await this.save(rec, l.agent, 'synced');
    // Live until its end is stored: an attach meanwhile streams from memory, end included, where one
    // that found no live agent would replay a store that does not hold the end yet.
    this.live.delete(rec.id);
    this.opts.log.info({ agent: rec.id, reason: rec.endReason, exitCode: rec.exitCode, costUsd: rec.usage.costUsd }, 'agent ended');
  }

  private async storedEvents(id: string, afterSeq: number): Promise<AgentEventRecord[]> {
    return this.opts.store.loadAgentEvents(id, afterSeq);
  }

  private markDirty(id: string): void {
    this.dirty.add(id);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, FLUSH_MS);
    this.flushTimer.unref();
  }

  private async flush(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    await Promise.all(ids.map(async (id) => {
      const l = this.live.get(id);
      const rec = this.records.get(id);
      if (l) await this.save(l.agent.rec, l.agent, 'lazy');
      else if (rec) await this.opts.store.putAgent(rec, [], 'lazy');
    }));
  }

  private async save(rec: AgentRecord, agent: RunningAgent, durability: 'synced' | 'lazy'): Promise<void> {
    const events = agent.unsaved;
    agent.unsaved = [];
    try {
      await this.opts.store.putAgent(rec, events, durability);
    } catch (err) {
      // Kept for the next write; the agent goes on (a full disk is the operator's to fix).
      agent.unsaved = [...events, ...agent.unsaved];
      this.opts.log.error({ agent: rec.id, err: errorMessage(err) }, 'cannot store an agent\'s events');
    }
  }
}

function endEvent(rec: AgentRecord): StoredEvent {
  const u = rec.usage;
  const totals = { inputTokens: u.inputTokens, outputTokens: u.outputTokens, cacheReadTokens: u.cacheReadTokens, cacheWriteTokens: u.cacheWriteTokens, costUsd: u.costUsd };
  return { type: 'end', reason: rec.endReason as 'done', exitCode: rec.exitCode, message: rec.message, totals, requests: u.requests };
}

export function splitLabel(label: string): [string, string] {
  const at = label.indexOf('=');
  if (at <= 0) throw new GodelError('INVALID_LABEL', `a label is KEY=VALUE, not "${label.slice(0, 80)}"`);
  return [label.slice(0, at), label.slice(at + 1)];
}
