// Original file: ipc/proto/godel/v1/snapshots.proto


export interface DeleteSnapshotResponse {
}

export interface DeleteSnapshotResponse__Output {
}
