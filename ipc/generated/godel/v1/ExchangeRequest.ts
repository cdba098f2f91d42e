// Original file: ipc/proto/godel/v1/federation.proto

import type { NodeInfo as _godel_v1_NodeInfo, NodeInfo__Output as _godel_v1_NodeInfo__Output } from '../../godel/v1/NodeInfo.js';
import type { MemberAddress as _godel_v1_MemberAddress, MemberAddress__Output as _godel_v1_MemberAddress__Output } from '../../godel/v1/MemberAddress.js';
import type { Long } from '@grpc/proto-loader';

export interface ExchangeRequest {
  'self'?: (_godel_v1_NodeInfo | null);
  'members'?: (_godel_v1_MemberAddress)[];
  /**
   * The caller's store generation: a peer that sees it change fetches the caller's sandboxes anew.
   */
  'generation'?: (number | string | Long);
}

export interface ExchangeRequest__Output {
  'self': (_godel_v1_NodeInfo__Output | null);
  'members': (_godel_v1_MemberAddress__Output)[];
  /**
   * The caller's store generation: a peer that sees it change fetches the caller's sandboxes anew.
   */
  'generation': (number);
}
