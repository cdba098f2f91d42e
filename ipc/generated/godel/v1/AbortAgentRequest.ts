// Original file: ipc/proto/godel/v1/agents.proto


export interface AbortAgentRequest {
  'agentId'?: (string);
}

export interface AbortAgentRequest__Output {
  'agentId': (string);
}
