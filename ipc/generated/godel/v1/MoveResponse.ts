// Original file: ipc/proto/godel/v1/files.proto


export interface MoveResponse {
}

export interface MoveResponse__Output {
}
