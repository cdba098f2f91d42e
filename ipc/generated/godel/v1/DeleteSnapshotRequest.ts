// Original file: ipc/proto/godel/v1/snapshots.proto


export interface DeleteSnapshotRequest {
  'id'?: (string);
}

export interface DeleteSnapshotRequest__Output {
  'id': (string);
}
