// Original file: ipc/proto/godel/v1/files.proto

import type { PutArchiveHeader as _godel_v1_PutArchiveHeader, PutArchiveHeader__Output as _godel_v1_PutArchiveHeader__Output } from '../../godel/v1/PutArchiveHeader.js';

export interface PutArchiveRequest {
  'header'?: (_godel_v1_PutArchiveHeader | null);
  'data'?: (Buffer | Uint8Array | string);
  'part'?: "header"|"data";
}

export interface PutArchiveRequest__Output {
  'header'?: (_godel_v1_PutArchiveHeader__Output | null);
  'data'?: (Buffer);
  'part'?: "header"|"data";
}
