// Original file: ipc/proto/godel/v1/sandboxes.proto


export interface DeleteSandboxRequest {
  'id'?: (string);
}

export interface DeleteSandboxRequest__Output {
  'id': (string);
}
