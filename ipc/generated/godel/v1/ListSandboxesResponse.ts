// Original file: ipc/proto/godel/v1/sandboxes.proto

import type { Sandbox as _godel_v1_Sandbox, Sandbox__Output as _godel_v1_Sandbox__Output } from '../../godel/v1/Sandbox.js';

export interface ListSandboxesResponse {
  'sandboxes'?: (_godel_v1_Sandbox)[];
  /**
   * Peers whose part of the answer is missing or last known (their sandboxes are listed UNKNOWN).
   */
  'unreachableNodes'?: (string)[];
}

export interface ListSandboxesResponse__Output {
  'sandboxes': (_godel_v1_Sandbox__Output)[];
  /**
   * Peers whose part of the answer is missing or last known (their sandboxes are listed UNKNOWN).
   */
  'unreachableNodes': (string)[];
}
