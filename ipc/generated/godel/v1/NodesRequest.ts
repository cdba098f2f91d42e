// Original file: ipc/proto/godel/v1/system.proto


export interface NodesRequest {
}

export interface NodesRequest__Output {
}
