// Original file: ipc/proto/godel/v1/agents.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Agent as _godel_v1_Agent, Agent__Output as _godel_v1_Agent__Output } from '../../godel/v1/Agent.js';
import type { AgentText as _godel_v1_AgentText, AgentText__Output as _godel_v1_AgentText__Output } from '../../godel/v1/AgentText.js';
import type { AgentToolCall as _godel_v1_AgentToolCall, AgentToolCall__Output as _godel_v1_AgentToolCall__Output } from '../../godel/v1/AgentToolCall.js';
import type { AgentToolResult as _godel_v1_AgentToolResult, AgentToolResult__Output as _godel_v1_AgentToolResult__Output } from '../../godel/v1/AgentToolResult.js';
import type { AgentUsageEvent as _godel_v1_AgentUsageEvent, AgentUsageEvent__Output as _godel_v1_AgentUsageEvent__Output } from '../../godel/v1/AgentUsageEvent.js';
import type { AgentEnd as _godel_v1_AgentEnd, AgentEnd__Output as _godel_v1_AgentEnd__Output } from '../../godel/v1/AgentEnd.js';
import type { AgentTurnEnd as _godel_v1_AgentTurnEnd, AgentTurnEnd__Output as _godel_v1_AgentTurnEnd__Output } from '../../godel/v1/AgentTurnEnd.js';
import type { Long } from '@grpc/proto-loader';

export interface AgentEvent {
  /**
   * 1, 2, ... in the agent's stream; Attach's after_seq counts these.
   */
  'seq'?: (number | string | Long);
  'time'?: (_google_protobuf_Timestamp | null);
  'started'?: (_godel_v1_Agent | null);
  'text'?: (_godel_v1_AgentText | null);
  'toolCall'?: (_godel_v1_AgentToolCall | null);
  'toolResult'?: (_godel_v1_AgentToolResult | null);
  'usage'?: (_godel_v1_AgentUsageEvent | null);
  'end'?: (_godel_v1_AgentEnd | null);
  /**
   * A follow-up prompt given through Send.
   */
  'prompt'?: (string);
  /**
   * A line of the CLI that matched nothing normalized (kept, never fatal).
   */
  'unparsed'?: (string);
  /**
   * The agent has answered every prompt given so far (it waits for a follow-up, or ends).
   */
  'turnEnd'?: (_godel_v1_AgentTurnEnd | null);
  /**
   * Something the daemon saw happen to the agent: a model call refused for a spent budget, its token
   * used from another sandbox.
   */
  'notice'?: (string);
  /**
   * The CLI's own event (a JSON line) this one came from; empty for events the daemon made.
   */
  'raw'?: (string);
  'event'?: "started"|"text"|"toolCall"|"toolResult"|"usage"|"end"|"prompt"|"unparsed"|"turnEnd"|"notice";
}

export interface AgentEvent__Output {
  /**
   * 1, 2, ... in the agent's stream; Attach's after_seq counts these.
   */
  'seq': (number);
  'time': (_google_protobuf_Timestamp__Output | null);
  'started'?: (_godel_v1_Agent__Output | null);
  'text'?: (_godel_v1_AgentText__Output | null);
  'toolCall'?: (_godel_v1_AgentToolCall__Output | null);
  'toolResult'?: (_godel_v1_AgentToolResult__Output | null);
  'usage'?: (_godel_v1_AgentUsageEvent__Output | null);
  'end'?: (_godel_v1_AgentEnd__Output | null);
  /**
   * A follow-up prompt given through Send.
   */
  'prompt'?: (string);
  /**
   * A line of the CLI that matched nothing normalized (kept, never fatal).
   */
  'unparsed'?: (string);
  /**
   * The agent has answered every prompt given so far (it waits for a follow-up, or ends).
   */
  'turnEnd'?: (_godel_v1_AgentTurnEnd__Output | null);
  /**
   * Something the daemon saw happen to the agent: a model call refused for a spent budget, its token
   * used from another sandbox.
   */
  'notice'?: (string);
  /**
   * The CLI's own event (a JSON line) this one came from; empty for events the daemon made.
   */
  'raw': (string);
  'event'?: "started"|"text"|"toolCall"|"toolResult"|"usage"|"end"|"prompt"|"unparsed"|"turnEnd"|"notice";
}
