// Original file: ipc/proto/godel/v1/files.proto


export interface MakeDirRequest {
  'sandboxId'?: (string);
  'path'?: (string);
  'parents'?: (boolean);
  /**
   * 0 means 0755.
   */
  'permissions'?: (number);
}

export interface MakeDirRequest__Output {
  'sandboxId': (string);
  'path': (string);
  'parents': (boolean);
  /**
   * 0 means 0755.
   */
  'permissions': (number);
}
