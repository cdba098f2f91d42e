// Original file: ipc/proto/godel/v1/exec.proto


export interface StartSession {
  'sandboxId'?: (string);
  'argv'?: (string)[];
  'env'?: ({[key: string]: string});
  /**
   * Working directory inside the sandbox; empty means /workspace.
   */
  'cwd'?: (string);
  /**
   * Run on a pseudo-terminal: stdout carries the terminal's output, there is no stderr.
   */
  'tty'?: (boolean);
  /**
   * Terminal size; 0 means 80 x 24.
   */
  'cols'?: (number);
  'rows'?: (number);
  /**
   * A name to attach by, unique among the sandbox's running sessions.
   */
  'tag'?: (string);
}

export interface StartSession__Output {
  'sandboxId': (string);
  'argv': (string)[];
  'env': ({[key: string]: string});
  /**
   * Working directory inside the sandbox; empty means /workspace.
   */
  'cwd': (string);
  /**
   * Run on a pseudo-terminal: stdout carries the terminal's output, there is no stderr.
   */
  'tty': (boolean);
  /**
   * Terminal size; 0 means 80 x 24.
   */
  'cols': (number);
  'rows': (number);
  /**
   * A name to attach by, unique among the sandbox's running sessions.
   */
  'tag': (string);
}
