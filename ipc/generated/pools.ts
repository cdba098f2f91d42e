import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ListPoolsRequest as _godel_v1_ListPoolsRequest, ListPoolsRequest__Output as _godel_v1_ListPoolsRequest__Output } from './godel/v1/ListPoolsRequest.js';
import type { ListPoolsResponse as _godel_v1_ListPoolsResponse, ListPoolsResponse__Output as _godel_v1_ListPoolsResponse__Output } from './godel/v1/ListPoolsResponse.js';
import type { Pool as _godel_v1_Pool, Pool__Output as _godel_v1_Pool__Output } from './godel/v1/Pool.js';
import type { PoolsClient as _godel_v1_PoolsClient, PoolsDefinition as _godel_v1_PoolsDefinition } from './godel/v1/Pools.js';
import type { SetPoolRequest as _godel_v1_SetPoolRequest, SetPoolRequest__Output as _godel_v1_SetPoolRequest__Output } from './godel/v1/SetPoolRequest.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  godel: {
    v1: {
      ListPoolsRequest: MessageTypeDefinition<_godel_v1_ListPoolsRequest, _godel_v1_ListPoolsRequest__Output>
      ListPoolsResponse: MessageTypeDefinition<_godel_v1_ListPoolsResponse, _godel_v1_ListPoolsResponse__Output>
      Pool: MessageTypeDefinition<_godel_v1_Pool, _godel_v1_Pool__Output>
      PoolHealth: EnumTypeDefinition
      /**
       * Pools reports and tunes the warm pool of each template.
       */
      Pools: SubtypeConstructor<typeof grpc.Client, _godel_v1_PoolsClient> & { service: _godel_v1_PoolsDefinition }
      SetPoolRequest: MessageTypeDefinition<_godel_v1_SetPoolRequest, _godel_v1_SetPoolRequest__Output>
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

