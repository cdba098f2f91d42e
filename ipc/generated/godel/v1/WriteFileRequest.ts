// Original file: ipc/proto/godel/v1/files.proto

import type { WriteFileHeader as _godel_v1_WriteFileHeader, WriteFileHeader__Output as _godel_v1_WriteFileHeader__Output } from '../../godel/v1/WriteFileHeader.js';

export interface WriteFileRequest {
  'header'?: (_godel_v1_WriteFileHeader | null);
  'data'?: (Buffer | Uint8Array | string);
  'part'?: "header"|"data";
}

export interface WriteFileRequest__Output {
  'header'?: (_godel_v1_WriteFileHeader__Output | null);
  'data'?: (Buffer);
  'part'?: "header"|"data";
}
