// What a node says of itself to its peers and to placement: capacity, load and each template's warm pool.
import { availableParallelism, freemem, loadavg, totalmem } from 'node:os';
import type { NodeInfo } from '../../ipc/generated/godel/v1/NodeInfo.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import { VERSION } from '../version.js';

export function nodeInfo(name: string, address: string, sandboxes: SandboxManager): NodeInfo {
  return {
    name, address, self: true, reachable: true, version: VERSION, breaker: 'closed',
    capacity: {
      cpus: availableParallelism(), memoryBytes: totalmem(), memoryFreeBytes: freemem(),
      sandboxesRunning: Object.values(sandboxes.counts()).reduce((a, b) => a + b, 0), load1: loadavg()[0],
    },
    pools: sandboxes.poolStatuses().map((p) => ({
      template: p.template.name, specHash: p.template.specHash, idle: p.idle,
      // Room left under max_total: what is neither handed out nor booting may still be claimed or booted.
      room: Math.max(0, p.targets.maxTotal - sandboxes.claimedCount(p.template.name) - p.booting),
    })),
  };
}
