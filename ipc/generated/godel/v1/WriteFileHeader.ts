// Original file: ipc/proto/godel/v1/files.proto

import type { WriteMode as _godel_v1_WriteMode, WriteMode__Output as _godel_v1_WriteMode__Output } from '../../godel/v1/WriteMode.js';

export interface WriteFileHeader {
  'sandboxId'?: (string);
  'path'?: (string);
  'mode'?: (_godel_v1_WriteMode);
  /**
   * Permission bits for a new file; 0 means 0644.
   */
  'permissions'?: (number);
  /**
   * Write to a temporary file and rename it over the path at the end, so readers never see half a file.
   */
  'atomic'?: (boolean);
}

export interface WriteFileHeader__Output {
  'sandboxId': (string);
  'path': (string);
  'mode': (_godel_v1_WriteMode__Output);
  /**
   * Permission bits for a new file; 0 means 0644.
   */
  'permissions': (number);
  /**
   * Write to a temporary file and rename it over the path at the end, so readers never see half a file.
   */
  'atomic': (boolean);
}
