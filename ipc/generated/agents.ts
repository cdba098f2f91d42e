import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AbortAgentRequest as _godel_v1_AbortAgentRequest, AbortAgentRequest__Output as _godel_v1_AbortAgentRequest__Output } from './godel/v1/AbortAgentRequest.js';
import type { Agent as _godel_v1_Agent, Agent__Output as _godel_v1_Agent__Output } from './godel/v1/Agent.js';
import type { AgentEnd as _godel_v1_AgentEnd, AgentEnd__Output as _godel_v1_AgentEnd__Output } from './godel/v1/AgentEnd.js';
import type { AgentEvent as _godel_v1_AgentEvent, AgentEvent__Output as _godel_v1_AgentEvent__Output } from './godel/v1/AgentEvent.js';
import type { AgentText as _godel_v1_AgentText, AgentText__Output as _godel_v1_AgentText__Output } from './godel/v1/AgentText.js';
import type { AgentToolCall as _godel_v1_AgentToolCall, AgentToolCall__Output as _godel_v1_AgentToolCall__Output } from './godel/v1/AgentToolCall.js';
import type { AgentToolResult as _godel_v1_AgentToolResult, AgentToolResult__Output as _godel_v1_AgentToolResult__Output } from './godel/v1/AgentToolResult.js';
import type { AgentTurnEnd as _godel_v1_AgentTurnEnd, AgentTurnEnd__Output as _godel_v1_AgentTurnEnd__Output } from './godel/v1/AgentTurnEnd.js';
import type { AgentUsage as _godel_v1_AgentUsage, AgentUsage__Output as _godel_v1_AgentUsage__Output } from './godel/v1/AgentUsage.js';
import type { AgentUsageEvent as _godel_v1_AgentUsageEvent, AgentUsageEvent__Output as _godel_v1_AgentUsageEvent__Output } from './godel/v1/AgentUsageEvent.js';
import type { AgentsClient as _godel_v1_AgentsClient, AgentsDefinition as _godel_v1_AgentsDefinition } from './godel/v1/Agents.js';
import type { AttachAgentRequest as _godel_v1_AttachAgentRequest, AttachAgentRequest__Output as _godel_v1_AttachAgentRequest__Output } from './godel/v1/AttachAgentRequest.js';
import type { Budget as _godel_v1_Budget, Budget__Output as _godel_v1_Budget__Output } from './godel/v1/Budget.js';
import type { GetAgentRequest as _godel_v1_GetAgentRequest, GetAgentRequest__Output as _godel_v1_GetAgentRequest__Output } from './godel/v1/GetAgentRequest.js';
import type { ListAgentsRequest as _godel_v1_ListAgentsRequest, ListAgentsRequest__Output as _godel_v1_ListAgentsRequest__Output } from './godel/v1/ListAgentsRequest.js';
import type { ListAgentsResponse as _godel_v1_ListAgentsResponse, ListAgentsResponse__Output as _godel_v1_ListAgentsResponse__Output } from './godel/v1/ListAgentsResponse.js';
import type { RunAgentRequest as _godel_v1_RunAgentRequest, RunAgentRequest__Output as _godel_v1_RunAgentRequest__Output } from './godel/v1/RunAgentRequest.js';
import type { SendAgentRequest as _godel_v1_SendAgentRequest, SendAgentRequest__Output as _godel_v1_SendAgentRequest__Output } from './godel/v1/SendAgentRequest.js';
import type { SetBudgetRequest as _godel_v1_SetBudgetRequest, SetBudgetRequest__Output as _godel_v1_SetBudgetRequest__Output } from './godel/v1/SetBudgetRequest.js';
import type { UsageByModel as _godel_v1_UsageByModel, UsageByModel__Output as _godel_v1_UsageByModel__Output } from './godel/v1/UsageByModel.js';
import type { UsageRequest as _godel_v1_UsageRequest, UsageRequest__Output as _godel_v1_UsageRequest__Output } from './godel/v1/UsageRequest.js';
import type { UsageResponse as _godel_v1_UsageResponse, UsageResponse__Output as _godel_v1_UsageResponse__Output } from './godel/v1/UsageResponse.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  godel: {
    v1: {
      AbortAgentRequest: MessageTypeDefinition<_godel_v1_AbortAgentRequest, _godel_v1_AbortAgentRequest__Output>
      Agent: MessageTypeDefinition<_godel_v1_Agent, _godel_v1_Agent__Output>
      AgentEnd: MessageTypeDefinition<_godel_v1_AgentEnd, _godel_v1_AgentEnd__Output>
      AgentEvent: MessageTypeDefinition<_godel_v1_AgentEvent, _godel_v1_AgentEvent__Output>
      AgentState: EnumTypeDefinition
      AgentText: MessageTypeDefinition<_godel_v1_AgentText, _godel_v1_AgentText__Output>
      AgentToolCall: MessageTypeDefinition<_godel_v1_AgentToolCall, _godel_v1_AgentToolCall__Output>
      AgentToolResult: MessageTypeDefinition<_godel_v1_AgentToolResult, _godel_v1_AgentToolResult__Output>
      AgentTurnEnd: MessageTypeDefinition<_godel_v1_AgentTurnEnd, _godel_v1_AgentTurnEnd__Output>
      AgentUsage: MessageTypeDefinition<_godel_v1_AgentUsage, _godel_v1_AgentUsage__Output>
      AgentUsageEvent: MessageTypeDefinition<_godel_v1_AgentUsageEvent, _godel_v1_AgentUsageEvent__Output>
      /**
       * Agents runs agent CLIs (pi, claude, codex) in their machine-readable modes inside sandboxes and streams
       * their events, normalized. Agents outlive the clients that started them, as sessions do. Their model calls
       * go through the daemon's model gateway, which holds the real API keys (an agent gets a token of its own)
       * and meters and limits what each agent, label and swarm spends.
       */
      Agents: SubtypeConstructor<typeof grpc.Client, _godel_v1_AgentsClient> & { service: _godel_v1_AgentsDefinition }
      AttachAgentRequest: MessageTypeDefinition<_godel_v1_AttachAgentRequest, _godel_v1_AttachAgentRequest__Output>
      Budget: MessageTypeDefinition<_godel_v1_Budget, _godel_v1_Budget__Output>
      GetAgentRequest: MessageTypeDefinition<_godel_v1_GetAgentRequest, _godel_v1_GetAgentRequest__Output>
      ListAgentsRequest: MessageTypeDefinition<_godel_v1_ListAgentsRequest, _godel_v1_ListAgentsRequest__Output>
      ListAgentsResponse: MessageTypeDefinition<_godel_v1_ListAgentsResponse, _godel_v1_ListAgentsResponse__Output>
      RunAgentRequest: MessageTypeDefinition<_godel_v1_RunAgentRequest, _godel_v1_RunAgentRequest__Output>
      SendAgentRequest: MessageTypeDefinition<_godel_v1_SendAgentRequest, _godel_v1_SendAgentRequest__Output>
      SetBudgetRequest: MessageTypeDefinition<_godel_v1_SetBudgetRequest, _godel_v1_SetBudgetRequest__Output>
      UsageByModel: MessageTypeDefinition<_godel_v1_UsageByModel, _godel_v1_UsageByModel__Output>
      UsageRequest: MessageTypeDefinition<_godel_v1_UsageRequest, _godel_v1_UsageRequest__Output>
      UsageResponse: MessageTypeDefinition<_godel_v1_UsageResponse, _godel_v1_UsageResponse__Output>
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

