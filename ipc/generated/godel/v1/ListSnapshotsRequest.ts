// Original file: ipc/proto/godel/v1/snapshots.proto


export interface ListSnapshotsRequest {
  /**
   * Only snapshots of this sandbox; empty means all.
   */
  'sandboxId'?: (string);
  'labelSelector'?: ({[key: string]: string});
  /**
   * Only this node's snapshots; empty means the whole federation.
   */
  'node'?: (string);
}

export interface ListSnapshotsRequest__Output {
  /**
   * Only snapshots of this sandbox; empty means all.
   */
  'sandboxId': (string);
  'labelSelector': ({[key: string]: string});
  /**
   * Only this node's snapshots; empty means the whole federation.
   */
  'node': (string);
}
