// Original file: ipc/proto/godel/v1/files.proto

import type { Long } from '@grpc/proto-loader';

export interface FileClosed {
  /**
   * The file's size when it was closed.
   */
  'size'?: (number | string | Long);
}

export interface FileClosed__Output {
  /**
   * The file's size when it was closed.
   */
  'size': (number);
}
