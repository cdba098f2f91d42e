// Original file: ipc/proto/godel/v1/files.proto


export interface RemoveRequest {
  'sandboxId'?: (string);
  'path'?: (string);
  'recursive'?: (boolean);
}

export interface RemoveRequest__Output {
  'sandboxId': (string);
  'path': (string);
  'recursive': (boolean);
}
