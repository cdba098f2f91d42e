// Original file: ipc/proto/godel/v1/files.proto

import type { FileAccess as _godel_v1_FileAccess, FileAccess__Output as _godel_v1_FileAccess__Output } from '../../godel/v1/FileAccess.js';
import type { WriteMode as _godel_v1_WriteMode, WriteMode__Output as _godel_v1_WriteMode__Output } from '../../godel/v1/WriteMode.js';

export interface OpenFileHeader {
  'sandboxId'?: (string);
  'path'?: (string);
  'access'?: (_godel_v1_FileAccess);
  /**
   * For WRITE: how the file is opened, as in WriteFileHeader.
   */
  'mode'?: (_godel_v1_WriteMode);
  /**
   * For WRITE: permission bits for a new file; 0 means 0644.
   */
  'permissions'?: (number);
  /**
   * For WRITE: the client writes to a temporary file, which `close` with commit renames over the path.
   */
  'atomic'?: (boolean);
}

export interface OpenFileHeader__Output {
  'sandboxId': (string);
  'path': (string);
  'access': (_godel_v1_FileAccess__Output);
  /**
   * For WRITE: how the file is opened, as in WriteFileHeader.
   */
  'mode': (_godel_v1_WriteMode__Output);
  /**
   * For WRITE: permission bits for a new file; 0 means 0644.
   */
  'permissions': (number);
  /**
   * For WRITE: the client writes to a temporary file, which `close` with commit renames over the path.
   */
  'atomic': (boolean);
}
