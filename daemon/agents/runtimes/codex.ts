// Codex (@openai/codex, a native binary behind a Node launcher) as an agent runtime.
//
// Started as `codex exec --json --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox -C DIR -`:
// one prompt, read from stdin (closed after it), JSON lines on stdout (thread.started, turn.started,
// item.started/item.completed, turn.completed with usage or turn.failed, error), then it exits. No follow-up.
// The gateway is a custom model provider "godel" in $CODEX_HOME/config.toml with wire_api "responses";
// env_key names the env var that holds the token, so the file holds no secret.
//
// Checked against codex 0.171.0 and the fake model server:
// - Offline: traced with strace, with the [features] below off it connects to nothing but the gateway
//   (no DNS lookups at all); with them on it looks up api.github.com, github.com and chatgpt.com.
// - It calls only POST {base_url}/responses (streamed, `Authorization: Bearer <token>`, request bodies not
//   compressed for a custom provider), base_url = gatewayUrl + /v1. Nothing else at start with
//   check_for_update_on_startup = false; analytics and feedback are off in config.
// - Its shell tool is the function `exec_command` ({"cmd": "..."}); it reports it as a command_execution
//   item. --dangerously-bypass-approvals-and-sandbox turns off approvals and its own landlock/seccomp
//   sandbox (godel's sandbox is the sandbox); the same as approval_policy "never" + sandbox_mode
//   "danger-full-access", which config.toml also says.
// - turn.completed's usage is the sum over the turn's model responses (codex prints no per-response usage);
//   input_tokens counts the cached ones too.
// - Refusals: 429 insufficient_quota -> one request, an `error` and a turn.failed ("Quota exceeded. Check
//   your plan and billing details."), exit 1 in ~1 s; 429 rate_limit_exceeded and 400 likewise one request
//   (request_max_retries / stream_max_retries are 0 here, and it did not retry a 429 even with its defaults).
import { posix } from 'node:path';
import type { AgentEvent, AgentLaunch, EndReason, EventParser, LaunchOptions, ModelApi, Runtime } from '../types.js';
import { GodelError } from '../../errors.js';
import { TOKEN_ENV, baseUrl, jsonObject, num, obj, raw, requireApi, str, tomlString, usage, type Json } from './common.js';

const APIS: readonly ModelApi[] = ['openai-responses'];

const PROVIDER = 'godel';

/** A tool call as codex reports it (an item of one of these types), with the input it ran with. */
function callOf(item: Json): { name: string; input: unknown } | undefined {
  switch (item.type) {
    case 'command_execution': return { name: 'command_execution', input: { command: item.command } };
    case 'file_change': return { name: 'file_change', input: { changes: item.changes } };
    case 'mcp_tool_call': return { name: `mcp:${str(item.server) ?? ''}/${str(item.tool) ?? ''}`, input: item.arguments ?? {} };
    case 'web_search': return { name: 'web_search', input: { query: item.query } };
    default: return undefined;
  }
}

function resultOf(item: Json): { output: string; isError: boolean } {
  const failed = item.status === 'failed' || item.status === 'declined';
  switch (item.type) {
    case 'command_execution': {
      const code = typeof item.exit_code === 'number' ? item.exit_code : 0;
      return { output: str(item.aggregated_output) ?? '', isError: failed || code !== 0 };
    }
    case 'mcp_tool_call': {
      const err = str(obj(item.error)?.message);
      return { output: err ?? JSON.stringify(item.result ?? null), isError: failed || err !== undefined };
    }
    case 'file_change': return { output: JSON.stringify(item.changes ?? []), isError: failed };
    default: return { output: '', isError: failed };
  }
}

class CodexParser implements EventParser {
  private started = new Set<string>();
  private reported: { reason: EndReason; message: string } | undefined;
  private lastError: string | undefined;

  constructor(private model: string) {}

