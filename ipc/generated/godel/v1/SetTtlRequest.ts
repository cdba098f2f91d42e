// Original file: ipc/proto/godel/v1/sandboxes.proto


export interface SetTtlRequest {
  'id'?: (string);
  'ttlSeconds'?: (number);
}

export interface SetTtlRequest__Output {
  'id': (string);
  'ttlSeconds': (number);
}
