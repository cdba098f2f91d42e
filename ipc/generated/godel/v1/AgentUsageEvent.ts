// Original file: ipc/proto/godel/v1/agents.proto

import type { AgentUsage as _godel_v1_AgentUsage, AgentUsage__Output as _godel_v1_AgentUsage__Output } from '../../godel/v1/AgentUsage.js';

export interface AgentUsageEvent {
  'model'?: (string);
  'usage'?: (_godel_v1_AgentUsage | null);
  /**
   * "gateway": one model call, as the gateway metered and priced it (these add up to the totals);
   * "cli": what the CLI itself reported (its own counting and prices), kept for comparison.
   */
  'source'?: (string);
}

export interface AgentUsageEvent__Output {
  'model': (string);
  'usage': (_godel_v1_AgentUsage__Output | null);
  /**
   * "gateway": one model call, as the gateway metered and priced it (these add up to the totals);
   * "cli": what the CLI itself reported (its own counting and prices), kept for comparison.
   */
  'source': (string);
}
