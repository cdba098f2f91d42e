// pi (@mariozechner/pi-coding-agent, a Node program) as an agent runtime.
//
// Started as `pi --mode rpc --provider godel --model M`: commands are JSON lines on stdin ({"type":"prompt",
// "message":...}, {"type":"abort"}), events JSON lines on stdout (agent_start, message_*, tool_execution_*,
// turn_*, agent_end, response). It stays up between prompts until stdin is closed, then exits 0.
// The gateway is a custom provider "godel" in <agentDir>/models.json, speaking the API the agent was given
// (anthropic-messages, openai-completions or openai-responses); its apiKey names the env var that holds the
// token, so the file holds no secret.
//
// Checked against pi 0.73.1 and the fake model server:
// - Calls: POST {gatewayUrl}/v1/messages (Anthropic SDK, key in x-api-key), POST {gatewayUrl}/v1/chat/completions
//   or /v1/responses (OpenAI SDK, Authorization: Bearer); nothing else at start with PI_OFFLINE=1 (traced
//   with strace: it connects to the gateway only). It takes ~2 s of CPU to load before its first request.
// - Its tools are read, bash, edit, write; a file path is relative to the cwd.
// - Refusals: with its defaults a 429 (Anthropic rate_limit_error, OpenAI insufficient_quota alike) is
//   retried by the SDK (2 more requests) and then by pi itself 3 times after 2, 4 and 8 s: 12 requests,
//   ~20 s. So settings.json turns both off (retry.enabled false, retry.provider.maxRetries 0): then a
//   429 or a 400 is one request and an agent_end at once, the assistant message carrying stopReason
//   "error" and errorMessage "429 ...". (With retries on, a 400 is still one request.)
// - Its RPC lines are strict JSONL: a reader must split on \n only (U+2028 may occur inside a string).
import { posix } from 'node:path';
import type { AgentEvent, AgentLaunch, EndReason, EventParser, LaunchOptions, ModelApi, Runtime } from '../types.js';
import { TOKEN_ENV, baseUrl, contentText, jsonObject, num, obj, raw, requireApi, str, usage } from './common.js';

const APIS: readonly ModelApi[] = ['anthropic-messages', 'openai-responses', 'openai-chat'];

/** pi's names for the APIs, and where each SDK wants its base URL (the Anthropic SDK adds /v1 itself). */
const PI_API: Record<ModelApi, { api: string; suffix: string }> = {
  'anthropic-messages': { api: 'anthropic-messages', suffix: '' },
  'openai-chat': { api: 'openai-completions', suffix: '/v1' },
  'openai-responses': { api: 'openai-responses', suffix: '/v1' },
};

const PROVIDER = 'godel';

const MESSAGE_UPDATE = '{"type":"message_update"';

function command(c: Record<string, unknown>): string {
  return `${JSON.stringify(c)}\n`;
}

class PiParser implements EventParser {
  private lastError: { reason: EndReason; message: string } | undefined;
  private reported: { reason: EndReason; message: string } | undefined;
  private waiting = false;

  line(text: string): AgentEvent[] {
    // Each streamed delta repeats the whole message so far (twice): a 2,000-token answer is 24 MB of
    // message_update lines. They carry nothing message_end does not, so they are dropped unparsed.
    if (text.startsWith(MESSAGE_UPDATE)) return [];
    const m = jsonObject(text);
    if (!m) return [raw(text)];
    switch (m.type) {
      case 'agent_start':
        this.waiting = false;
        this.lastError = undefined;
        return [];
      case 'message_end': return this.messageEnd(m, text);
      case 'tool_execution_end': {
        const result = obj(m.result);
        return [{ type: 'tool_result', callId: str(m.toolCallId) ?? '', output: contentText(result?.content), isError: m.isError === true, raw: text }];
      }
      case 'agent_end':
        this.waiting = true;
        this.reported = this.lastError ?? { reason: 'done', message: 'agent_end' };
        return [];
      case 'response': {
        // A command pi refused (a prompt while busy, a parse error): the prompt never ran.
        if (m.success === false) {
          this.reported = { reason: 'error', message: `${str(m.command) ?? 'command'}: ${str(m.error) ?? 'refused'}` };
          return [raw(text)];
        }
        return [];
      }
      // Streaming deltas and bookkeeping: what they say arrives whole in message_end / tool_execution_end.
      case 'message_start': case 'message_update': case 'turn_start': case 'turn_end':
      case 'tool_execution_start': case 'tool_execution_update': case 'queue_update':
        return [];
      // auto_retry_*, compaction_*, extension_error, extension_ui_request: kept as they are.
      default: return [raw(text)];
    }
  }

