// Original file: ipc/proto/godel/v1/agents.proto


export interface GetAgentRequest {
  'agentId'?: (string);
}

export interface GetAgentRequest__Output {
  'agentId': (string);
}
