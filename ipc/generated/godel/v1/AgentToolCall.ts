// Original file: ipc/proto/godel/v1/agents.proto


export interface AgentToolCall {
  'callId'?: (string);
  'name'?: (string);
  /**
   * The tool's input, as JSON.
   */
  'input'?: (string);
}

export interface AgentToolCall__Output {
  'callId': (string);
  'name': (string);
  /**
   * The tool's input, as JSON.
   */
  'input': (string);
}
