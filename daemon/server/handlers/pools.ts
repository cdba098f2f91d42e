// Pools service handlers.
import type { PoolsHandlers } from '../../../ipc/generated/godel/v1/Pools.js';
import type { Observer } from '../observer.js';
import type { SandboxManager } from '../../sandboxes/manager.js';
import { toPool } from '../convert.js';
import { unary } from '../respond.js';

export function poolsHandlers(sandboxes: SandboxManager, obs: Observer, node: string): PoolsHandlers {
  return {
    List: unary(obs, 'Pools.List', async () => ({
      pools: sandboxes.poolStatuses().map((s) => ({ ...toPool(s, sandboxes.claimedCount(s.template.name)), node })),
    })),
    Set: unary(obs, 'Pools.Set', async (req) => {
      const s = await sandboxes.setPool(req.template || 'default', {
        minIdle: req.minIdle ?? undefined,
        maxTotal: req.maxTotal ?? undefined,
        maxAgeSeconds: req.maxAgeSeconds ?? undefined,
      });
      return { ...toPool(s, sandboxes.claimedCount(s.template.name)), node };
    }),
  };
}
