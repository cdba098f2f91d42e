// Original file: ipc/proto/godel/v1/swarm.proto


export interface SwarmPlacement {
  'node'?: (string);
  'count'?: (number);
  /**
   * Of those, how many came from the node's warm pool.
   */
  'warm'?: (number);
}

export interface SwarmPlacement__Output {
  'node': (string);
  'count': (number);
  /**
   * Of those, how many came from the node's warm pool.
   */
  'warm': (number);
}
