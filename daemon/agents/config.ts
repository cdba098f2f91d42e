// The `agents` section of the daemon's config: where the pinned agent CLIs are installed on the host, and
// each runtime's default model. (The model providers, prices and keys are the gateway's `models` section.)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuntimeName } from './types.js';

export interface AgentsConfig {
  /** Host directory holding node_modules/.bin/<cli>; bound read-only into every process sandbox. */
  runtimeDir: string;
  defaultModels: Record<RuntimeName, string>;
  /** Agents running at once on this node. */
  maxRunning: number;
  /** Ended agents (records and events) are kept this long, then removed at the daemon's next start. */
  retentionDays: number;
}

/** scripts/setup.sh installs the CLIs here: agent-runtimes/ at the top of the repository (from dist/daemon/agents). */
export const DEFAULT_RUNTIME_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'agent-runtimes');

const DEFAULT_MODELS: Record<RuntimeName, string> = { pi: 'claude-sonnet-4-5', claude: 'claude-sonnet-4-5', codex: 'gpt-5-codex' };
const RUNTIMES: readonly RuntimeName[] = ['pi', 'claude', 'codex'];

/** Throws an Error naming the bad field; the caller makes it the daemon's config error. */
export function parseAgentsConfig(raw: unknown): AgentsConfig {
  const obj = raw ?? {};
  if (typeof obj !== 'object' || Array.isArray(obj)) throw new Error('agents must be an object');
  const o = obj as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['runtime_dir', 'default_models', 'max_running', 'retention_days'].includes(k)) throw new Error(`agents.${k} is not a known setting`);
  if (o.runtime_dir !== undefined && (typeof o.runtime_dir !== 'string' || !o.runtime_dir.startsWith('/'))) throw new Error('agents.runtime_dir must be an absolute path');
  const models = { ...DEFAULT_MODELS };
  if (o.default_models !== undefined) {
    if (typeof o.default_models !== 'object' || o.default_models === null || Array.isArray(o.default_models)) throw new Error('agents.default_models must be an object of runtime to model');
    for (const [k, v] of Object.entries(o.default_models)) {
      if (!RUNTIMES.includes(k as RuntimeName)) throw new Error(`agents.default_models.${k}: not a runtime (${RUNTIMES.join(', ')})`);
      if (typeof v !== 'string' || !v) throw new Error(`agents.default_models.${k} must be a model name`);
      models[k as RuntimeName] = v;
    }
  }
  const max = o.max_running ?? 64;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10_000) throw new Error('agents.max_running must be an integer from 1 to 10000');
  const retention = o.retention_days ?? 30;
  if (typeof retention !== 'number' || !Number.isInteger(retention) || retention < 1 || retention > 36_500) throw new Error('agents.retention_days must be a whole number of days from 1 to 36500');
  return { runtimeDir: (o.runtime_dir as string | undefined) ?? DEFAULT_RUNTIME_DIR, defaultModels: models, maxRunning: max, retentionDays: retention };
}
