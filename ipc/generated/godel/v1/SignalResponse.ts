// Original file: ipc/proto/godel/v1/exec.proto


export interface SignalResponse {
}

export interface SignalResponse__Output {
}
