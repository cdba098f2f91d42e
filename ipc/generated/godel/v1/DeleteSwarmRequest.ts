// Original file: ipc/proto/godel/v1/swarm.proto


export interface DeleteSwarmRequest {
  'swarmId'?: (string);
}

export interface DeleteSwarmRequest__Output {
  'swarmId': (string);
}
