// Original file: ipc/proto/godel/v1/swarm.proto


export interface SwarmMemberError {
  'code'?: (string);
  'message'?: (string);
}

export interface SwarmMemberError__Output {
  'code': (string);
  'message': (string);
}
