// Original file: ipc/proto/godel/v1/exec.proto


export interface Started {
  /**
   * The process id as seen inside the sandbox's pid namespace.
   */
  'pid'?: (number);
  /**
   * Identifies an interactive session; empty for Run.
   */
  'sessionId'?: (string);
  /**
   * Whether the process runs on a terminal (clients put their own terminal in raw mode for it).
   */
  'tty'?: (boolean);
}

export interface Started__Output {
  /**
   * The process id as seen inside the sandbox's pid namespace.
   */
  'pid': (number);
  /**
   * Identifies an interactive session; empty for Run.
   */
  'sessionId': (string);
  /**
   * Whether the process runs on a terminal (clients put their own terminal in raw mode for it).
   */
  'tty': (boolean);
}
