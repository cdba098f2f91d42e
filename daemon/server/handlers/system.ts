// System service handlers: what this daemon is and what it can do.
import type { SystemHandlers } from '../../../ipc/generated/godel/v1/System.js';
import { API_PACKAGE } from '../../../ipc/proto.js';
import type { Observer } from '../observer.js';
import type { Provider } from '../../providers/provider.js';
import type { SandboxManager } from '../../sandboxes/manager.js';
import type { Template } from '../../config/config.js';
import { timestamp } from '../convert.js';
import { unary } from '../respond.js';
import { VERSION } from '../../version.js';
import type { NodeInfo } from '../../../ipc/generated/godel/v1/NodeInfo.js';

export interface SystemContext {
  node: string;
  socket: string;
  stateDir: string;
  startedAt: number;
  providers: ReadonlyMap<string, Provider>;
  templates: ReadonlyMap<string, Template>;
  /** What agents this node can run: each runtime's CLI and default model, and the models known. */
  agents: () => { runtimes: Array<{ name: string; installed: boolean; message: string; defaultModel: string }>; models: string[] };
}

export function systemHandlers(ctx: SystemContext, sandboxes: SandboxManager, obs: Observer, nodes: () => NodeInfo[]): SystemHandlers {
  return {
    Info: unary(obs, 'System.Info', async () => ({
      node: ctx.node,
      version: VERSION,
      socket: ctx.socket,
      stateDir: ctx.stateDir,
      startedAt: timestamp(ctx.startedAt),
      pid: process.pid,
      providers: [...ctx.providers.values()].map((p) => {
        const st = p.status();
        return { name: p.name, capabilities: [...p.capabilities], available: st.available, message: st.message };
      }),
      templates: [...ctx.templates.values()].map((t) => ({ name: t.name, provider: t.spec.provider, specHash: t.specHash })),
      sandboxesByState: sandboxes.counts(),
      agentRuntimes: ctx.agents().runtimes,
      models: ctx.agents().models,
    })),
    Version: unary(obs, 'System.Version', async () => ({ version: VERSION, api: API_PACKAGE, nodeVersion: process.version })),
    Nodes: unary(obs, 'System.Nodes', async () => ({ nodes: nodes() })),
  };
}
