// Original file: ipc/proto/godel/v1/files.proto


export interface RemoveResponse {
}

export interface RemoveResponse__Output {
}
