// The calls that answer for the whole federation on any node: lists of sandboxes, pools and snapshots,
// and the Watch and Events streams. Each asks every node (this one in-process, the peers through relays)
// or the one named by the request's `node`, says which node each item is on, and names the peers whose
// part is missing because they do not answer; a peer's sandboxes are then listed as last seen, UNKNOWN.
// Create's placement lives here too: it is the one call that chooses a node rather than following an id.
import * as grpc from '@grpc/grpc-js';
import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import type { CreateSandboxRequest__Output } from '../../ipc/generated/godel/v1/CreateSandboxRequest.js';
import type { EventsRequest__Output } from '../../ipc/generated/godel/v1/EventsRequest.js';
import type { ListPoolsRequest__Output } from '../../ipc/generated/godel/v1/ListPoolsRequest.js';
import type { ListPoolsResponse } from '../../ipc/generated/godel/v1/ListPoolsResponse.js';
import type { ListSandboxesRequest__Output } from '../../ipc/generated/godel/v1/ListSandboxesRequest.js';
import type { ListSandboxesResponse } from '../../ipc/generated/godel/v1/ListSandboxesResponse.js';
import type { ListSnapshotsRequest__Output } from '../../ipc/generated/godel/v1/ListSnapshotsRequest.js';
import type { ListSnapshotsResponse } from '../../ipc/generated/godel/v1/ListSnapshotsResponse.js';
import type { Pool } from '../../ipc/generated/godel/v1/Pool.js';
import type { Sandbox } from '../../ipc/generated/godel/v1/Sandbox.js';
import type { SandboxEvent } from '../../ipc/generated/godel/v1/SandboxEvent.js';
import type { SetPoolRequest__Output } from '../../ipc/generated/godel/v1/SetPoolRequest.js';
import type { Snapshot } from '../../ipc/generated/godel/v1/Snapshot.js';
import type { AgentUsage__Output } from '../../ipc/generated/godel/v1/AgentUsage.js';
import type { UsageRequest__Output } from '../../ipc/generated/godel/v1/UsageRequest.js';
import type { UsageResponse, UsageResponse__Output } from '../../ipc/generated/godel/v1/UsageResponse.js';
import type { WatchSandboxesRequest__Output } from '../../ipc/generated/godel/v1/WatchSandboxesRequest.js';
import { addTotals, emptyTotals } from '../agents/usage-totals.js';
import { NODE_NAME_RE } from '../config/config.js';
import { GodelError } from '../errors.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import type { UsageTotals } from '../store/store.js';
import type { Logger } from '../log.js';
import { writeWithBackpressure } from '../server/respond.js';
import { validateLabels } from '../validation.js';
import type { Cluster } from './cluster.js';
import type { RelayCaller } from '../../ipc/generated/godel/v1/RelayCaller.js';
import { fail, ownerNamedBy, type Federation } from './federation.js';
import type { AnyHandler } from './local-calls.js';
import type { Member } from './membership.js';
import { serviceError } from './relay.js';

const LIST_SANDBOXES = '/godel.v1.Sandboxes/List';
const LIST_POOLS = '/godel.v1.Pools/List';
const LIST_SNAPSHOTS = '/godel.v1.Snapshots/List';
const WATCH = '/godel.v1.Sandboxes/Watch';
const EVENTS = '/godel.v1.Sandboxes/Events';
const AGENT_USAGE = '/godel.v1.Agents/Usage';
/**
 * How long a peer's part of a list may take. A peer that hangs is marked unreachable within a few seconds;
 * until then a list waits this long for it at most, then names it unreachable.
 */
const PART_TIMEOUT_MS = 3000;
/** How soon a stream's part on a node that stopped answering is tried again, at first and at most. */
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 10_000;

type Unary<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

function validateNodeFilter(node: string): string {
  if (node && !NODE_NAME_RE.test(node)) throw new GodelError('INVALID_ARGUMENT', `"${node.slice(0, 64)}" is not a node name`);
  return node;
}

/** Answers a unary view; a failure keeps its status and code. */
function respond<Req, Res>(log: Logger, fn: (call: ServerUnaryCall<Req, Res>) => Promise<Res>): Unary<Req, Res> {
  return (call, callback) => {
    fn(call).then((res) => callback(null, res), (err: unknown) => fail('unary', call as never, callback as never, err, log));
  };
}

