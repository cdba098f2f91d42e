// Original file: ipc/proto/godel/v1/files.proto


export interface MakeDirResponse {
}

export interface MakeDirResponse__Output {
}
