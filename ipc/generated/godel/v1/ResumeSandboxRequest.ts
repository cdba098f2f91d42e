// Original file: ipc/proto/godel/v1/sandboxes.proto


export interface ResumeSandboxRequest {
  'id'?: (string);
}

export interface ResumeSandboxRequest__Output {
  'id': (string);
}
