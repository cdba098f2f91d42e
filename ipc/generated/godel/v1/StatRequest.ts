// Original file: ipc/proto/godel/v1/files.proto


export interface StatRequest {
  'sandboxId'?: (string);
  'path'?: (string);
}

export interface StatRequest__Output {
  'sandboxId': (string);
  'path': (string);
}
