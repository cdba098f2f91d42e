// Original file: ipc/proto/godel/v1/federation.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A budget shared by every node (the latest set wins, a removal included), and what the sending node's
 * own agents have spent in its scope; a node refuses model calls once the spend of all nodes reaches it.
 */
export interface BudgetShare {
  /**
   * "label:KEY=VALUE" or "swarm:SWARM_ID".
   */
  'scope'?: (string);
  /**
   * 0: the budget was removed.
   */
  'budgetUsd'?: (number | string);
  /**
   * When it was set (ms since the epoch), on the node where it was.
   */
  'setAtMs'?: (number | string | Long);
  'spentUsd'?: (number | string);
}

/**
 * A budget shared by every node (the latest set wins, a removal included), and what the sending node's
 * own agents have spent in its scope; a node refuses model calls once the spend of all nodes reaches it.
 */
export interface BudgetShare__Output {
  /**
   * "label:KEY=VALUE" or "swarm:SWARM_ID".
   */
  'scope': (string);
  /**
   * 0: the budget was removed.
   */
  'budgetUsd': (number);
  /**
   * When it was set (ms since the epoch), on the node where it was.
   */
  'setAtMs': (number);
  'spentUsd': (number);
}
