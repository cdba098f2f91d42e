// Original file: ipc/proto/godel/v1/exec.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface SessionInfo {
  'sessionId'?: (string);
  'sandboxId'?: (string);
  'tag'?: (string);
  'argv'?: (string)[];
  'tty'?: (boolean);
  'cols'?: (number);
  'rows'?: (number);
  /**
   * The pid inside the sandbox.
   */
  'pid'?: (number);
  'running'?: (boolean);
  'exitCode'?: (number);
  'signal'?: (string);
  'startedAt'?: (_google_protobuf_Timestamp | null);
  'endedAt'?: (_google_protobuf_Timestamp | null);
  /**
   * Clients attached right now.
   */
  'attached'?: (number);
}

export interface SessionInfo__Output {
  'sessionId': (string);
  'sandboxId': (string);
  'tag': (string);
  'argv': (string)[];
  'tty': (boolean);
  'cols': (number);
  'rows': (number);
  /**
   * The pid inside the sandbox.
   */
  'pid': (number);
  'running': (boolean);
  'exitCode': (number);
  'signal': (string);
  'startedAt': (_google_protobuf_Timestamp__Output | null);
  'endedAt': (_google_protobuf_Timestamp__Output | null);
  /**
   * Clients attached right now.
   */
  'attached': (number);
}
