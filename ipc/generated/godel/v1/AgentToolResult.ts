// Original file: ipc/proto/godel/v1/agents.proto


export interface AgentToolResult {
  'callId'?: (string);
  'output'?: (string);
  'isError'?: (boolean);
}

export interface AgentToolResult__Output {
  'callId': (string);
  'output': (string);
  'isError': (boolean);
}
