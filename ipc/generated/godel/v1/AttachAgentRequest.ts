// Original file: ipc/proto/godel/v1/agents.proto

import type { Long } from '@grpc/proto-loader';

export interface AttachAgentRequest {
  'agentId'?: (string);
  /**
   * Replay only events after this one; 0 replays everything.
   */
  'afterSeq'?: (number | string | Long);
  /**
   * Stream only live events, no replay.
   */
  'noReplay'?: (boolean);
}

export interface AttachAgentRequest__Output {
  'agentId': (string);
  /**
   * Replay only events after this one; 0 replays everything.
   */
  'afterSeq': (number);
  /**
   * Stream only live events, no replay.
   */
  'noReplay': (boolean);
}
