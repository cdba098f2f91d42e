// Original file: ipc/proto/godel/v1/system.proto


export interface AgentRuntimeInfo {
  'name'?: (string);
  'installed'?: (boolean);
  /**
   * The CLI's path on the host, or why it is not there.
   */
  'message'?: (string);
  /**
   * Its model when an agent names none.
   */
  'defaultModel'?: (string);
}

export interface AgentRuntimeInfo__Output {
  'name': (string);
  'installed': (boolean);
  /**
   * The CLI's path on the host, or why it is not there.
   */
  'message': (string);
  /**
   * Its model when an agent names none.
   */
  'defaultModel': (string);
}
