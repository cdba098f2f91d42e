// Original file: ipc/proto/godel/v1/exec.proto


export interface ListSessionsRequest {
  'sandboxId'?: (string);
}

export interface ListSessionsRequest__Output {
  'sandboxId': (string);
}
