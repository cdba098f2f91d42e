// Original file: ipc/proto/godel/v1/sandboxes.proto


export interface GitWorkspace {
  /**
   * The repository on the host (its working tree or .git directory).
   */
  'repo'?: (string);
  /**
   * Branch, tag or commit to start from; empty means HEAD. The sandbox works on a new branch godel/<id>.
   */
  'ref'?: (string);
}

export interface GitWorkspace__Output {
  /**
   * The repository on the host (its working tree or .git directory).
   */
  'repo': (string);
  /**
   * Branch, tag or commit to start from; empty means HEAD. The sandbox works on a new branch godel/<id>.
   */
  'ref': (string);
}
