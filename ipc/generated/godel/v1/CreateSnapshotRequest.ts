// Original file: ipc/proto/godel/v1/snapshots.proto


export interface CreateSnapshotRequest {
  'sandboxId'?: (string);
  'name'?: (string);
  'labels'?: ({[key: string]: string});
  /**
   * Also capture memory and running processes; FAILED_PRECONDITION where the provider cannot.
   */
  'memory'?: (boolean);
}

export interface CreateSnapshotRequest__Output {
  'sandboxId': (string);
  'name': (string);
  'labels': ({[key: string]: string});
  /**
   * Also capture memory and running processes; FAILED_PRECONDITION where the provider cannot.
   */
  'memory': (boolean);
}
