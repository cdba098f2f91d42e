// Original file: ipc/proto/godel/v1/agents.proto


export interface AgentText {
  'text'?: (string);
}

export interface AgentText__Output {
  'text': (string);
}
