// What a sandbox has inside for agents, from its boot on (a warm sandbox is booted before anyone knows an
// agent will run in it): the pinned agent CLIs, read-only at AGENT_RUNTIME_DIR, and a way to the model
// gateway's Unix socket for each agent on a loopback port. In a process sandbox the gateway's directory is
// bound in and a loopback forwarder started with the CLI listens on the port; a microvm guest has the CLIs
// on a read-only disk (scripts/build-agents-image.sh) and its guest agent listens on the ports, carrying
// connections over a virtio-serial port that the microvm provider connects to the same sockets.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FORWARDER } from '../egress/sandbox-side.js';

/** Where the CLIs appear inside (`${AGENT_RUNTIME_DIR}/node_modules/.bin/<cli>`). */
export const AGENT_RUNTIME_DIR = '/opt/godel-agents';
/** Where the gateway's sockets for the sandbox's agents appear inside. */
export const SANDBOX_GATEWAY_DIR = '/.godel/gateway';
/** The egress forwarder, also the gateway's: `FORWARDER PORT=SOCKET -- CLI ARGS...`. */
export const SANDBOX_GATEWAY_FORWARDER = '/.godel/gateway-forward';
/** Loopback ports inside for agents' gateways, one per agent running at once in a sandbox (a microvm guest listens on the same). */
export { FIRST_GATEWAY_PORT, MAX_AGENTS_PER_SANDBOX } from '../../guest/port-mux.js';

export interface AgentBootSide {
  /** Directories to create before the sandbox starts. */
  dirs: Array<{ path: string; mode: number }>;
  bwrapArgs: string[];
  /** Whether agents can run in the sandbox; else why not (recorded with it, told to whoever asks). */
  unavailable?: string;
}

/** The gateway's socket for the agent on `port` (in the sandbox's gateway directory, on the host or inside). */
export function gatewaySocketName(port: number): string {
  return `${port}.sock`;
}

/** Where the forwarder of the agent on `port` hands its listener to the gateway, which then accepts on it itself. */
export function handOverSocketName(port: number): string {
  return `${port}.listeners.sock`;
}

/**
 * The forwarder's arguments for an agent on `port` in a process sandbox with its own network namespace:
 * it listens on the loopback port and hands the listener to the gateway; while no gateway holds it (the
 * daemon restarting) it carries each connection to the agent's gateway socket itself.
 */
export function gatewayForwarding(port: number): string[] {
  return [`${port}=${SANDBOX_GATEWAY_DIR}/${gatewaySocketName(port)}`, '--hand-to', `${SANDBOX_GATEWAY_DIR}/${handOverSocketName(port)}`];
}

/**
 * How an agent's CLI is started: through the forwarder in a process sandbox (it listens on the gateway's
 * port, unless on the host's network, and clears `unset`); in a VM, whose guest agent already listens on
 * the port, through env(1), which clears them as well. Either way the CLI becomes the command itself.
 */
export function cliArgv(provider: string, listen: string[], unset: string[], argv: string[]): string[] {
  if (provider === 'microvm') return ['/usr/bin/env', ...unset.flatMap((k) => ['-u', k]), '--', ...argv];
  return [SANDBOX_GATEWAY_FORWARDER, ...listen, ...unset.flatMap((k) => ['--unset', k]), '--', ...argv];
}

/** The host directory whose sockets a sandbox's agents reach the gateway through. Short: socket paths are at most 107 bytes. */
export function gatewayDir(stateDir: string, sandboxId: string): string {
  return join(stateDir, 'gw', sandboxId);
}

/**
 * The boot-time part for one process sandbox. A sandbox on the host's network reaches the gateway on a
 * loopback TCP port instead and needs no socket directory. bwrap runs as the sandbox user, and a path it
 * cannot reach (a checkout under a 0700 home, a state dir under a closed directory) would fail the whole
 * boot: `reachable` says which it can, and what it cannot is left out, with agents unavailable there.
 */
export function agentBootSide(stateDir: string, runtimeDir: string, sandboxId: string, hostNetwork: boolean, reachable: (path: string) => boolean): AgentBootSide {
  const side: AgentBootSide = { dirs: [], bwrapArgs: [] };
  const missing: string[] = [];
  if (runtimeDir && existsSync(runtimeDir) && reachable(runtimeDir)) side.bwrapArgs.push('--ro-bind', runtimeDir, AGENT_RUNTIME_DIR);
  else missing.push(`the agent CLIs (${runtimeDir}: ${existsSync(runtimeDir) ? 'not reachable by the sandbox user' : 'not installed'})`);
  // The forwarder starts every agent's CLI (it clears what the CLI must not inherit, see AgentManager).
  if (reachable(FORWARDER)) side.bwrapArgs.push('--ro-bind', FORWARDER, SANDBOX_GATEWAY_FORWARDER);
  else missing.push(`the forwarder (${FORWARDER} is not reachable by the sandbox user)`);
  if (!hostNetwork) {
    if (reachable(stateDir)) {
      const dir = gatewayDir(stateDir, sandboxId);
      // 0711: the sandbox user reaches the sockets it is told of, and cannot list them.
      side.dirs.push({ path: dirname(dir), mode: 0o711 }, { path: dir, mode: 0o711 });
      side.bwrapArgs.push('--ro-bind', dir, SANDBOX_GATEWAY_DIR);
    } else {
      missing.push(`the gateway's sockets (the state dir ${stateDir} is not reachable by the sandbox user)`);
    }
  }
  if (missing.length) side.unavailable = `booted without ${missing.join(', ')}`;
  return side;
}
