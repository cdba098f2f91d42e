// Original file: ipc/proto/godel/v1/files.proto

import type { FileInfo as _godel_v1_FileInfo, FileInfo__Output as _godel_v1_FileInfo__Output } from '../../godel/v1/FileInfo.js';

export interface ListFilesResponse {
  'entries'?: (_godel_v1_FileInfo)[];
}

export interface ListFilesResponse__Output {
  'entries': (_godel_v1_FileInfo__Output)[];
}
