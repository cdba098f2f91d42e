// Original file: ipc/proto/godel/v1/swarm.proto


export interface ListSwarmsRequest {
}

export interface ListSwarmsRequest__Output {
}
