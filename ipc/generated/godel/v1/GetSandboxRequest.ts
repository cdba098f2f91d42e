// Original file: ipc/proto/godel/v1/sandboxes.proto


export interface GetSandboxRequest {
  'id'?: (string);
}

export interface GetSandboxRequest__Output {
  'id': (string);
}
