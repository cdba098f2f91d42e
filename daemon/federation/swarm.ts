// Swarms: many sandboxes of one template placed over the nodes as one request, and worked on as one.
// Placement is warm-first (idle sandboxes of the same template spec, anywhere), then by free capacity:
// `spread` sends each cold sandbox to the least loaded node, `binpack` fills the busiest node that still
// has room (the score follows E2B's: (running + placed now + load/2) / (4 x cpus)). A node that answers
// RESOURCE_EXHAUSTED is skipped and its share placed on the next; any other failure excludes it for the
// rest of the request. Every member carries the label swarm=<id>.
import { customAlphabet } from 'nanoid';
import * as grpc from '@grpc/grpc-js';
import type { ExecEvent } from '../../ipc/generated/godel/v1/ExecEvent.js';
import type { NodeInfo } from '../../ipc/generated/godel/v1/NodeInfo.js';
import type { Sandbox } from '../../ipc/generated/godel/v1/Sandbox.js';
import type { SpawnSwarmEvent } from '../../ipc/generated/godel/v1/SpawnSwarmEvent.js';
import type { SpawnSwarmRequest__Output } from '../../ipc/generated/godel/v1/SpawnSwarmRequest.js';
import type { SwarmExecEvent } from '../../ipc/generated/godel/v1/SwarmExecEvent.js';
import type { SwarmExecRequest__Output } from '../../ipc/generated/godel/v1/SwarmExecRequest.js';
import type { SwarmInfo } from '../../ipc/generated/godel/v1/SwarmInfo.js';
import type { SwarmPlacement } from '../../ipc/generated/godel/v1/SwarmPlacement.js';
import { ERROR_CODE_METADATA_KEY } from '../../ipc/errors.js';
import { GodelError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import { validateArgv, validateEnv, validateLabels, validateSandboxPath, validateTimeout, validateTtl } from '../validation.js';
import type { RelayCaller } from '../../ipc/generated/godel/v1/RelayCaller.js';
import type { Cluster } from './cluster.js';
import { errorOfStatus } from './cluster.js';
import { toSandbox } from '../server/convert.js';
import { federatedSandboxList } from './views.js';
import { nodeInfo } from './node-info.js';

export const SWARM_LABEL = 'swarm';
export const MAX_SWARM = 1000;
const ATTEMPTS = 3;
/** Members a Swarm.Exec runs in at once. */
const EXEC_CONCURRENCY = 64;
const newSwarmId = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 12);
const SPAWN = '/godel.v1.Swarm/Spawn';
const SWARM_ID_RE = /^sw-[0-9a-z]{12}$/;

export type Strategy = 'SPREAD' | 'BINPACK';

export interface Candidate {
  node: string;
  idle: number;
  room: number;
  cpus: number;
  running: number;
  load: number;
}

/** How many sandboxes each node gets, and how many of them from its warm pool. */
export function plan(count: number, candidates: Candidate[], strategy: Strategy): Map<string, { count: number; warm: number }> {
  const out = new Map<string, { count: number; warm: number }>();
  const left = candidates.map((c) => ({ ...c, placed: 0 }));
  const give = (c: (typeof left)[number], warm: boolean): void => {
    const e = out.get(c.node) ?? { count: 0, warm: 0 };
    e.count++;
    if (warm) { e.warm++; c.idle--; }
    c.room--;
    c.placed++;
    out.set(c.node, e);
  };
  let remaining = count;
  // Warm first: spread takes from the node with the most idle left each time; binpack drains one node first.
  while (remaining > 0) {
    const warm = left.filter((c) => c.idle > 0 && c.room > 0);
    if (!warm.length) break;
    warm.sort((a, b) => (strategy === 'SPREAD' ? b.idle - a.idle : b.idle + b.placed - (a.idle + a.placed)) || a.node.localeCompare(b.node));
    give(warm[0]!, true);
    remaining--;
  }
  const score = (c: (typeof left)[number]): number => (c.running + c.placed + 0.5 * c.load) / (4 * Math.max(1, c.cpus));
  while (remaining > 0) {
    const open = left.filter((c) => c.room > 0);
    if (!open.length) break;
    open.sort((a, b) => (strategy === 'SPREAD' ? score(a) - score(b) : score(b) - score(a)) || a.node.localeCompare(b.node));
    give(open[0]!, false);
    remaining--;
  }
  return out;
}

