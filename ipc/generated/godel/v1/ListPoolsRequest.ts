// Original file: ipc/proto/godel/v1/pools.proto


export interface ListPoolsRequest {
  /**
   * Only this node's pools; empty means the whole federation.
   */
  'node'?: (string);
}

export interface ListPoolsRequest__Output {
  /**
   * Only this node's pools; empty means the whole federation.
   */
  'node': (string);
}
