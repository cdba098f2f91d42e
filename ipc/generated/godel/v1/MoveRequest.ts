// Original file: ipc/proto/godel/v1/files.proto


export interface MoveRequest {
  'sandboxId'?: (string);
  'from'?: (string);
  'to'?: (string);
  /**
   * Replace an existing destination; otherwise a destination that exists is FILE_EXISTS.
   */
  'overwrite'?: (boolean);
}

export interface MoveRequest__Output {
  'sandboxId': (string);
  'from': (string);
  'to': (string);
  /**
   * Replace an existing destination; otherwise a destination that exists is FILE_EXISTS.
   */
  'overwrite': (boolean);
}
