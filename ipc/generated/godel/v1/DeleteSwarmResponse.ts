// Original file: ipc/proto/godel/v1/swarm.proto


export interface DeleteSwarmResponse {
  'deleted'?: (number);
  /**
   * Members that could not be deleted (an unreachable node), by sandbox id, with why.
   */
  'failed'?: ({[key: string]: string});
}

export interface DeleteSwarmResponse__Output {
  'deleted': (number);
  /**
   * Members that could not be deleted (an unreachable node), by sandbox id, with why.
   */
  'failed': ({[key: string]: string});
}
