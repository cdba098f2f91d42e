// Original file: ipc/proto/godel/v1/sandboxes.proto


export interface PauseSandboxRequest {
  'id'?: (string);
}

export interface PauseSandboxRequest__Output {
  'id': (string);
}
