// Original file: ipc/proto/godel/v1/snapshots.proto


export interface ForkRequest {
  'sandboxId'?: (string);
  /**
   * How many sandboxes to make: 1 to 64.
   */
  'count'?: (number);
  'labels'?: ({[key: string]: string});
}

export interface ForkRequest__Output {
  'sandboxId': (string);
  /**
   * How many sandboxes to make: 1 to 64.
   */
  'count': (number);
  'labels': ({[key: string]: string});
}
