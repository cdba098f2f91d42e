// Original file: ipc/proto/godel/v1/sandboxes.proto


export interface ListSandboxesRequest {
  /**
   * Label selector: every pair must match exactly (AND).
   */
  'labelSelector'?: ({[key: string]: string});
  /**
   * Optional filter by template name.
   */
  'template'?: (string);
  /**
   * Only this node's sandboxes; empty means the whole federation.
   */
  'node'?: (string);
}

export interface ListSandboxesRequest__Output {
  /**
   * Label selector: every pair must match exactly (AND).
   */
  'labelSelector': ({[key: string]: string});
  /**
   * Optional filter by template name.
   */
  'template': (string);
  /**
   * Only this node's sandboxes; empty means the whole federation.
   */
  'node': (string);
}
