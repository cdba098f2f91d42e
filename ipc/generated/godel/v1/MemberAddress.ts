// Original file: ipc/proto/godel/v1/federation.proto


export interface MemberAddress {
  'name'?: (string);
  'address'?: (string);
}

export interface MemberAddress__Output {
  'name': (string);
  'address': (string);
}
