// Original file: ipc/proto/godel/v1/agents.proto

import type { AgentUsage as _godel_v1_AgentUsage, AgentUsage__Output as _godel_v1_AgentUsage__Output } from '../../godel/v1/AgentUsage.js';

export interface AgentEnd {
  'reason'?: (string);
  'exitCode'?: (number);
  'message'?: (string);
  /**
   * What the gateway metered for the whole run.
   */
  'totals'?: (_godel_v1_AgentUsage | null);
}

export interface AgentEnd__Output {
  'reason': (string);
  'exitCode': (number);
  'message': (string);
  /**
   * What the gateway metered for the whole run.
   */
  'totals': (_godel_v1_AgentUsage__Output | null);
}
