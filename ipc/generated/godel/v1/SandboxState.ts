// Original file: ipc/proto/godel/v1/sandboxes.proto

export const SandboxState = {
  SANDBOX_STATE_UNSPECIFIED: 'SANDBOX_STATE_UNSPECIFIED',
  CREATING: 'CREATING',
  READY: 'READY',
  PAUSED: 'PAUSED',
  STOPPING: 'STOPPING',
  STOPPED: 'STOPPED',
  FAILED: 'FAILED',
  /**
   * The sandbox's node is unreachable: its state is not known until the node answers again (it is not
   * deleted and not FAILED; it comes back as it was).
   */
  UNKNOWN: 'UNKNOWN',
} as const;

export type SandboxState =
  | 'SANDBOX_STATE_UNSPECIFIED'
  | 0
  | 'CREATING'
  | 1
  | 'READY'
  | 2
  | 'PAUSED'
  | 3
  | 'STOPPING'
  | 4
  | 'STOPPED'
  | 5
  | 'FAILED'
  | 6
  /**
   * The sandbox's node is unreachable: its state is not known until the node answers again (it is not
   * deleted and not FAILED; it comes back as it was).
   */
  | 'UNKNOWN'
  | 7

export type SandboxState__Output = typeof SandboxState[keyof typeof SandboxState]
