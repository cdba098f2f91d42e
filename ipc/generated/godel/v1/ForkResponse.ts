// Original file: ipc/proto/godel/v1/snapshots.proto

import type { Sandbox as _godel_v1_Sandbox, Sandbox__Output as _godel_v1_Sandbox__Output } from '../../godel/v1/Sandbox.js';
import type { Snapshot as _godel_v1_Snapshot, Snapshot__Output as _godel_v1_Snapshot__Output } from '../../godel/v1/Snapshot.js';

export interface ForkResponse {
  'sandboxes'?: (_godel_v1_Sandbox)[];
  /**
   * The point they were forked from, as a snapshot kept until deleted.
   */
  'snapshot'?: (_godel_v1_Snapshot | null);
}

export interface ForkResponse__Output {
  'sandboxes': (_godel_v1_Sandbox__Output)[];
  /**
   * The point they were forked from, as a snapshot kept until deleted.
   */
  'snapshot': (_godel_v1_Snapshot__Output | null);
}
