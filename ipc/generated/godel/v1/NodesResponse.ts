// Original file: ipc/proto/godel/v1/system.proto

import type { NodeInfo as _godel_v1_NodeInfo, NodeInfo__Output as _godel_v1_NodeInfo__Output } from '../../godel/v1/NodeInfo.js';

export interface NodesResponse {
  'nodes'?: (_godel_v1_NodeInfo)[];
}

export interface NodesResponse__Output {
  'nodes': (_godel_v1_NodeInfo__Output)[];
}
