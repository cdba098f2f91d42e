// Original file: ipc/proto/godel/v1/swarm.proto

import type { SwarmInfo as _godel_v1_SwarmInfo, SwarmInfo__Output as _godel_v1_SwarmInfo__Output } from '../../godel/v1/SwarmInfo.js';

export interface ListSwarmsResponse {
  'swarms'?: (_godel_v1_SwarmInfo)[];
  'unreachableNodes'?: (string)[];
}

export interface ListSwarmsResponse__Output {
  'swarms': (_godel_v1_SwarmInfo__Output)[];
  'unreachableNodes': (string)[];
}
