// Original file: ipc/proto/godel/v1/files.proto

import type { FileType as _godel_v1_FileType, FileType__Output as _godel_v1_FileType__Output } from '../../godel/v1/FileType.js';

export interface FileEvent {
  /**
   * "create", "modify", "delete" or "move"; "ready" first, when the request asked for it.
   */
  'type'?: (string);
  'path'?: (string);
  /**
   * For "move": where the file was before, when known.
   */
  'from'?: (string);
  'fileType'?: (_godel_v1_FileType);
}

export interface FileEvent__Output {
  /**
   * "create", "modify", "delete" or "move"; "ready" first, when the request asked for it.
   */
  'type': (string);
  'path': (string);
  /**
   * For "move": where the file was before, when known.
   */
  'from': (string);
  'fileType': (_godel_v1_FileType__Output);
}
