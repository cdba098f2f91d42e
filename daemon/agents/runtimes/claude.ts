// Claude Code (@anthropic-ai/claude-code, a native binary) as an agent runtime.
//
// Started as `claude -p --input-format stream-json --output-format stream-json --verbose
// --include-partial-messages --permission-mode bypassPermissions --model M`: prompts are JSON lines on stdin
// ({"type":"user","message":{"role":"user","content":"..."}}), so a follow-up is one more line; it answers
// each with `assistant`/`user` lines and one `result` line, then waits on stdin until it is closed. An
// interrupt is a control_request line ({"type":"control_request","request":{"subtype":"interrupt"}}).
// --include-partial-messages is what makes per-response usage exact: the `assistant` lines carry the usage
// of message_start (output_tokens 1), only the streamed message_delta has the final counts.
//
// Checked against claude-code 2.1.332 and the fake model server:
// - It calls only POST {ANTHROPIC_BASE_URL}/v1/messages?beta=true (streamed), with the key in `x-api-key`;
//   nothing else at start with CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 (no models list, no count_tokens).
//   Traced with strace: it connects to the gateway only, no DNS lookups.
// - As root, bypassPermissions / --dangerously-skip-permissions is refused ("cannot be used with root/sudo
//   privileges") unless IS_SANDBOX=1; as a non-root uid it works without. Godel's sandbox is the sandbox,
//   so IS_SANDBOX=1 is always set (a sandbox's uid 0 may be root inside a user namespace).
// - Refusals (what stops it cleanly): 429 rate_limit_error with `x-should-retry: false` -> one request, a
//   result with is_error true, exit 1 within ~0.5 s. 403 permission_error and 402 -> one request as well
//   (but it reports "Failed to authenticate"). 400 invalid_request_error -> it retries at once with fewer
//   beta headers, 6 requests in ~1.5 s, then stops. A plain 429 (no x-should-retry) -> exponential-backoff
//   retries (0.6, 1.2, 2.4, 4.5, 8.3 s ...: a minute and more): the gateway must send x-should-retry: false.
import { posix } from 'node:path';
import type { AgentEvent, AgentLaunch, EndReason, EventParser, LaunchOptions, ModelApi, Runtime } from '../types.js';
import { baseUrl, contentText, jsonObject, num, obj, raw, requireApi, str, usage } from './common.js';

const APIS: readonly ModelApi[] = ['anthropic-messages'];

function userLine(prompt: string): string {
  return `${JSON.stringify({ type: 'user', message: { role: 'user', content: prompt } })}\n`;
}

class ClaudeParser implements EventParser {
  private models = new Map<string, string>();
  private reported: { reason: EndReason; message: string } | undefined;
  private waiting = false;

  line(text: string): AgentEvent[] {
    const m = jsonObject(text);
    if (!m) return [raw(text)];
    switch (m.type) {
      case 'stream_event': return this.streamEvent(m, text);
      case 'assistant': return this.assistant(m, text);
      case 'user': return this.user(m, text);
      case 'result': return this.result(m);
      // init (tools, model, version) and status ("requesting") lines, and the answer to an interrupt:
      // nothing an agent's stream needs.
      case 'system': case 'control_response': return [];
      default: return [raw(text)];
    }
  }

  /** message_start names the model, message_delta has the response's final usage; deltas are in `assistant`. */
  private streamEvent(m: Record<string, unknown>, text: string): AgentEvent[] {
    this.waiting = false;
    const ev = obj(m.event);
    const id = str(m.api_message_id) ?? '';
    if (ev?.type === 'message_start') {
      const model = str(obj(ev.message)?.model);
      if (model) this.models.set(id, model);
      return [];
    }
    if (ev?.type === 'message_delta') {
      const u = obj(ev.usage);
      if (!u) return [];
      const model = this.models.get(id) ?? '';
      this.models.delete(id);
      return [{ type: 'usage', model, raw: text,
        usage: usage(num(u.input_tokens), num(u.output_tokens), num(u.cache_read_input_tokens), num(u.cache_creation_input_tokens)) }];
    }
    return [];
  }