/** Asks each target node for its part; a node that fails to answer is named as unreachable, any other failure fails the call. */
async function gather<Res>(cluster: Cluster, caller: RelayCaller, path: string, request: { node: string }):
  Promise<{ parts: Array<{ node: string; res: Res }>; unreachable: string[] }> {
  const targets = cluster.targets(validateNodeFilter(request.node));
  const unreachable = [...targets.unreachable];
  const parts: Array<{ node: string; res: Res }> = [];
  await Promise.all(targets.nodes.map(async (node) => {
    try {
      parts.push({ node, res: await cluster.unary<Res>(node, path, { ...request, node }, caller, PART_TIMEOUT_MS) });
    } catch (err) {
      if (err instanceof GodelError && err.code !== 'NODE_UNAVAILABLE') throw err;
      unreachable.push(node);
    }
  }));
  parts.sort((a, b) => (a.node === cluster.self ? -1 : b.node === cluster.self ? 1 : a.node.localeCompare(b.node)));
  return { parts, unreachable: unreachable.sort() };
}

/** Sandboxes of the whole federation (or of req.node); a peer that does not answer contributes what it last had, UNKNOWN. */
export async function federatedSandboxList(cluster: Cluster, caller: RelayCaller, req: Pick<ListSandboxesRequest__Output, 'node' | 'labelSelector' | 'template'>): Promise<ListSandboxesResponse> {
  const { parts, unreachable } = await gather<ListSandboxesResponse>(cluster, caller, LIST_SANDBOXES, req);
  const out: Sandbox[] = parts.flatMap(({ node, res }) => (res.sandboxes ?? []).map((s) => ({ ...s, node: s.node || node })));
  const selector = validateLabels(req.labelSelector, 'label selector');
  for (const node of unreachable) {
    for (const s of (cluster.federation?.lastKnown.get(node) ?? []) as Sandbox[]) {
      if (req.template && s.template !== req.template) continue;
      if (!Object.entries(selector).every(([k, v]) => s.labels?.[k] === v)) continue;
      out.push({ ...s, node: s.node || node, state: 'UNKNOWN', statusMessage: `node ${node} is unreachable; last seen ${s.state}` });
    }
  }
  return { sandboxes: out, unreachableNodes: unreachable };
}

export interface Views {
  sandboxes: Record<'List' | 'Watch' | 'Events' | 'Create', AnyHandler>;
  pools: Record<'List' | 'Set', AnyHandler>;
  snapshots: Record<'List', AnyHandler>;
  agents: Record<'Usage', AnyHandler>;
}

/**
 * Usage of a label, a swarm or every agent, summed over the nodes' parts. Each node is asked for its own
 * agents rather than read from the budget book's exchanged totals: those carry only the cost, only of
 * scopes with a budget, and up to a second old, while usage is tokens, requests and models too, exact.
 */
export function sumUsage(parts: Array<{ node: string; res: UsageResponse__Output }>, unreachable: string[], self: string): UsageResponse {
  const total = emptyTotals();
  const add = (to: UsageTotals, u: AgentUsage__Output | null): void => {
    if (u) addTotals(to, u);
  };
  const byModel = new Map<string, UsageTotals>();
  let agents = 0;
  for (const { res } of parts) {
    add(total, res.total);
    agents += res.agents;
    for (const m of res.models) {
      if (!byModel.has(m.model)) byModel.set(m.model, emptyTotals());
      add(byModel.get(m.model)!, m.usage);
    }
  }
  // Every node holds every label and swarm budget (agents/budget-book.ts): this node's answer says it, or any other's.
  const budgetUsd = (parts.find((p) => p.node === self) ?? parts[0])?.res.budgetUsd ?? 0;
  return {
    total, agents, budgetUsd, nodes: parts.map((p) => p.node), unreachableNodes: unreachable,
    models: [...byModel].sort(([a], [b]) => a.localeCompare(b)).map(([model, usage]) => ({ model, usage })),
  };
}

