// Original file: ipc/proto/godel/v1/files.proto

import type { Long } from '@grpc/proto-loader';

export interface ReadFileRequest {
  'sandboxId'?: (string);
  'path'?: (string);
  'offset'?: (number | string | Long);
  'length'?: (number | string | Long);
}

export interface ReadFileRequest__Output {
  'sandboxId': (string);
  'path': (string);
  'offset': (number);
  'length': (number);
}
