// Original file: ipc/proto/godel/v1/agents.proto


export interface UsageRequest {
  /**
   * At most one of these; none sums every agent.
   */
  'agentId'?: (string);
  /**
   * KEY=VALUE
   */
  'label'?: (string);
  'swarmId'?: (string);
}

export interface UsageRequest__Output {
  /**
   * At most one of these; none sums every agent.
   */
  'agentId': (string);
  /**
   * KEY=VALUE
   */
  'label': (string);
  'swarmId': (string);
}
