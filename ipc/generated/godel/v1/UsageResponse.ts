// Original file: ipc/proto/godel/v1/agents.proto

import type { AgentUsage as _godel_v1_AgentUsage, AgentUsage__Output as _godel_v1_AgentUsage__Output } from '../../godel/v1/AgentUsage.js';
import type { UsageByModel as _godel_v1_UsageByModel, UsageByModel__Output as _godel_v1_UsageByModel__Output } from '../../godel/v1/UsageByModel.js';

export interface UsageResponse {
  'total'?: (_godel_v1_AgentUsage | null);
  'models'?: (_godel_v1_UsageByModel)[];
  'agents'?: (number);
  /**
   * The budget that applies to this scope, if any (0: none).
   */
  'budgetUsd'?: (number | string);
  /**
   * The nodes whose agents are summed, and the federation's nodes left out because they did not answer.
   */
  'nodes'?: (string)[];
  'unreachableNodes'?: (string)[];
}

export interface UsageResponse__Output {
  'total': (_godel_v1_AgentUsage__Output | null);
  'models': (_godel_v1_UsageByModel__Output)[];
  'agents': (number);
  /**
   * The budget that applies to this scope, if any (0: none).
   */
  'budgetUsd': (number);
  /**
   * The nodes whose agents are summed, and the federation's nodes left out because they did not answer.
   */
  'nodes': (string)[];
  'unreachableNodes': (string)[];
}
