// Original file: ipc/proto/godel/v1/files.proto


export interface ListFilesRequest {
  'sandboxId'?: (string);
  'path'?: (string);
  /**
   * Levels to descend; 0 means 1.
   */
  'depth'?: (number);
}

export interface ListFilesRequest__Output {
  'sandboxId': (string);
  'path': (string);
  /**
   * Levels to descend; 0 means 1.
   */
  'depth': (number);
}
