// Original file: ipc/proto/godel/v1/exec.proto


export interface SignalRequest {
  /**
   * The session id, or the sandbox id and the session's tag.
   */
  'sessionId'?: (string);
  'sandboxId'?: (string);
  'tag'?: (string);
  'signal'?: (string);
}

export interface SignalRequest__Output {
  /**
   * The session id, or the sandbox id and the session's tag.
   */
  'sessionId': (string);
  'sandboxId': (string);
  'tag': (string);
  'signal': (string);
}
