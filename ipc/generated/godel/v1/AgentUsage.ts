// Original file: ipc/proto/godel/v1/agents.proto

import type { Long } from '@grpc/proto-loader';

export interface AgentUsage {
  'inputTokens'?: (number | string | Long);
  'outputTokens'?: (number | string | Long);
  'cacheReadTokens'?: (number | string | Long);
  'cacheWriteTokens'?: (number | string | Long);
  'costUsd'?: (number | string);
  /**
   * Model calls the gateway forwarded for it.
   */
  'requests'?: (number);
}

export interface AgentUsage__Output {
  'inputTokens': (number);
  'outputTokens': (number);
  'cacheReadTokens': (number);
  'cacheWriteTokens': (number);
  'costUsd': (number);
  /**
   * Model calls the gateway forwarded for it.
   */
  'requests': (number);
}
