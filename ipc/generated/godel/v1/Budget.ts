// Original file: ipc/proto/godel/v1/agents.proto


export interface Budget {
  'label'?: (string);
  'swarmId'?: (string);
  'budgetUsd'?: (number | string);
  'spentUsd'?: (number | string);
}

export interface Budget__Output {
  'label': (string);
  'swarmId': (string);
  'budgetUsd': (number);
  'spentUsd': (number);
}
