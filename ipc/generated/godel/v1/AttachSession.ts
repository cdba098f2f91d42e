// Original file: ipc/proto/godel/v1/exec.proto


export interface AttachSession {
  /**
   * The session id, or the sandbox id and the session's tag.
   */
  'sessionId'?: (string);
  'sandboxId'?: (string);
  'tag'?: (string);
  /**
   * Skip the replay of recent output and stream only what comes next.
   */
  'noReplay'?: (boolean);
}

export interface AttachSession__Output {
  /**
   * The session id, or the sandbox id and the session's tag.
   */
  'sessionId': (string);
  'sandboxId': (string);
  'tag': (string);
  /**
   * Skip the replay of recent output and stream only what comes next.
   */
  'noReplay': (boolean);
}
