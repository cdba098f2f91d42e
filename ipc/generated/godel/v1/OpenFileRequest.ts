// Original file: ipc/proto/godel/v1/files.proto

import type { OpenFileHeader as _godel_v1_OpenFileHeader, OpenFileHeader__Output as _godel_v1_OpenFileHeader__Output } from '../../godel/v1/OpenFileHeader.js';
import type { CloseFile as _godel_v1_CloseFile, CloseFile__Output as _godel_v1_CloseFile__Output } from '../../godel/v1/CloseFile.js';

export interface OpenFileRequest {
  /**
   * The first message.
   */
  'header'?: (_godel_v1_OpenFileHeader | null);
  /**
   * The last message.
   */
  'close'?: (_godel_v1_CloseFile | null);
  'part'?: "header"|"close";
}

export interface OpenFileRequest__Output {
  /**
   * The first message.
   */
  'header'?: (_godel_v1_OpenFileHeader__Output | null);
  /**
   * The last message.
   */
  'close'?: (_godel_v1_CloseFile__Output | null);
  'part'?: "header"|"close";
}
