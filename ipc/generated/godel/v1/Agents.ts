// Original file: ipc/proto/godel/v1/agents.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AbortAgentRequest as _godel_v1_AbortAgentRequest, AbortAgentRequest__Output as _godel_v1_AbortAgentRequest__Output } from '../../godel/v1/AbortAgentRequest.js';
import type { Agent as _godel_v1_Agent, Agent__Output as _godel_v1_Agent__Output } from '../../godel/v1/Agent.js';
import type { AgentEvent as _godel_v1_AgentEvent, AgentEvent__Output as _godel_v1_AgentEvent__Output } from '../../godel/v1/AgentEvent.js';
import type { AttachAgentRequest as _godel_v1_AttachAgentRequest, AttachAgentRequest__Output as _godel_v1_AttachAgentRequest__Output } from '../../godel/v1/AttachAgentRequest.js';
import type { Budget as _godel_v1_Budget, Budget__Output as _godel_v1_Budget__Output } from '../../godel/v1/Budget.js';
import type { GetAgentRequest as _godel_v1_GetAgentRequest, GetAgentRequest__Output as _godel_v1_GetAgentRequest__Output } from '../../godel/v1/GetAgentRequest.js';
import type { ListAgentsRequest as _godel_v1_ListAgentsRequest, ListAgentsRequest__Output as _godel_v1_ListAgentsRequest__Output } from '../../godel/v1/ListAgentsRequest.js';
import type { ListAgentsResponse as _godel_v1_ListAgentsResponse, ListAgentsResponse__Output as _godel_v1_ListAgentsResponse__Output } from '../../godel/v1/ListAgentsResponse.js';
import type { RunAgentRequest as _godel_v1_RunAgentRequest, RunAgentRequest__Output as _godel_v1_RunAgentRequest__Output } from '../../godel/v1/RunAgentRequest.js';
import type { SendAgentRequest as _godel_v1_SendAgentRequest, SendAgentRequest__Output as _godel_v1_SendAgentRequest__Output } from '../../godel/v1/SendAgentRequest.js';
import type { SetBudgetRequest as _godel_v1_SetBudgetRequest, SetBudgetRequest__Output as _godel_v1_SetBudgetRequest__Output } from '../../godel/v1/SetBudgetRequest.js';
import type { UsageRequest as _godel_v1_UsageRequest, UsageRequest__Output as _godel_v1_UsageRequest__Output } from '../../godel/v1/UsageRequest.js';
import type { UsageResponse as _godel_v1_UsageResponse, UsageResponse__Output as _godel_v1_UsageResponse__Output } from '../../godel/v1/UsageResponse.js';

/**
 * Agents runs agent CLIs (pi, claude, codex) in their machine-readable modes inside sandboxes and streams
 * their events, normalized. Agents outlive the clients that started them, as sessions do. Their model calls
 * go through the daemon's model gateway, which holds the real API keys (an agent gets a token of its own)
 * and meters and limits what each agent, label and swarm spends.
 */
