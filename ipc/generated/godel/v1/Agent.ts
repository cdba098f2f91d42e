// Original file: ipc/proto/godel/v1/agents.proto

import type { AgentState as _godel_v1_AgentState, AgentState__Output as _godel_v1_AgentState__Output } from '../../godel/v1/AgentState.js';
import type { AgentUsage as _godel_v1_AgentUsage, AgentUsage__Output as _godel_v1_AgentUsage__Output } from '../../godel/v1/AgentUsage.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface Agent {
  'id'?: (string);
  'sandboxId'?: (string);
  'runtime'?: (string);
  'model'?: (string);
  'state'?: (_godel_v1_AgentState);
  /**
   * Once ended: "done", "budget", "aborted" or "error".
   */
  'endReason'?: (string);
  /**
   * The CLI's exit code (-1 when it was killed by a signal or never started).
   */
  'exitCode'?: (number);
  /**
   * Why it ended, in words (the error, or which budget was spent).
   */
  'message'?: (string);
  'labels'?: ({[key: string]: string});
  'swarmId'?: (string);
  /**
   * 0 when the agent has no budget of its own.
   */
  'budgetUsd'?: (number | string);
  'usage'?: (_godel_v1_AgentUsage | null);
  'createdAt'?: (_google_protobuf_Timestamp | null);
  'endedAt'?: (_google_protobuf_Timestamp | null);
  'template'?: (string);
  /**
   * Prompts given so far (the first, and follow-ups).
   */
  'prompts'?: (number);
  /**
   * Events recorded so far (the last event's seq).
   */
  'events'?: (number | string | Long);
}

export interface Agent__Output {
  'id': (string);
  'sandboxId': (string);
  'runtime': (string);
  'model': (string);
  'state': (_godel_v1_AgentState__Output);
  /**
   * Once ended: "done", "budget", "aborted" or "error".
   */
  'endReason': (string);
  /**
   * The CLI's exit code (-1 when it was killed by a signal or never started).
   */
  'exitCode': (number);
  /**
   * Why it ended, in words (the error, or which budget was spent).
   */
  'message': (string);
  'labels': ({[key: string]: string});
  'swarmId': (string);
  /**
   * 0 when the agent has no budget of its own.
   */
  'budgetUsd': (number);
  'usage': (_godel_v1_AgentUsage__Output | null);
  'createdAt': (_google_protobuf_Timestamp__Output | null);
  'endedAt': (_google_protobuf_Timestamp__Output | null);
  'template': (string);
  /**
   * Prompts given so far (the first, and follow-ups).
   */
  'prompts': (number);
  /**
   * Events recorded so far (the last event's seq).
   */
  'events': (number);
}
