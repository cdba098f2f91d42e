// Original file: ipc/proto/godel/v1/snapshots.proto


export interface GetSnapshotRequest {
  'id'?: (string);
}

export interface GetSnapshotRequest__Output {
  'id': (string);
}
