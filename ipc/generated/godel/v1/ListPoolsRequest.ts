// Original file: ipc/proto/godel/v1/pools.proto


export interface ListPoolsRequest {
}

export interface ListPoolsRequest__Output {
}
