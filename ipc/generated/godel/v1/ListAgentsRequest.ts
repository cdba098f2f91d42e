// Original file: ipc/proto/godel/v1/agents.proto


export interface ListAgentsRequest {
  'labelSelector'?: ({[key: string]: string});
  'swarmId'?: (string);
  /**
   * Only agents still running.
   */
  'running'?: (boolean);
}

export interface ListAgentsRequest__Output {
  'labelSelector': ({[key: string]: string});
  'swarmId': (string);
  /**
   * Only agents still running.
   */
  'running': (boolean);
}
