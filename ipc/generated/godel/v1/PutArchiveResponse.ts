// Original file: ipc/proto/godel/v1/files.proto

import type { Long } from '@grpc/proto-loader';

export interface PutArchiveResponse {
  'entries'?: (number | string | Long);
  'bytes'?: (number | string | Long);
}

export interface PutArchiveResponse__Output {
  'entries': (number);
  'bytes': (number);
}