export function parseStrategy(s: string | undefined): Strategy {
  if (!s || s === 'PLACEMENT_STRATEGY_UNSPECIFIED' || s === 'SPREAD') return 'SPREAD';
  if (s === 'BINPACK') return 'BINPACK';
  throw new GodelError('INVALID_STRATEGY', `placement strategy "${String(s).slice(0, 32)}" does not exist: use SPREAD or BINPACK`);
}

function candidateOf(info: NodeInfo, template: string, specHash: string): Candidate | undefined {
  const pool = info.pools?.find((p) => p.template === template && p.specHash === specHash);
  if (!pool) return undefined;
  return {
    node: info.name!, idle: Number(pool.idle ?? 0), room: Number(pool.room ?? 0), cpus: Number(info.capacity?.cpus ?? 1),
    running: Number(info.capacity?.sandboxesRunning ?? 0), load: Number(info.capacity?.load1 ?? 0),
  };
}

type Sink<T> = (e: T) => Promise<boolean> | boolean;

export class SwarmCoordinator {
  constructor(private readonly cluster: Cluster, private readonly sandboxes: SandboxManager, private readonly log: Logger) {}

  /**
   * Places a swarm (or, with `node` set to this node, this node's share of one), streaming each member.
   * `internal`: the call came from a node placing a swarm (a relay, or this node itself), the only callers
   * that may set `node` and `swarm_id`. `signal` ends the placement when the caller goes away.
   */
  async spawn(req: SpawnSwarmRequest__Output, caller: RelayCaller, send: Sink<SpawnSwarmEvent>, opts: { internal: boolean; signal: AbortSignal }): Promise<void> {
    if ((req.node || req.swarmId) && !opts.internal) {
      throw new GodelError('INVALID_ARGUMENT', 'node and swarm_id are set by the node that places a swarm, not by its clients');
    }
    if (req.node && !SWARM_ID_RE.test(req.swarmId)) throw new GodelError('INVALID_ID', `"${req.swarmId.slice(0, 64)}" is not a swarm id`);
    if (!req.count || req.count > MAX_SWARM) throw new GodelError('INVALID_COUNT', `count must be 1 to ${MAX_SWARM}, not ${req.count}`);
    const strategy = parseStrategy(req.strategy as string);
    const labels = validateLabels(req.labels);
    if (labels[SWARM_LABEL] !== undefined && !req.node) throw new GodelError('INVALID_LABEL', `the label "${SWARM_LABEL}" is set by Swarm.Spawn itself`);
    validateEnv(req.env);
    validateTtl(req.ttlSeconds);
    const template = this.sandboxes.template(req.template || 'default');
    if (req.node) {
      if (req.node !== this.cluster.self) throw new GodelError('INVALID_ARGUMENT', `a swarm share for node ${req.node} was sent to ${this.cluster.self}`);
      await this.spawnHere(req, send, opts.signal);
      return;
    }
    const swarmId = `sw-${newSwarmId()}`;
    const started = process.hrtime.bigint();
    await this.cluster.federation?.membership.refreshNow();
    const infos = [this.cluster.federation?.selfInfo() ?? nodeInfo(this.cluster.self, '', this.sandboxes), ...(this.cluster.federation?.membership.reachable().map((m) => m.info!).filter(Boolean) ?? [])] as NodeInfo[];
    let candidates = infos.map((i) => candidateOf(i, template.name, template.specHash)).filter((c): c is Candidate => !!c);
    for (const i of infos) {
      if (i.pools?.some((p) => p.template === template.name && p.specHash !== template.specHash)) {
        this.log.warn({ node: i.name, template: template.name }, 'swarm: a node\'s template of this name has another spec; it gets no share');
      }
    }
    let placementSeconds = 0;
    const placed: Sandbox[] = [];
    const byNode = new Map<string, { node: string; count: number; warm: number }>();
    let remaining = req.count;
    let lastError = '';
    for (let attempt = 0; attempt < ATTEMPTS && remaining > 0 && candidates.length; attempt++) {
      const shares = plan(remaining, candidates, strategy);
      if (attempt === 0) placementSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (!shares.size) break;
      const results = await Promise.all([...shares].map(async ([node, share]) => {
        const got: Sandbox[] = [];
        let warm = 0;
        const status = await this.cluster.stream<SpawnSwarmEvent>(node, SPAWN,
          { ...req, labels, swarmId, node, count: share.count }, caller, async (e) => {
            if (opts.signal.aborted) return;
            if (e.placed) {
              got.push(e.placed);
              if (e.placed.fromWarmPool) warm++;
              placed.push(e.placed);
              await send({ placed: e.placed });
            } else if (e.done?.message) {
              lastError = `${node}: ${e.done.message}`;
            }
          }, opts.signal);
        return { node, got, warm, status };
      }));
      for (const r of results) {
        const p = byNode.get(r.node) ?? { node: r.node, count: 0, warm: 0 };
        p.count += r.got.length;
        p.warm += r.warm;
        if (p.count) byNode.set(r.node, p);
        remaining -= r.got.length;
        const short = r.got.length < shares.get(r.node)!.count;
        if (r.status.code !== grpc.status.OK) {
          lastError = `${r.node}: ${r.status.details}`;
          this.log.warn({ node: r.node, err: r.status.details }, 'swarm: a node failed its share; it is excluded from this swarm');
          candidates = candidates.filter((c) => c.node !== r.node);
        } else if (short) {
          // Full (RESOURCE_EXHAUSTED): skipped for the rest of this request, not counted as a failure.
          candidates = candidates.filter((c) => c.node !== r.node);
        } else {
          const c = candidates.find((x) => x.node === r.node)!;
          c.room -= r.got.length;
          c.idle = Math.max(0, c.idle - r.warm);
          c.running += r.got.length;
        }
      }
    }
    if ((remaining > 0 || opts.signal.aborted) && req.allOrNothing) {
      const left = await this.removeWhole(swarmId, placed, caller);
      const outcome = left.length ? `; ${left.length} could not be deleted yet (${left.slice(0, 3).join('; ')}): delete swarm ${swarmId} once their nodes answer` : '; nothing was left behind';
      if (opts.signal.aborted) throw new GodelError('SHUTTING_DOWN', `the swarm was given up when its client went away${outcome}`);
      throw new GodelError('POOL_EXHAUSTED', `a swarm of ${req.count} cannot be placed whole (only ${req.count - remaining} found room${lastError ? `; ${lastError}` : ''})${outcome}`);
    }
    if (placed.length === 0) throw new GodelError('POOL_EXHAUSTED', `no node has room for a sandbox of template "${template.name}"${lastError ? `: ${lastError}` : ''}`);
    await send({
      done: {
        swarmId, count: placed.length, placements: [...byNode.values()].sort((a, b) => a.node.localeCompare(b.node)), placementSeconds,
        message: remaining > 0 ? `${remaining} of ${req.count} could not be placed${lastError ? `: ${lastError}` : ''}` : '',
      },
    });
  }

