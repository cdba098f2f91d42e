// Original file: ipc/proto/godel/v1/files.proto


export interface GetArchiveRequest {
  'sandboxId'?: (string);
  'path'?: (string);
}

export interface GetArchiveRequest__Output {
  'sandboxId': (string);
  'path': (string);
}
