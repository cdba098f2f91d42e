// The agent runtimes by name: how each agent CLI is started, fed and read (see each file for the facts
// checked against the pinned CLI versions in agent-runtimes/package.json).
import type { Runtime, RuntimeName } from '../types.js';
import { claude } from './claude.js';
import { codex } from './codex.js';
import { pi } from './pi.js';

export const runtimes: Record<RuntimeName, Runtime> = { pi, claude, codex };

export { TOKEN_ENV } from './common.js';