  /**
   * This node's share: creates at once and streams each, saying in `done` why any failed. A share of an
   * all-or-nothing swarm whose placing node went away deletes what it made: nobody would know of it.
   */
  private async spawnHere(req: SpawnSwarmRequest__Output, send: Sink<SpawnSwarmEvent>, signal: AbortSignal): Promise<void> {
    const labels = { ...validateLabels(req.labels), [SWARM_LABEL]: req.swarmId };
    let failure = '';
    let count = 0;
    const made: string[] = [];
    await Promise.all(Array.from({ length: req.count }, async () => {
      try {
        const rec = await this.sandboxes.create({ template: req.template || 'default', labels, env: validateEnv(req.env), ttlSeconds: req.ttlSeconds });
        made.push(rec.id);
        count++;
        if (!signal.aborted) await send({ placed: toSandbox(rec) });
      } catch (err) {
        failure = err instanceof GodelError ? `${err.code}: ${err.message}` : errorMessage(err);
      }
    }));
    if (signal.aborted && req.allOrNothing) {
      await Promise.allSettled(made.map((id) => this.sandboxes.delete(id, 'its all-or-nothing swarm was given up')));
      return;
    }
    await send({ done: { swarmId: req.swarmId, count, placements: [{ node: this.cluster.self, count, warm: 0 }], placementSeconds: 0, message: failure } });
  }

  /** Every member of every swarm, over the whole federation (UNKNOWN where a node does not answer). */
  async members(caller: RelayCaller, swarmId?: string): Promise<{ sandboxes: Sandbox[]; unreachable: string[] }> {
    const res = await federatedSandboxList(this.cluster, caller, { labelSelector: swarmId ? { [SWARM_LABEL]: swarmId } : {}, node: '', template: '' });
    return { sandboxes: (res.sandboxes ?? []).filter((s) => s.labels?.[SWARM_LABEL]), unreachable: res.unreachableNodes ?? [] };
  }

