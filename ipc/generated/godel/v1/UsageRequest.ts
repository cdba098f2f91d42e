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
  /**
   * The node whose agents are summed; empty: every node of the federation that answers (an agent's usage
   * is its own node's, wherever asked).
   */
  'node'?: (string);
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
  /**
   * The node whose agents are summed; empty: every node of the federation that answers (an agent's usage
   * is its own node's, wherever asked).
   */
  'node': (string);
}
