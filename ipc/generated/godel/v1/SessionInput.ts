// Original file: ipc/proto/godel/v1/exec.proto

import type { StartSession as _godel_v1_StartSession, StartSession__Output as _godel_v1_StartSession__Output } from '../../godel/v1/StartSession.js';
import type { AttachSession as _godel_v1_AttachSession, AttachSession__Output as _godel_v1_AttachSession__Output } from '../../godel/v1/AttachSession.js';
import type { Resize as _godel_v1_Resize, Resize__Output as _godel_v1_Resize__Output } from '../../godel/v1/Resize.js';

export interface SessionInput {
  'start'?: (_godel_v1_StartSession | null);
  'attach'?: (_godel_v1_AttachSession | null);
  /**
   * Bytes for the process's stdin (on a tty: as if typed, so 0x03 is Ctrl-C).
   */
  'stdin'?: (Buffer | Uint8Array | string);
  'resize'?: (_godel_v1_Resize | null);
  /**
   * A POSIX signal by name, "SIGTERM" or "TERM".
   */
  'signal'?: (string);
  /**
   * Close the process's stdin (non-tty sessions), so that it reads end of file.
   */
  'closeStdin'?: (boolean);
  'input'?: "start"|"attach"|"stdin"|"resize"|"signal"|"closeStdin";
}

export interface SessionInput__Output {
  'start'?: (_godel_v1_StartSession__Output | null);
  'attach'?: (_godel_v1_AttachSession__Output | null);
  /**
   * Bytes for the process's stdin (on a tty: as if typed, so 0x03 is Ctrl-C).
   */
  'stdin'?: (Buffer);
  'resize'?: (_godel_v1_Resize__Output | null);
  /**
   * A POSIX signal by name, "SIGTERM" or "TERM".
   */
  'signal'?: (string);
  /**
   * Close the process's stdin (non-tty sessions), so that it reads end of file.
   */
  'closeStdin'?: (boolean);
  'input'?: "start"|"attach"|"stdin"|"resize"|"signal"|"closeStdin";
}