  async list(caller: RelayCaller): Promise<{ swarms: SwarmInfo[]; unreachableNodes: string[] }> {
    const { sandboxes, unreachable } = await this.members(caller);
    const swarms = new Map<string, SwarmInfo & { placements: SwarmPlacement[]; states: Record<string, number> }>();
    for (const s of sandboxes) {
      const id = s.labels![SWARM_LABEL]!;
      const w = swarms.get(id) ?? { swarmId: id, template: s.template, count: 0, placements: [], states: {}, createdAt: s.claimedAt ?? s.createdAt };
      w.count!++;
      w.states[String(s.state)] = (w.states[String(s.state)] ?? 0) + 1;
      const p = w.placements.find((x) => x.node === s.node) ?? (w.placements.push({ node: s.node, count: 0, warm: 0 }), w.placements.at(-1)!);
      p.count!++;
      if (s.fromWarmPool) p.warm!++;
      swarms.set(id, w);
    }
    return { swarms: [...swarms.values()], unreachableNodes: unreachable };
  }

  async delete(swarmId: string, caller: RelayCaller): Promise<{ deleted: number; failed: Record<string, string> }> {
    if (!SWARM_ID_RE.test(swarmId)) throw new GodelError('INVALID_ID', `"${swarmId.slice(0, 64)}" is not a swarm id (swarm ids look like sw-0123456789ab)`);
    const { sandboxes } = await this.members(caller, swarmId);
    if (!sandboxes.length) throw new GodelError('SWARM_NOT_FOUND', `no swarm with id ${swarmId}`);
    return this.deleteMembers(sandboxes, caller);
  }

  /**
   * Deletes an all-or-nothing swarm that failed: the members it heard of, then whatever the federation
   * still lists with its label (a share that made more than it could report). Returns what is left.
   */
  private async removeWhole(swarmId: string, heard: Sandbox[], caller: RelayCaller): Promise<string[]> {
    const first = await this.deleteMembers(heard, caller);
    const rest = await this.members(caller, swarmId).catch(() => ({ sandboxes: [] as Sandbox[] }));
    const second = await this.deleteMembers(rest.sandboxes.filter((s) => s.state !== 'UNKNOWN'), caller);
    const failed = { ...first.failed, ...second.failed };
    for (const s of rest.sandboxes) if (s.state === 'UNKNOWN' && !failed[s.id!]) failed[s.id!] = `node ${s.node} does not answer`;
    return Object.entries(failed).map(([id, why]) => `${id}: ${why}`);
  }

  private async deleteMembers(members: Sandbox[], caller: RelayCaller): Promise<{ deleted: number; failed: Record<string, string> }> {
    const failed: Record<string, string> = {};
    let deleted = 0;
    await Promise.all(members.map(async (s) => {
      try {
        await this.cluster.unary(s.node || this.cluster.self, '/godel.v1.Sandboxes/Delete', { id: s.id }, caller);
        deleted++;
      } catch (err) {
        failed[s.id!] = errorMessage(err);
      }
    }));
    return { deleted, failed };
  }

  /** Runs one command in every member at once; each member's events are tagged with its id and node. */
  async exec(req: SwarmExecRequest__Output, caller: RelayCaller, send: Sink<SwarmExecEvent>, signal: AbortSignal): Promise<void> {
    const argv = validateArgv(req.argv);
    const env = validateEnv(req.env);
    const cwd = req.cwd ? validateSandboxPath(req.cwd, 'INVALID_CWD') : '';
    const timeoutMs = validateTimeout({ seconds: req.timeout });
    const timeout = timeoutMs ? { seconds: Math.floor(timeoutMs / 1000), nanos: (timeoutMs % 1000) * 1e6 } : null;
    const { sandboxes } = await this.members(caller, req.swarmId);
    if (!sandboxes.length) throw new GodelError('SWARM_NOT_FOUND', `no swarm with id ${req.swarmId}`);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < sandboxes.length && !signal.aborted; i = next++) {
        const s = sandboxes[i]!;
        const node = s.node || this.cluster.self;
        const status = await this.cluster.stream<ExecEvent>(node, '/godel.v1.Exec/Run',
          { sandboxId: s.id, argv, env, cwd, timeout }, caller, (e) => send({ sandboxId: s.id, node, exec: e }), signal);
        if (status.code !== grpc.status.OK && !signal.aborted) {
          const e = errorOfStatus(status);
          await send({ sandboxId: s.id, node, error: { code: String(status.metadata.get(ERROR_CODE_METADATA_KEY)[0] ?? e.code), message: status.details } });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(EXEC_CONCURRENCY, sandboxes.length) }, worker));
  }
}
