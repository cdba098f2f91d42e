// Original file: ipc/proto/godel/v1/files.proto


export interface PutArchiveHeader {
  'sandboxId'?: (string);
  /**
   * The directory to unpack into; it must exist.
   */
  'path'?: (string);
}

export interface PutArchiveHeader__Output {
  'sandboxId': (string);
  /**
   * The directory to unpack into; it must exist.
   */
  'path': (string);
}
