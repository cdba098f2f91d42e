// Original file: ipc/proto/godel/v1/system.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { InfoRequest as _godel_v1_InfoRequest, InfoRequest__Output as _godel_v1_InfoRequest__Output } from '../../godel/v1/InfoRequest.js';
import type { InfoResponse as _godel_v1_InfoResponse, InfoResponse__Output as _godel_v1_InfoResponse__Output } from '../../godel/v1/InfoResponse.js';
import type { NodesRequest as _godel_v1_NodesRequest, NodesRequest__Output as _godel_v1_NodesRequest__Output } from '../../godel/v1/NodesRequest.js';
import type { NodesResponse as _godel_v1_NodesResponse, NodesResponse__Output as _godel_v1_NodesResponse__Output } from '../../godel/v1/NodesResponse.js';
import type { VersionRequest as _godel_v1_VersionRequest, VersionRequest__Output as _godel_v1_VersionRequest__Output } from '../../godel/v1/VersionRequest.js';
import type { VersionResponse as _godel_v1_VersionResponse, VersionResponse__Output as _godel_v1_VersionResponse__Output } from '../../godel/v1/VersionResponse.js';

/**
 * System describes the daemon itself.
 */
export interface SystemClient extends grpc.Client {
  Info(argument: _godel_v1_InfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  Info(argument: _godel_v1_InfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  Info(argument: _godel_v1_InfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  Info(argument: _godel_v1_InfoRequest, callback: grpc.requestCallback<_godel_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  info(argument: _godel_v1_InfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  info(argument: _godel_v1_InfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  info(argument: _godel_v1_InfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  info(argument: _godel_v1_InfoRequest, callback: grpc.requestCallback<_godel_v1_InfoResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Nodes lists the members of this daemon's federation, itself first, as this daemon sees them.
   */
  Nodes(argument: _godel_v1_NodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_NodesResponse__Output>): grpc.ClientUnaryCall;
  Nodes(argument: _godel_v1_NodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_NodesResponse__Output>): grpc.ClientUnaryCall;
  Nodes(argument: _godel_v1_NodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_NodesResponse__Output>): grpc.ClientUnaryCall;
  Nodes(argument: _godel_v1_NodesRequest, callback: grpc.requestCallback<_godel_v1_NodesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Nodes lists the members of this daemon's federation, itself first, as this daemon sees them.
   */
  nodes(argument: _godel_v1_NodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_NodesResponse__Output>): grpc.ClientUnaryCall;
  nodes(argument: _godel_v1_NodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_NodesResponse__Output>): grpc.ClientUnaryCall;
  nodes(argument: _godel_v1_NodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_NodesResponse__Output>): grpc.ClientUnaryCall;
  nodes(argument: _godel_v1_NodesRequest, callback: grpc.requestCallback<_godel_v1_NodesResponse__Output>): grpc.ClientUnaryCall;
  
  Version(argument: _godel_v1_VersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_VersionResponse__Output>): grpc.ClientUnaryCall;
  Version(argument: _godel_v1_VersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_VersionResponse__Output>): grpc.ClientUnaryCall;
  Version(argument: _godel_v1_VersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_VersionResponse__Output>): grpc.ClientUnaryCall;
  Version(argument: _godel_v1_VersionRequest, callback: grpc.requestCallback<_godel_v1_VersionResponse__Output>): grpc.ClientUnaryCall;
  version(argument: _godel_v1_VersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_VersionResponse__Output>): grpc.ClientUnaryCall;
  version(argument: _godel_v1_VersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_VersionResponse__Output>): grpc.ClientUnaryCall;
  version(argument: _godel_v1_VersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_VersionResponse__Output>): grpc.ClientUnaryCall;
  version(argument: _godel_v1_VersionRequest, callback: grpc.requestCallback<_godel_v1_VersionResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * System describes the daemon itself.
 */
export interface SystemHandlers extends grpc.UntypedServiceImplementation {
  Info: grpc.handleUnaryCall<_godel_v1_InfoRequest__Output, _godel_v1_InfoResponse>;
  
  /**
   * Nodes lists the members of this daemon's federation, itself first, as this daemon sees them.
   */
  Nodes: grpc.handleUnaryCall<_godel_v1_NodesRequest__Output, _godel_v1_NodesResponse>;
  
  Version: grpc.handleUnaryCall<_godel_v1_VersionRequest__Output, _godel_v1_VersionResponse>;
  
}

export interface SystemDefinition extends grpc.ServiceDefinition {
  Info: MethodDefinition<_godel_v1_InfoRequest, _godel_v1_InfoResponse, _godel_v1_InfoRequest__Output, _godel_v1_InfoResponse__Output>
  Nodes: MethodDefinition<_godel_v1_NodesRequest, _godel_v1_NodesResponse, _godel_v1_NodesRequest__Output, _godel_v1_NodesResponse__Output>
  Version: MethodDefinition<_godel_v1_VersionRequest, _godel_v1_VersionResponse, _godel_v1_VersionRequest__Output, _godel_v1_VersionResponse__Output>
}
