// Original file: ipc/proto/godel/v1/sandboxes.proto


export interface EventsRequest {
  /**
   * Only events of this sandbox; empty means all.
   */
  'sandboxId'?: (string);
  /**
   * Keep the stream open and send new events as they happen.
   */
  'follow'?: (boolean);
  /**
   * How many of the newest stored events to replay first; 0 means 100.
   */
  'limit'?: (number);
  /**
   * Only this node's events; empty means the whole federation.
   */
  'node'?: (string);
}

export interface EventsRequest__Output {
  /**
   * Only events of this sandbox; empty means all.
   */
  'sandboxId': (string);
  /**
   * Keep the stream open and send new events as they happen.
   */
  'follow': (boolean);
  /**
   * How many of the newest stored events to replay first; 0 means 100.
   */
  'limit': (number);
  /**
   * Only this node's events; empty means the whole federation.
   */
  'node': (string);
}
