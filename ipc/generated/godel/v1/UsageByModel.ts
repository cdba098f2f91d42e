// Original file: ipc/proto/godel/v1/agents.proto

import type { AgentUsage as _godel_v1_AgentUsage, AgentUsage__Output as _godel_v1_AgentUsage__Output } from '../../godel/v1/AgentUsage.js';

export interface UsageByModel {
  'model'?: (string);
  'usage'?: (_godel_v1_AgentUsage | null);
}

export interface UsageByModel__Output {
  'model': (string);
  'usage': (_godel_v1_AgentUsage__Output | null);
}
