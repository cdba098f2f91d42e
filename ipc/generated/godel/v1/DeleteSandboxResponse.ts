// Original file: ipc/proto/godel/v1/sandboxes.proto


export interface DeleteSandboxResponse {
}

export interface DeleteSandboxResponse__Output {
}
