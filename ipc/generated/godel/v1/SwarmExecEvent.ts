// Original file: ipc/proto/godel/v1/swarm.proto

import type { ExecEvent as _godel_v1_ExecEvent, ExecEvent__Output as _godel_v1_ExecEvent__Output } from '../../godel/v1/ExecEvent.js';
import type { SwarmMemberError as _godel_v1_SwarmMemberError, SwarmMemberError__Output as _godel_v1_SwarmMemberError__Output } from '../../godel/v1/SwarmMemberError.js';

export interface SwarmExecEvent {
  'sandboxId'?: (string);
  'node'?: (string);
  'exec'?: (_godel_v1_ExecEvent | null);
  /**
   * The member could not run the command (its node unreachable, the sandbox gone): why, with its code.
   */
  'error'?: (_godel_v1_SwarmMemberError | null);
  'event'?: "exec"|"error";
}

export interface SwarmExecEvent__Output {
  'sandboxId': (string);
  'node': (string);
  'exec'?: (_godel_v1_ExecEvent__Output | null);
  /**
   * The member could not run the command (its node unreachable, the sandbox gone): why, with its code.
   */
  'error'?: (_godel_v1_SwarmMemberError__Output | null);
  'event'?: "exec"|"error";
}
