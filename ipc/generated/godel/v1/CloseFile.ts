// Original file: ipc/proto/godel/v1/files.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface CloseFile {
  /**
   * For WRITE: keep what was written (an atomic write is put in place). False discards an atomic write;
   * a non-atomic one has already changed the file.
   */
  'commit'?: (boolean);
  /**
   * For WRITE: when set, the file's modification time (as a copy keeps it).
   */
  'modifiedAt'?: (_google_protobuf_Timestamp | null);
}

export interface CloseFile__Output {
  /**
   * For WRITE: keep what was written (an atomic write is put in place). False discards an atomic write;
   * a non-atomic one has already changed the file.
   */
  'commit': (boolean);
  /**
   * For WRITE: when set, the file's modification time (as a copy keeps it).
   */
  'modifiedAt': (_google_protobuf_Timestamp__Output | null);
}
