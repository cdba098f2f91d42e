// Original file: ipc/proto/godel/v1/snapshots.proto

import type { Snapshot as _godel_v1_Snapshot, Snapshot__Output as _godel_v1_Snapshot__Output } from '../../godel/v1/Snapshot.js';

export interface ListSnapshotsResponse {
  'snapshots'?: (_godel_v1_Snapshot)[];
  /**
   * Peers whose snapshots are missing from the answer because they are unreachable.
   */
  'unreachableNodes'?: (string)[];
}

export interface ListSnapshotsResponse__Output {
  'snapshots': (_godel_v1_Snapshot__Output)[];
  /**
   * Peers whose snapshots are missing from the answer because they are unreachable.
   */
  'unreachableNodes': (string)[];
}
