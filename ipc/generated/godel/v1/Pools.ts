// Original file: ipc/proto/godel/v1/pools.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ListPoolsRequest as _godel_v1_ListPoolsRequest, ListPoolsRequest__Output as _godel_v1_ListPoolsRequest__Output } from '../../godel/v1/ListPoolsRequest.js';
import type { ListPoolsResponse as _godel_v1_ListPoolsResponse, ListPoolsResponse__Output as _godel_v1_ListPoolsResponse__Output } from '../../godel/v1/ListPoolsResponse.js';
import type { Pool as _godel_v1_Pool, Pool__Output as _godel_v1_Pool__Output } from '../../godel/v1/Pool.js';
import type { SetPoolRequest as _godel_v1_SetPoolRequest, SetPoolRequest__Output as _godel_v1_SetPoolRequest__Output } from '../../godel/v1/SetPoolRequest.js';

/**
 * Pools reports and tunes the warm pool of each template.
 */
export interface PoolsClient extends grpc.Client {
  List(argument: _godel_v1_ListPoolsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListPoolsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListPoolsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListPoolsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListPoolsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListPoolsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListPoolsRequest, callback: grpc.requestCallback<_godel_v1_ListPoolsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListPoolsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListPoolsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListPoolsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListPoolsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListPoolsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListPoolsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListPoolsRequest, callback: grpc.requestCallback<_godel_v1_ListPoolsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Set changes a pool's targets at run time; the change is persisted and survives a daemon restart.
   */
  Set(argument: _godel_v1_SetPoolRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Pool__Output>): grpc.ClientUnaryCall;
  Set(argument: _godel_v1_SetPoolRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Pool__Output>): grpc.ClientUnaryCall;
  Set(argument: _godel_v1_SetPoolRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Pool__Output>): grpc.ClientUnaryCall;
  Set(argument: _godel_v1_SetPoolRequest, callback: grpc.requestCallback<_godel_v1_Pool__Output>): grpc.ClientUnaryCall;
  /**
   * Set changes a pool's targets at run time; the change is persisted and survives a daemon restart.
   */
  set(argument: _godel_v1_SetPoolRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Pool__Output>): grpc.ClientUnaryCall;
  set(argument: _godel_v1_SetPoolRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Pool__Output>): grpc.ClientUnaryCall;
  set(argument: _godel_v1_SetPoolRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Pool__Output>): grpc.ClientUnaryCall;
  set(argument: _godel_v1_SetPoolRequest, callback: grpc.requestCallback<_godel_v1_Pool__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Pools reports and tunes the warm pool of each template.
 */
export interface PoolsHandlers extends grpc.UntypedServiceImplementation {
  List: grpc.handleUnaryCall<_godel_v1_ListPoolsRequest__Output, _godel_v1_ListPoolsResponse>;
  
  /**
   * Set changes a pool's targets at run time; the change is persisted and survives a daemon restart.
   */
  Set: grpc.handleUnaryCall<_godel_v1_SetPoolRequest__Output, _godel_v1_Pool>;
  
}

export interface PoolsDefinition extends grpc.ServiceDefinition {
  List: MethodDefinition<_godel_v1_ListPoolsRequest, _godel_v1_ListPoolsResponse, _godel_v1_ListPoolsRequest__Output, _godel_v1_ListPoolsResponse__Output>
  Set: MethodDefinition<_godel_v1_SetPoolRequest, _godel_v1_Pool, _godel_v1_SetPoolRequest__Output, _godel_v1_Pool__Output>
}
