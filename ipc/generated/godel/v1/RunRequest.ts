// Original file: ipc/proto/godel/v1/exec.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration.js';

export interface RunRequest {
  'sandboxId'?: (string);
  /**
   * The program and its arguments; argv[0] is looked up in the sandbox's PATH. Never passed through a shell.
   */
  'argv'?: (string)[];
  /**
   * Environment for this command, on top of the sandbox's own.
   */
  'env'?: ({[key: string]: string});
  /**
   * Working directory inside the sandbox; empty means /workspace.
   */
  'cwd'?: (string);
  /**
   * Kill the command's whole process tree after this long; unset or zero means no limit.
   */
  'timeout'?: (_google_protobuf_Duration | null);
  /**
   * Bytes given to the command on its stdin, which is then closed. For larger or streamed input use a
   * Session without a tty.
   */
  'stdin'?: (Buffer | Uint8Array | string);
}

export interface RunRequest__Output {
  'sandboxId': (string);
  /**
   * The program and its arguments; argv[0] is looked up in the sandbox's PATH. Never passed through a shell.
   */
  'argv': (string)[];
  /**
   * Environment for this command, on top of the sandbox's own.
   */
  'env': ({[key: string]: string});
  /**
   * Working directory inside the sandbox; empty means /workspace.
   */
  'cwd': (string);
  /**
   * Kill the command's whole process tree after this long; unset or zero means no limit.
   */
  'timeout': (_google_protobuf_Duration__Output | null);
  /**
   * Bytes given to the command on its stdin, which is then closed. For larger or streamed input use a
   * Session without a tty.
   */
  'stdin': (Buffer);
}
