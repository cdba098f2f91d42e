// Original file: ipc/proto/godel/v1/swarm.proto


export interface SwarmExecRequest {
  'swarmId'?: (string);
  'argv'?: (string)[];
  'env'?: ({[key: string]: string});
  'cwd'?: (string);
  /**
   * Seconds after which each member's command is killed; 0 means no limit.
   */
  'timeout'?: (number);
}

export interface SwarmExecRequest__Output {
  'swarmId': (string);
  'argv': (string)[];
  'env': ({[key: string]: string});
  'cwd': (string);
  /**
   * Seconds after which each member's command is killed; 0 means no limit.
   */
  'timeout': (number);
}