export function federatedViews(cluster: Cluster, fed: Federation, sandboxes: SandboxManager, local: {
  createSandbox: AnyHandler; setPool: AnyHandler; listSnapshots: AnyHandler; agentUsage: AnyHandler;
}, shutdown: AbortSignal): Views {
  const self = cluster.self;

  /**
   * Streams one node's part of Watch or Events into the client's call until it ends. When following and
   * the node stops answering, the client is told, and the part resumes (without the events it has sent
   * already) when the node answers again, tried at most once a second, backing off to every ten.
   */
  async function streamPart(call: ServerWritableStream<unknown, SandboxEvent>, node: string, path: string, req: object, follow: boolean, stop: AbortSignal): Promise<void> {
    const caller = cluster.callerOf(call);
    let lastSeq = -1;
    let down = false;
    let backoffMs = RETRY_MIN_MS;
    for (;;) {
      let delivered = false;
      const s = await cluster.stream<SandboxEvent>(node, path, { ...req, node }, caller, async (e) => {
        delivered = true;
        if (Number(e.seq) <= lastSeq) return true;
        lastSeq = Number(e.seq);
        return writeWithBackpressure(call, { ...e, node: e.node || node });
      }, stop);
      if (stop.aborted || call.cancelled) return;
      if (s.code === grpc.status.OK && (!follow || node === self)) return;
      if (s.code !== grpc.status.OK && s.code !== grpc.status.UNAVAILABLE && s.code !== grpc.status.CANCELLED && s.code !== grpc.status.DEADLINE_EXCEEDED) {
        throw serviceError(s);
      }
      // A peer that ended a live stream by itself is going away (a restart): the same as one that stopped answering.
      if (!down) {
        down = true;
        const why = s.code === grpc.status.OK ? 'it ended its stream (shutting down?)' : s.details;
        await writeWithBackpressure(call, { type: 'node-unreachable', node, message: `node ${node} does not answer: ${why}`, sandboxId: '' });
      }
      if (!follow) return;
      if (delivered) backoffMs = RETRY_MIN_MS;
      await sleepUnless(backoffMs, stop);
      backoffMs = Math.min(RETRY_MAX_MS, backoffMs * 2);
      await waitForReachable(fed, node, stop);
      if (stop.aborted) return;
      // Said when the membership has the node back; should the stream fail again at once, the next
      // node-unreachable comes no sooner than the backoff.
      down = false;
      await writeWithBackpressure(call, { type: 'node-reachable', node, message: `node ${node} answers again`, sandboxId: '' });
    }
  }

  /** Watch or Events over the target nodes; ends when every part has (never, when following, until cancelled). */
  function federatedStream(path: string, follow: (req: never) => boolean): AnyHandler {
    return (call: ServerWritableStream<WatchSandboxesRequest__Output & EventsRequest__Output, SandboxEvent>) => {
      const req = call.request;
      // A stream about one sandbox is that sandbox's node's.
      const owner = ownerNamedBy({ sandboxId: req.sandboxId }, self);
      if (owner !== undefined) {
        fed.forward('serverStream', fed.methodDef(path), owner, call as never);
        return;
      }
      let targets;
      try {
        // A stream about one of this node's sandboxes is this node's alone.
        targets = req.sandboxId ? { nodes: [self], unreachable: [] } : cluster.targets(validateNodeFilter(req.node));
      } catch (err) {
        fail('serverStream', call as never, undefined, err, fed.log);
        return;
      }
      const stop = new AbortController();
      const end = (): void => stop.abort();
      call.on('cancelled', end);
      shutdown.addEventListener('abort', end, { once: true });
      const following = follow(req as never);
      const parts = [...targets.nodes, ...targets.unreachable].map((node) => streamPart(call, node, path, req, following, stop.signal));
      Promise.all(parts).then(
        () => { if (!call.cancelled) call.end(); },
        (err: unknown) => { stop.abort(); if (!call.cancelled) call.emit('error', err); },
      ).finally(() => shutdown.removeEventListener('abort', end));
    };
  }

  return {
    sandboxes: {
      List: respond<ListSandboxesRequest__Output, ListSandboxesResponse>(fed.log, (call) => federatedSandboxList(cluster, cluster.callerOf(call), call.request)),
      Watch: federatedStream(WATCH, () => true),
      Events: federatedStream(EVENTS, (req: EventsRequest__Output) => req.follow),
      Create: (call: ServerUnaryCall<CreateSandboxRequest__Output, Sandbox>, callback: sendUnaryData<Sandbox>) => {
        let node: string;
        try {
          node = placeCreate(call.request);
        } catch (err) {
          fail('unary', call as never, callback as never, err, fed.log);
          return;
        }
        if (node === self) local.createSandbox(call, callback);
        else fed.forward('unary', fed.methodDef('/godel.v1.Sandboxes/Create'), node, call as never, callback as never);
      },
    },
    pools: {
      List: respond<ListPoolsRequest__Output, ListPoolsResponse>(fed.log, async (call) => {
        const { parts, unreachable } = await gather<ListPoolsResponse>(cluster, cluster.callerOf(call), LIST_POOLS, call.request);
        const pools: Pool[] = parts.flatMap(({ node, res }) => (res.pools ?? []).map((p) => ({ ...p, node: p.node || node })));
        return { pools, unreachableNodes: unreachable };
      }),
      Set: (call: ServerUnaryCall<SetPoolRequest__Output, Pool>, callback: sendUnaryData<Pool>) => {
        const node = call.request.node;
        if (!node || node === self) local.setPool(call, callback);
        else fed.forward('unary', fed.methodDef('/godel.v1.Pools/Set'), node, call as never, callback as never);
      },
    },
    agents: {
      Usage: (call: ServerUnaryCall<UsageRequest__Output, UsageResponse>, callback: sendUnaryData<UsageResponse>) => {
        // One agent's usage is its node's to say.
        if (call.request.agentId) {
          const owner = ownerNamedBy({ agentId: call.request.agentId }, self);
          if (owner === undefined) local.agentUsage(call, callback);
          else fed.forward('unary', fed.methodDef(AGENT_USAGE), owner, call as never, callback as never);
          return;
        }
        respond<UsageRequest__Output, UsageResponse>(fed.log, async (c) => {
          const { parts, unreachable } = await gather<UsageResponse__Output>(cluster, cluster.callerOf(c), AGENT_USAGE, c.request);
          return sumUsage(parts, unreachable, self);
        })(call, callback);
      },
    },
    snapshots: {
      List: (call: ServerUnaryCall<ListSnapshotsRequest__Output, ListSnapshotsResponse>, callback: sendUnaryData<ListSnapshotsResponse>) => {
        const owner = call.request.sandboxId ? ownerNamedBy({ sandboxId: call.request.sandboxId }, self) : undefined;
        if (call.request.sandboxId) {
          if (owner === undefined) local.listSnapshots(call, callback);
          else fed.forward('unary', fed.methodDef(LIST_SNAPSHOTS), owner, call as never, callback as never);
          return;
        }
        respond<ListSnapshotsRequest__Output, ListSnapshotsResponse>(fed.log, async (c) => {
          const { parts, unreachable } = await gather<ListSnapshotsResponse>(cluster, cluster.callerOf(c), LIST_SNAPSHOTS, c.request);
          const snapshots: Snapshot[] = parts.flatMap(({ node, res }) => (res.snapshots ?? []).map((s) => ({ ...s, node: s.node || node })));
          return { snapshots, unreachableNodes: unreachable };
        })(call, callback);
      },
    },
  };

  /**
   * Where a Create goes. `any` takes a warm idle sandbox of the same template spec anywhere before a cold
   * boot here: this node's pool first, then the peer with the most idle ones.
   */
  function placeCreate(req: CreateSandboxRequest__Output): string {
    const placement = req.placement;
    if (!placement || placement === 'local' || placement === self) return self;
    if (placement !== 'any' && !NODE_NAME_RE.test(placement)) {
      throw new GodelError('INVALID_PLACEMENT', `placement must be "local", "any" or a node's name, not "${placement.slice(0, 64)}"`);
    }
    if (req.workspace?.source) {
      throw new GodelError('INVALID_PLACEMENT', 'a workspace taken from host paths is read on the node that boots the sandbox: use placement "local" for it');
    }
    if (placement !== 'any') return placement;
    const template = sandboxes.template(req.template || 'default');
    if (sandboxes.pool(template.name).status().idle > 0) return self;
    let best: { node: string; idle: number } | undefined;
    for (const m of fed.membership.reachable()) {
      const idle = warmIdle(m, template.name, template.specHash);
      if (idle > 0 && (!best || idle > best.idle)) best = { node: m.name!, idle };
    }
    return best?.node ?? self;
  }
}

/** Idle sandboxes a member last said it had for a template of exactly this spec. */
export function warmIdle(m: Member, template: string, specHash: string): number {
  return m.info?.pools?.find((p) => p.template === template && p.specHash === specHash)?.idle ?? 0;
}

function sleepUnless(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
}

function waitForReachable(fed: Federation, node: string, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const m = fed.membership.byName(node);
    if ((m && fed.membership.usable(m)) || stop.aborted) {
      resolve();
      return;
    }
    const onReachable = (x: Member): void => {
      if (x.name === node) done();
    };
    const done = (): void => {
      fed.membership.off('reachable', onReachable);
      stop.removeEventListener('abort', done);
      resolve();
    };
    fed.membership.on('reachable', onReachable);
    stop.addEventListener('abort', done, { once: true });
  });
}

