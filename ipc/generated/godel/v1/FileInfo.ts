// Original file: ipc/proto/godel/v1/files.proto

import type { FileType as _godel_v1_FileType, FileType__Output as _godel_v1_FileType__Output } from '../../godel/v1/FileType.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface FileInfo {
  'path'?: (string);
  'type'?: (_godel_v1_FileType);
  'size'?: (number | string | Long);
  /**
   * Permission bits, e.g. 0644.
   */
  'mode'?: (number);
  'modifiedAt'?: (_google_protobuf_Timestamp | null);
  /**
   * Owner as seen inside the sandbox.
   */
  'uid'?: (number);
  'gid'?: (number);
  /**
   * Where a symlink points.
   */
  'linkTarget'?: (string);
}

export interface FileInfo__Output {
  'path': (string);
  'type': (_godel_v1_FileType__Output);
  'size': (number);
  /**
   * Permission bits, e.g. 0644.
   */
  'mode': (number);
  'modifiedAt': (_google_protobuf_Timestamp__Output | null);
  /**
   * Owner as seen inside the sandbox.
   */
  'uid': (number);
  'gid': (number);
  /**
   * Where a symlink points.
   */
  'linkTarget': (string);
}
