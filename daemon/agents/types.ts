// The contracts between the three parts of the agents layer: the runtimes (how each agent CLI is
// started, fed and read: runtimes/), the model gateway (how its model calls reach an upstream and are
// metered: gateway/), and the agent manager (which owns agents, their records and budgets).
// One name per concept: an "agent" is one run of one CLI in one sandbox; a "runtime" is the CLI kind.

/** The agent CLIs godel runs. */
export type RuntimeName = 'pi' | 'claude' | 'codex';

/** The model APIs the gateway forwards. */
export type ModelApi = 'anthropic-messages' | 'openai-chat' | 'openai-responses';

/** What a model call cost, as read from the upstream's response and priced from the table. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

export type EndReason = 'done' | 'budget' | 'aborted' | 'error';

/**
 * One normalized event of an agent's stream. `raw` is the CLI's own line it came from (JSON text), kept
 * so that nothing a runtime says is lost; events the daemon makes itself (an end after a crash) have none.
 */
export type AgentEvent =
  | { type: 'text'; text: string; raw?: string }
  | { type: 'tool_call'; callId: string; name: string; input: string; raw?: string }
  | { type: 'tool_result'; callId: string; output: string; isError: boolean; raw?: string }
  | { type: 'usage'; usage: Usage; model: string; raw?: string }
  | { type: 'end'; reason: EndReason; exitCode: number; message: string; totals: Usage; raw?: string }
  /** The CLI has finished answering the current prompt (claude's result, pi's agent_end): idle until a follow-up. */
  | { type: 'turn_end'; raw?: string }
  /** A line the CLI printed that no parser rule matched: kept, never fatal. */
  | { type: 'raw'; raw: string };

/** Everything a runtime needs to start its CLI inside a sandbox. Paths are inside the sandbox. */
export interface LaunchOptions {
  model: string;
  /** The gateway's base URL for this agent's model provider, as the CLI inside sees it: http://127.0.0.1:PORT/p/NAME */
  gatewayUrl: string;
  /** Which API of the provider the gateway offers at gatewayUrl (a runtime that speaks several picks by it). */
  api: ModelApi;
  /** The agent's own gateway token: the only credential the CLI gets. */
  token: string;
  /** A writable directory for the CLI's config and state (HOME points here). */
  home: string;
  /** Where the pinned CLIs are installed, read-only: `${runtimeDir}/node_modules/.bin/<cli>`. */
  runtimeDir: string;
  /** The directory the agent works in (/workspace unless told). */
  workdir: string;
}

export interface AgentLaunch {
  argv: string[];
  env: Record<string, string>;
  /** Config files to write before starting (path inside the sandbox, under `home`). */
  files: Array<{ path: string; content: string }>;
}

/** Turns a CLI's stdout lines into normalized events. One per agent; keeps whatever state the CLI's stream needs. */
export interface EventParser {
  /** One line of the CLI's stdout (without the newline). */
  line(text: string): AgentEvent[];
  /**
   * The CLI ended. Returns the closing events it implies (the end event is made by the manager, which
   * also knows about budgets and aborts; a runtime only says what the CLI itself reported).
   */
  finish(): { reported?: { reason: EndReason; message: string } ; events: AgentEvent[] };
  /**
   * For CLIs that stay up between prompts (canSend): true once the CLI reported the end of its answer to
   * the last prompt and waits on stdin (claude's `result` line, pi's `agent_end`), false while it works.
   */
  idle?(): boolean;
}

export interface Runtime {
  readonly name: RuntimeName;
  /** The APIs the CLI can speak, best first. */
  readonly apis: readonly ModelApi[];
  /** Whether a running agent can take a follow-up prompt (Agents.Send). */
  readonly canSend: boolean;
  /** The CLI's executable under the host's runtime directory, to tell "not installed" before starting. */
  binary(runtimeDir: string): string;
  launch(o: LaunchOptions): AgentLaunch;
  /** What to write to the CLI's stdin to give it the first prompt; `closeStdin` for one-shot CLIs. */
  firstInput(prompt: string): { data: string; closeStdin: boolean };
  /** A follow-up prompt on stdin (only when canSend). */
  followUp(prompt: string): string;
  /** What to write to stdin to stop the CLI cleanly, if it has such a command; otherwise it gets SIGTERM. */
  abortInput?(): string;
  /** `launch`: the options the CLI was started with (codex's stream never names its model; this does). */
  parser(launch?: LaunchOptions): EventParser;
  /** Starts of stdout lines the parser would drop unread: the reader drops them as they stream by. */
  readonly ignoredLines?: readonly string[];
}

/** Who is calling the gateway, decided per request by the agent manager. */
export type GatewayAuth =
  | { ok: true; agentId: string; model: string; template: string }
  | { ok: false; status: number; code: string; message: string };

/** What the gateway decides each call by: in the daemon, the token table on its thread (gateway/token-table.ts). */
export interface GatewayPolicy {
  /** `token` as the CLI sent it; `sandboxId`, the sandbox whose listener the request came in on. */
  authorize(token: string, sandboxId: string): GatewayAuth;
  /** Before forwarding: undefined when the agent may spend, else why not (its budget, a label's, a swarm's). */
  refusal(agentId: string): string | undefined;
  /** After a response: what it used (called once per upstream response that reported usage). */
  record(agentId: string, model: string, usage: Usage): void;
}
