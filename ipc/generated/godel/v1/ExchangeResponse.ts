// Original file: ipc/proto/godel/v1/federation.proto

import type { NodeInfo as _godel_v1_NodeInfo, NodeInfo__Output as _godel_v1_NodeInfo__Output } from '../../godel/v1/NodeInfo.js';
import type { MemberAddress as _godel_v1_MemberAddress, MemberAddress__Output as _godel_v1_MemberAddress__Output } from '../../godel/v1/MemberAddress.js';
import type { BudgetShare as _godel_v1_BudgetShare, BudgetShare__Output as _godel_v1_BudgetShare__Output } from '../../godel/v1/BudgetShare.js';
import type { Long } from '@grpc/proto-loader';

export interface ExchangeResponse {
  'self'?: (_godel_v1_NodeInfo | null);
  'members'?: (_godel_v1_MemberAddress)[];
  'generation'?: (number | string | Long);
  'budgets'?: (_godel_v1_BudgetShare)[];
}

export interface ExchangeResponse__Output {
  'self': (_godel_v1_NodeInfo__Output | null);
  'members': (_godel_v1_MemberAddress__Output)[];
  'generation': (number);
  'budgets': (_godel_v1_BudgetShare__Output)[];
}
