// Original file: ipc/proto/godel/v1/files.proto


export interface WatchFilesRequest {
  'sandboxId'?: (string);
  /**
   * A directory under /workspace (or /workspace itself).
   */
  'path'?: (string);
  /**
   * Asks for a first event of type "ready" (path: the directory) once the watch is in place: a change
   * made after it is reported. Without it a client cannot tell (a stream's headers do not say so
   * through a federation's relay), and a change made right after the call may be missed.
   */
  'ready'?: (boolean);
}

export interface WatchFilesRequest__Output {
  'sandboxId': (string);
  /**
   * A directory under /workspace (or /workspace itself).
   */
  'path': (string);
  /**
   * Asks for a first event of type "ready" (path: the directory) once the watch is in place: a change
   * made after it is reported. Without it a client cannot tell (a stream's headers do not say so
   * through a federation's relay), and a change made right after the call may be missed.
   */
  'ready': (boolean);
}
