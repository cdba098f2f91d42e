// Original file: ipc/proto/godel/v1/agents.proto

import type { Agent as _godel_v1_Agent, Agent__Output as _godel_v1_Agent__Output } from '../../godel/v1/Agent.js';

export interface ListAgentsResponse {
  'agents'?: (_godel_v1_Agent)[];
}

export interface ListAgentsResponse__Output {
  'agents': (_godel_v1_Agent__Output)[];
}
