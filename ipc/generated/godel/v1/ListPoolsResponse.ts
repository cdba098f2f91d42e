// Original file: ipc/proto/godel/v1/pools.proto

import type { Pool as _godel_v1_Pool, Pool__Output as _godel_v1_Pool__Output } from '../../godel/v1/Pool.js';

export interface ListPoolsResponse {
  'pools'?: (_godel_v1_Pool)[];
  /**
   * Peers whose pools are missing from the answer because they are unreachable.
   */
  'unreachableNodes'?: (string)[];
}

export interface ListPoolsResponse__Output {
  'pools': (_godel_v1_Pool__Output)[];
  /**
   * Peers whose pools are missing from the answer because they are unreachable.
   */
  'unreachableNodes': (string)[];
}
