// Original file: ipc/proto/godel/v1/agents.proto


export interface SetBudgetRequest {
  /**
   * One of label (KEY=VALUE) and swarm_id.
   */
  'label'?: (string);
  'swarmId'?: (string);
  'budgetUsd'?: (number | string);
}

export interface SetBudgetRequest__Output {
  /**
   * One of label (KEY=VALUE) and swarm_id.
   */
  'label': (string);
  'swarmId': (string);
  'budgetUsd': (number);
}
