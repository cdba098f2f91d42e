// Original file: ipc/proto/godel/v1/swarm.proto


export interface SwarmExecRequest {
  'swarmId'?: (string);
  'argv'?: (string)[];
  'env'?: ({[key: string]: string});
  'cwd'?: (string);
  'timeout'?: (number);
}

export interface SwarmExecRequest__Output {
  'swarmId': (string);
  'argv': (string)[];
  'env': ({[key: string]: string});
  'cwd': (string);
  'timeout': (number);
}
