// Original file: ipc/proto/godel/v1/system.proto


export interface InfoRequest {
}

export interface InfoRequest__Output {
}
