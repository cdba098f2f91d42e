// Original file: ipc/proto/godel/v1/exec.proto


export interface Exited {
  /**
   * The exit code; -1 when the process was killed by a signal.
   */
  'exitCode'?: (number);
  /**
   * The signal that killed the process ("SIGKILL"), empty when it exited by itself.
   */
  'signal'?: (string);
  /**
   * True when the daemon killed the command because its timeout passed.
   */
  'timedOut'?: (boolean);
}

export interface Exited__Output {
  /**
   * The exit code; -1 when the process was killed by a signal.
   */
  'exitCode': (number);
  /**
   * The signal that killed the process ("SIGKILL"), empty when it exited by itself.
   */
  'signal': (string);
  /**
   * True when the daemon killed the command because its timeout passed.
   */
  'timedOut': (boolean);
}