export interface AgentsClient extends grpc.Client {
  /**
   * Abort stops a running agent; its end reason is `aborted`.
   */
  Abort(argument: _godel_v1_AbortAgentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  Abort(argument: _godel_v1_AbortAgentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  Abort(argument: _godel_v1_AbortAgentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  Abort(argument: _godel_v1_AbortAgentRequest, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  /**
   * Abort stops a running agent; its end reason is `aborted`.
   */
  abort(argument: _godel_v1_AbortAgentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  abort(argument: _godel_v1_AbortAgentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  abort(argument: _godel_v1_AbortAgentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  abort(argument: _godel_v1_AbortAgentRequest, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  
  /**
   * Attach replays an agent's events so far (or from `after_seq`), then streams live ones until its end.
   */
  Attach(argument: _godel_v1_AttachAgentRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_AgentEvent__Output>;
  Attach(argument: _godel_v1_AttachAgentRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_AgentEvent__Output>;
  /**
   * Attach replays an agent's events so far (or from `after_seq`), then streams live ones until its end.
   */
  attach(argument: _godel_v1_AttachAgentRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_AgentEvent__Output>;
  attach(argument: _godel_v1_AttachAgentRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_AgentEvent__Output>;
  
  Get(argument: _godel_v1_GetAgentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  Get(argument: _godel_v1_GetAgentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  Get(argument: _godel_v1_GetAgentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  Get(argument: _godel_v1_GetAgentRequest, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  get(argument: _godel_v1_GetAgentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  get(argument: _godel_v1_GetAgentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  get(argument: _godel_v1_GetAgentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  get(argument: _godel_v1_GetAgentRequest, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  
  List(argument: _godel_v1_ListAgentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListAgentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListAgentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListAgentsRequest, callback: grpc.requestCallback<_godel_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListAgentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListAgentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListAgentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListAgentsRequest, callback: grpc.requestCallback<_godel_v1_ListAgentsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Run starts an agent in a new sandbox of `template` or in the sandbox `sandbox_id`, and streams its
   * events: first `started`, then what the agent does, last `end`. Cancelling the call does not stop the
   * agent (Abort does).
   */
  Run(argument: _godel_v1_RunAgentRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_AgentEvent__Output>;
  Run(argument: _godel_v1_RunAgentRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_AgentEvent__Output>;
  /**
   * Run starts an agent in a new sandbox of `template` or in the sandbox `sandbox_id`, and streams its
   * events: first `started`, then what the agent does, last `end`. Cancelling the call does not stop the
   * agent (Abort does).
   */
  run(argument: _godel_v1_RunAgentRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_AgentEvent__Output>;
  run(argument: _godel_v1_RunAgentRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_AgentEvent__Output>;
  
  /**
   * Send gives a running agent a follow-up prompt (runtimes pi and claude).
   */
  Send(argument: _godel_v1_SendAgentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  Send(argument: _godel_v1_SendAgentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  Send(argument: _godel_v1_SendAgentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  Send(argument: _godel_v1_SendAgentRequest, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  /**
   * Send gives a running agent a follow-up prompt (runtimes pi and claude).
   */
  send(argument: _godel_v1_SendAgentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  send(argument: _godel_v1_SendAgentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  send(argument: _godel_v1_SendAgentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  send(argument: _godel_v1_SendAgentRequest, callback: grpc.requestCallback<_godel_v1_Agent__Output>): grpc.ClientUnaryCall;
  
  /**
   * SetBudget sets (or, with budget_usd 0, removes) a budget shared by every agent with a label, or of a swarm.
   */
  SetBudget(argument: _godel_v1_SetBudgetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Budget__Output>): grpc.ClientUnaryCall;
  SetBudget(argument: _godel_v1_SetBudgetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Budget__Output>): grpc.ClientUnaryCall;
  SetBudget(argument: _godel_v1_SetBudgetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Budget__Output>): grpc.ClientUnaryCall;
  SetBudget(argument: _godel_v1_SetBudgetRequest, callback: grpc.requestCallback<_godel_v1_Budget__Output>): grpc.ClientUnaryCall;
  /**
   * SetBudget sets (or, with budget_usd 0, removes) a budget shared by every agent with a label, or of a swarm.
   */
  setBudget(argument: _godel_v1_SetBudgetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Budget__Output>): grpc.ClientUnaryCall;
  setBudget(argument: _godel_v1_SetBudgetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Budget__Output>): grpc.ClientUnaryCall;
  setBudget(argument: _godel_v1_SetBudgetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Budget__Output>): grpc.ClientUnaryCall;
  setBudget(argument: _godel_v1_SetBudgetRequest, callback: grpc.requestCallback<_godel_v1_Budget__Output>): grpc.ClientUnaryCall;
  
  /**
   * Usage sums what agents spent: all of them, one agent, those with a label, or one swarm, on every
   * node of a federation that answers (asked of each; UsageResponse names the ones that did not).
   */
  Usage(argument: _godel_v1_UsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_UsageResponse__Output>): grpc.ClientUnaryCall;
  Usage(argument: _godel_v1_UsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_UsageResponse__Output>): grpc.ClientUnaryCall;
  Usage(argument: _godel_v1_UsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_UsageResponse__Output>): grpc.ClientUnaryCall;
  Usage(argument: _godel_v1_UsageRequest, callback: grpc.requestCallback<_godel_v1_UsageResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Usage sums what agents spent: all of them, one agent, those with a label, or one swarm, on every
   * node of a federation that answers (asked of each; UsageResponse names the ones that did not).
   */
  usage(argument: _godel_v1_UsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_UsageResponse__Output>): grpc.ClientUnaryCall;
  usage(argument: _godel_v1_UsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_UsageResponse__Output>): grpc.ClientUnaryCall;
  usage(argument: _godel_v1_UsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_UsageResponse__Output>): grpc.ClientUnaryCall;
  usage(argument: _godel_v1_UsageRequest, callback: grpc.requestCallback<_godel_v1_UsageResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Agents runs agent CLIs (pi, claude, codex) in their machine-readable modes inside sandboxes and streams
 * their events, normalized. Agents outlive the clients that started them, as sessions do. Their model calls
 * go through the daemon's model gateway, which holds the real API keys (an agent gets a token of its own)
 * and meters and limits what each agent, label and swarm spends.
 */
export interface AgentsHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Abort stops a running agent; its end reason is `aborted`.
   */
  Abort: grpc.handleUnaryCall<_godel_v1_AbortAgentRequest__Output, _godel_v1_Agent>;
  
  /**
   * Attach replays an agent's events so far (or from `after_seq`), then streams live ones until its end.
   */
  Attach: grpc.handleServerStreamingCall<_godel_v1_AttachAgentRequest__Output, _godel_v1_AgentEvent>;
  
  Get: grpc.handleUnaryCall<_godel_v1_GetAgentRequest__Output, _godel_v1_Agent>;
  
  List: grpc.handleUnaryCall<_godel_v1_ListAgentsRequest__Output, _godel_v1_ListAgentsResponse>;
  
  /**
   * Run starts an agent in a new sandbox of `template` or in the sandbox `sandbox_id`, and streams its
   * events: first `started`, then what the agent does, last `end`. Cancelling the call does not stop the
   * agent (Abort does).
   */
  Run: grpc.handleServerStreamingCall<_godel_v1_RunAgentRequest__Output, _godel_v1_AgentEvent>;
  
  /**
   * Send gives a running agent a follow-up prompt (runtimes pi and claude).
   */
  Send: grpc.handleUnaryCall<_godel_v1_SendAgentRequest__Output, _godel_v1_Agent>;
  
  /**
   * SetBudget sets (or, with budget_usd 0, removes) a budget shared by every agent with a label, or of a swarm.
   */
  SetBudget: grpc.handleUnaryCall<_godel_v1_SetBudgetRequest__Output, _godel_v1_Budget>;
  
  /**
   * Usage sums what agents spent: all of them, one agent, those with a label, or one swarm, on every
   * node of a federation that answers (asked of each; UsageResponse names the ones that did not).
   */
  Usage: grpc.handleUnaryCall<_godel_v1_UsageRequest__Output, _godel_v1_UsageResponse>;
  
}

export interface AgentsDefinition extends grpc.ServiceDefinition {
  Abort: MethodDefinition<_godel_v1_AbortAgentRequest, _godel_v1_Agent, _godel_v1_AbortAgentRequest__Output, _godel_v1_Agent__Output>
  Attach: MethodDefinition<_godel_v1_AttachAgentRequest, _godel_v1_AgentEvent, _godel_v1_AttachAgentRequest__Output, _godel_v1_AgentEvent__Output>
  Get: MethodDefinition<_godel_v1_GetAgentRequest, _godel_v1_Agent, _godel_v1_GetAgentRequest__Output, _godel_v1_Agent__Output>
  List: MethodDefinition<_godel_v1_ListAgentsRequest, _godel_v1_ListAgentsResponse, _godel_v1_ListAgentsRequest__Output, _godel_v1_ListAgentsResponse__Output>
  Run: MethodDefinition<_godel_v1_RunAgentRequest, _godel_v1_AgentEvent, _godel_v1_RunAgentRequest__Output, _godel_v1_AgentEvent__Output>
  Send: MethodDefinition<_godel_v1_SendAgentRequest, _godel_v1_Agent, _godel_v1_SendAgentRequest__Output, _godel_v1_Agent__Output>
  SetBudget: MethodDefinition<_godel_v1_SetBudgetRequest, _godel_v1_Budget, _godel_v1_SetBudgetRequest__Output, _godel_v1_Budget__Output>
  Usage: MethodDefinition<_godel_v1_UsageRequest, _godel_v1_UsageResponse, _godel_v1_UsageRequest__Output, _godel_v1_UsageResponse__Output>
}
