// Original file: ipc/proto/godel/v1/files.proto


export interface WatchFilesRequest {
  'sandboxId'?: (string);
  /**
   * A directory under /workspace (or /workspace itself).
   */
  'path'?: (string);
}

export interface WatchFilesRequest__Output {
  'sandboxId': (string);
  /**
   * A directory under /workspace (or /workspace itself).
   */
  'path': (string);
}
