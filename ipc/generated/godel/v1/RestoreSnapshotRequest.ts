// Original file: ipc/proto/godel/v1/snapshots.proto


export interface RestoreSnapshotRequest {
  'snapshotId'?: (string);
  'labels'?: ({[key: string]: string});
  'env'?: ({[key: string]: string});
  'ttlSeconds'?: (number);
}

export interface RestoreSnapshotRequest__Output {
  'snapshotId': (string);
  'labels': ({[key: string]: string});
  'env': ({[key: string]: string});
  'ttlSeconds': (number);
}
