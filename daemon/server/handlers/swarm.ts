// Swarm service handlers: validate, call the swarm coordinator, map errors.
import type { SwarmHandlers } from '../../../ipc/generated/godel/v1/Swarm.js';
import type { Cluster } from '../../federation/cluster.js';
import type { SwarmCoordinator } from '../../federation/swarm.js';
import type { Observer } from '../observer.js';
import { serverStream, unary, writeWithBackpressure } from '../respond.js';

export function swarmHandlers(swarms: SwarmCoordinator, cluster: Cluster, obs: Observer): SwarmHandlers {
  return {
    Spawn: serverStream(obs, 'Swarm.Spawn', async (call) => {
      const stop = new AbortController();
      call.on('cancelled', () => stop.abort());
      // Only a node placing a swarm calls through local calls (a relay, or itself): it may name a share.
      const internal = cluster.local.peerOf(call) !== undefined;
      await swarms.spawn(call.request, cluster.callerOf(call), (e) => writeWithBackpressure(call, e), { internal, signal: stop.signal });
    }),
    List: unary(obs, 'Swarm.List', async (_req, call) => swarms.list(cluster.callerOf(call))),
    Delete: unary(obs, 'Swarm.Delete', async (req, call) => swarms.delete(req.swarmId, cluster.callerOf(call))),
    Exec: serverStream(obs, 'Swarm.Exec', async (call) => {
      const stop = new AbortController();
      call.on('cancelled', () => stop.abort());
      await swarms.exec(call.request, cluster.callerOf(call), (e) => writeWithBackpressure(call, e), stop.signal);
    }),
  };
}