  private assistant(m: Record<string, unknown>, text: string): AgentEvent[] {
    this.waiting = false;
    const msg = obj(m.message);
    // An API error that claude turned into an assistant message of its own (model "<synthetic>"): not
    // the model's words; its result line carries the same message as the error.
    if (m.is_api_error_message === true || msg?.model === '<synthetic>') return [raw(text)];
    const out: AgentEvent[] = [];
    for (const b of Array.isArray(msg?.content) ? msg.content : []) {
      const block = obj(b);
      if (block?.type === 'text' && typeof block.text === 'string' && block.text) out.push({ type: 'text', text: block.text, raw: text });
      else if (block?.type === 'tool_use') {
        out.push({ type: 'tool_call', callId: str(block.id) ?? '', name: str(block.name) ?? '', input: JSON.stringify(block.input ?? {}), raw: text });
      }
    }
    return out;
  }

  private user(m: Record<string, unknown>, text: string): AgentEvent[] {
    const content = obj(m.message)?.content;
    const out: AgentEvent[] = [];
    for (const b of Array.isArray(content) ? content : []) {
      const block = obj(b);
      if (block?.type !== 'tool_result') continue;
      out.push({ type: 'tool_result', callId: str(block.tool_use_id) ?? '', output: contentText(block.content), isError: block.is_error === true, raw: text });
    }
    return out;
  }

  /** The end of one prompt's answer: success, or error_max_turns / error_during_execution / an API error. */
  private result(m: Record<string, unknown>): AgentEvent[] {
    this.waiting = true;
    const subtype = str(m.subtype) ?? 'unknown';
    const ok = subtype === 'success' && m.is_error !== true;
    const errors = Array.isArray(m.errors) ? m.errors.filter((e) => typeof e === 'string').join('; ') : '';
    const message = str(m.result) || errors || subtype;
    // An interrupt (abortInput) ends the answer with error_during_execution and terminal_reason "aborted_streaming"
    // (or "aborted_tools" when it came during a tool).
    if (str(m.terminal_reason)?.startsWith('aborted')) this.reported = { reason: 'aborted', message: str(m.terminal_reason)! };
    else this.reported = ok ? { reason: 'done', message } : { reason: 'error', message: subtype === 'success' ? message : `${subtype}: ${message}` };
    return [];
  }

  idle(): boolean {
    return this.waiting;
  }

  finish(): { reported?: { reason: EndReason; message: string }; events: AgentEvent[] } {
    return { reported: this.reported, events: [] };
  }
}

export const claude: Runtime = {
  name: 'claude',
  apis: APIS,
  canSend: true,
  binary: (runtimeDir) => posix.join(runtimeDir, 'node_modules', '.bin', 'claude'),
  launch(o: LaunchOptions): AgentLaunch {
    requireApi(claude, o.api);
    const argv = [claude.binary(o.runtimeDir), '-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose',
      '--include-partial-messages', '--permission-mode', 'bypassPermissions', '--model', o.model];
    const env: Record<string, string> = {
      HOME: o.home,
      CLAUDE_CONFIG_DIR: posix.join(o.home, '.claude'),
      // The SDK appends /v1/messages itself.
      ANTHROPIC_BASE_URL: baseUrl(o.gatewayUrl),
      ANTHROPIC_API_KEY: o.token,
      IS_SANDBOX: '1',
      // Offline: no update checks, telemetry, error reports, feature-flag fetches or surveys.
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_UPDATES: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      DISABLE_BUG_COMMAND: '1',
      DISABLE_GROWTHBOOK: '1',
      DISABLE_INSTALLATION_CHECKS: '1',
      CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
      // Every side call (the small fast model, subagents, model aliases) goes to the agent's own model,
      // the only one its gateway token is good for.
      ANTHROPIC_SMALL_FAST_MODEL: o.model,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: o.model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: o.model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: o.model,
    };
    return { argv, env, files: [] };
  },
  firstInput: (prompt) => ({ data: userLine(prompt), closeStdin: false }),
  followUp: (prompt) => userLine(prompt),
  // Stops the current answer (the stream is cut, a result line follows); claude then waits on stdin again,
  // and exits once it is closed.
  abortInput: () => `${JSON.stringify({ type: 'control_request', request_id: `godel-abort-${Date.now()}`, request: { subtype: 'interrupt' } })}\n`,
  parser: () => new ClaudeParser(),
};