  line(text: string): AgentEvent[] {
    const m = jsonObject(text);
    if (!m) return [raw(text)];
    switch (m.type) {
      case 'thread.started': case 'turn.started': return [];
      case 'item.started': return this.itemStarted(m, text);
      case 'item.updated': return [];
      case 'item.completed': return this.itemCompleted(m, text);
      case 'turn.completed': {
        const u = obj(m.usage) ?? {};
        const cached = num(u.cached_input_tokens);
        const written = num(u.cache_write_input_tokens);
        this.reported = { reason: 'done', message: 'turn.completed' };
        return [{ type: 'usage', model: this.model, raw: text,
          usage: usage(Math.max(0, num(u.input_tokens) - cached - written), num(u.output_tokens), cached, written) }];
      }
      case 'turn.failed':
        this.reported = { reason: 'error', message: str(obj(m.error)?.message) ?? this.lastError ?? 'turn.failed' };
        return [raw(text)];
      case 'error':
        // A stream error; codex follows it with turn.failed (or retries and goes on). Kept as raw.
        this.lastError = str(m.message);
        return [raw(text)];
      default: return [raw(text)];
    }
  }

  private itemStarted(m: Json, text: string): AgentEvent[] {
    const item = obj(m.item);
    const call = item && callOf(item);
    if (!item || !call) return [];
    const id = str(item.id) ?? '';
    this.started.add(id);
    return [{ type: 'tool_call', callId: id, name: call.name, input: JSON.stringify(call.input ?? {}), raw: text }];
  }

  private itemCompleted(m: Json, text: string): AgentEvent[] {
    const item = obj(m.item);
    if (!item) return [raw(text)];
    if (item.type === 'agent_message') return str(item.text) ? [{ type: 'text', text: str(item.text)!, raw: text }] : [];
    if (item.type === 'reasoning' || item.type === 'todo_list') return [];
    const call = callOf(item);
    // Codex's own warnings (an `error` item such as "Model metadata for X not found") and unknown items.
    if (!call) return [raw(text)];
    const id = str(item.id) ?? '';
    const out: AgentEvent[] = [];
    // file_change items arrive completed only, without an item.started.
    if (!this.started.delete(id)) out.push({ type: 'tool_call', callId: id, name: call.name, input: JSON.stringify(call.input ?? {}), raw: text });
    out.push({ type: 'tool_result', callId: id, ...resultOf(item), raw: text });
    return out;
  }

  finish(): { reported?: { reason: EndReason; message: string }; events: AgentEvent[] } {
    if (!this.reported && this.lastError) return { reported: { reason: 'error', message: this.lastError }, events: [] };
    return { reported: this.reported, events: [] };
  }
}

function configToml(o: LaunchOptions): string {
  return [
    '# Written by godeld for one agent: the gateway is its only model provider.',
    `model = ${tomlString(o.model)}`,
    `model_provider = ${tomlString(PROVIDER)}`,
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    '[history]',
    'persistence = "none"',
    '',
    // With these on, codex resolves api.github.com, github.com and chatgpt.com at start (plugin and
    // connector catalogs) even with a custom provider: off, it contacts nothing but the gateway.
    '[features]',
    'plugins = false',
    'remote_plugin = false',
    'apps = false',
    'plugin_sharing = false',
    '',
    `[model_providers.${PROVIDER}]`,
    'name = "godel gateway"',
    `base_url = ${tomlString(`${baseUrl(o.gatewayUrl)}/v1`)}`,
    `env_key = ${tomlString(TOKEN_ENV)}`,
    'wire_api = "responses"',
    // A refusal (a spent budget) ends the run at once; the gateway, not the CLI, deals with upstream hiccups.
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ].join('\n');
}

export const codex: Runtime = {
  name: 'codex',
  apis: APIS,
  canSend: false,
  binary: (runtimeDir) => posix.join(runtimeDir, 'node_modules', '.bin', 'codex'),
  launch(o: LaunchOptions): AgentLaunch {
    requireApi(codex, o.api);
    const codexHome = posix.join(o.home, '.codex');
    return {
      argv: [codex.binary(o.runtimeDir), 'exec', '--json', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox',
        '-C', o.workdir, '-m', o.model, '-'],
      env: { HOME: o.home, CODEX_HOME: codexHome, [TOKEN_ENV]: o.token },
      files: [{ path: posix.join(codexHome, 'config.toml'), content: configToml(o) }],
    };
  },
  firstInput: (prompt) => ({ data: prompt, closeStdin: true }),
  followUp: () => {
    throw new GodelError('NOT_SUPPORTED', 'a codex agent takes no follow-up prompt: codex exec runs one prompt and exits');
  },
  parser: (launch) => new CodexParser(launch?.model ?? ''),
};
