// Original file: ipc/proto/godel/v1/system.proto


export interface VersionRequest {
}

export interface VersionRequest__Output {
}