  private messageEnd(m: Record<string, unknown>, text: string): AgentEvent[] {
    const msg = obj(m.message);
    if (msg?.role !== 'assistant') return [];
    const out: AgentEvent[] = [];
    for (const b of Array.isArray(msg.content) ? msg.content : []) {
      const block = obj(b);
      if (block?.type === 'text' && typeof block.text === 'string' && block.text) out.push({ type: 'text', text: block.text, raw: text });
      else if (block?.type === 'toolCall') {
        out.push({ type: 'tool_call', callId: str(block.id) ?? '', name: str(block.name) ?? '', input: JSON.stringify(block.arguments ?? {}), raw: text });
      }
    }
    const u = obj(msg.usage);
    const tokens = u ? num(u.input) + num(u.output) + num(u.cacheRead) + num(u.cacheWrite) : 0;
    // A failed request is an assistant message with no usage: nothing was spent, so no usage event.
    if (u && tokens > 0) {
      out.push({ type: 'usage', model: str(msg.model) ?? '', raw: text,
        usage: usage(num(u.input), num(u.output), num(u.cacheRead), num(u.cacheWrite), num(obj(u.cost)?.total)) });
    }
    const stop = str(msg.stopReason);
    if (stop === 'error') this.lastError = { reason: 'error', message: str(msg.errorMessage) ?? 'error' };
    else if (stop === 'aborted') this.lastError = { reason: 'aborted', message: str(msg.errorMessage) ?? 'aborted' };
    return out;
  }

  idle(): boolean {
    return this.waiting;
  }

  finish(): { reported?: { reason: EndReason; message: string }; events: AgentEvent[] } {
    return { reported: this.reported, events: [] };
  }
}

export const pi: Runtime = {
  name: 'pi',
  apis: APIS,
  canSend: true,
  ignoredLines: [MESSAGE_UPDATE],
  binary: (runtimeDir) => posix.join(runtimeDir, 'node_modules', '.bin', 'pi'),
  launch(o: LaunchOptions): AgentLaunch {
    requireApi(pi, o.api);
    const agentDir = posix.join(o.home, '.pi', 'agent');
    const { api, suffix } = PI_API[o.api];
    const models = {
      providers: {
        [PROVIDER]: { baseUrl: baseUrl(o.gatewayUrl) + suffix, api, apiKey: TOKEN_ENV, models: [{ id: o.model, name: o.model }] },
      },
    };
    // Retries off: a refusal from the gateway (a spent budget) must end the run, not start a backoff loop.
    const settings = { retry: { enabled: false, provider: { maxRetries: 0 } } };
    return {
      argv: [pi.binary(o.runtimeDir), '--mode', 'rpc', '--provider', PROVIDER, '--model', o.model],
      env: {
        HOME: o.home,
        PI_CODING_AGENT_DIR: agentDir,
        [TOKEN_ENV]: o.token,
        // Offline: no update check, no install telemetry, no package update checks.
        PI_OFFLINE: '1',
        PI_SKIP_VERSION_CHECK: '1',
        PI_TELEMETRY: '0',
      },
      files: [
        { path: posix.join(agentDir, 'models.json'), content: `${JSON.stringify(models, null, 2)}\n` },
        { path: posix.join(agentDir, 'settings.json'), content: `${JSON.stringify(settings, null, 2)}\n` },
      ],
    };
  },
  firstInput: (prompt) => ({ data: command({ type: 'prompt', message: prompt }), closeStdin: false }),
  // As a prompt that queues behind a running answer, and runs at once when pi is idle (follow_up alone
  // would only queue).
  followUp: (prompt) => command({ type: 'prompt', message: prompt, streamingBehavior: 'followUp' }),
  abortInput: () => command({ type: 'abort' }),
  parser: () => new PiParser(),
};
