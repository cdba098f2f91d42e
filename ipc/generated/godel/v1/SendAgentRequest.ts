// Original file: ipc/proto/godel/v1/agents.proto


export interface SendAgentRequest {
  'agentId'?: (string);
  'prompt'?: (string);
}

export interface SendAgentRequest__Output {
  'agentId': (string);
  'prompt': (string);
}
