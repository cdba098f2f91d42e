// Original file: ipc/proto/godel/v1/files.proto

import type { Long } from '@grpc/proto-loader';

export interface FileTicket {
  /**
   * Exchanged for the descriptor on the daemon's socket (see Files.Open).
   */
  'ticket'?: (string);
  /**
   * The file's size when it was opened.
   */
  'size'?: (number | string | Long);
}

export interface FileTicket__Output {
  /**
   * Exchanged for the descriptor on the daemon's socket (see Files.Open).
   */
  'ticket': (string);
  /**
   * The file's size when it was opened.
   */
  'size': (number);
}
