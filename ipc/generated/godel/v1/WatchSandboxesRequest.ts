// Original file: ipc/proto/godel/v1/sandboxes.proto


export interface WatchSandboxesRequest {
  /**
   * Only events of this sandbox; empty means all.
   */
  'sandboxId'?: (string);
  /**
   * Only this node's events; empty means the whole federation.
   */
  'node'?: (string);
}

export interface WatchSandboxesRequest__Output {
  /**
   * Only events of this sandbox; empty means all.
   */
  'sandboxId': (string);
  /**
   * Only this node's events; empty means the whole federation.
   */
  'node': (string);
}
