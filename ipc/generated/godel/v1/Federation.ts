// Original file: ipc/proto/godel/v1/federation.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ExchangeRequest as _godel_v1_ExchangeRequest, ExchangeRequest__Output as _godel_v1_ExchangeRequest__Output } from '../../godel/v1/ExchangeRequest.js';
import type { ExchangeResponse as _godel_v1_ExchangeResponse, ExchangeResponse__Output as _godel_v1_ExchangeResponse__Output } from '../../godel/v1/ExchangeResponse.js';
import type { RelayFrame as _godel_v1_RelayFrame, RelayFrame__Output as _godel_v1_RelayFrame__Output } from '../../godel/v1/RelayFrame.js';

/**
 * Federation is served on the peer port only, to peers that present a certificate from the federation's
 * CA. Clients never call it: they use the public services on their own node's Unix socket.
 */
export interface FederationClient extends grpc.Client {
  /**
   * Exchange trades what each node knows: the caller's own state and the members it knows, for the same.
   */
  Exchange(argument: _godel_v1_ExchangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  Exchange(argument: _godel_v1_ExchangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  Exchange(argument: _godel_v1_ExchangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  Exchange(argument: _godel_v1_ExchangeRequest, callback: grpc.requestCallback<_godel_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Exchange trades what each node knows: the caller's own state and the members it knows, for the same.
   */
  exchange(argument: _godel_v1_ExchangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  exchange(argument: _godel_v1_ExchangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  exchange(argument: _godel_v1_ExchangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  exchange(argument: _godel_v1_ExchangeRequest, callback: grpc.requestCallback<_godel_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Relay carries one call of a public service to the node that owns its sandbox, with flow control of
   * its own in both directions, counted in bytes (grpc-js buffers whatever its reader has not read, so a forward without it
   * would let a fast stream fill memory).
   */
  Relay(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_RelayFrame, _godel_v1_RelayFrame__Output>;
  Relay(options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_RelayFrame, _godel_v1_RelayFrame__Output>;
  /**
   * Relay carries one call of a public service to the node that owns its sandbox, with flow control of
   * its own in both directions, counted in bytes (grpc-js buffers whatever its reader has not read, so a forward without it
   * would let a fast stream fill memory).
   */
  relay(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_RelayFrame, _godel_v1_RelayFrame__Output>;
  relay(options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_RelayFrame, _godel_v1_RelayFrame__Output>;
  
}

/**
 * Federation is served on the peer port only, to peers that present a certificate from the federation's
 * CA. Clients never call it: they use the public services on their own node's Unix socket.
 */
export interface FederationHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Exchange trades what each node knows: the caller's own state and the members it knows, for the same.
   */
  Exchange: grpc.handleUnaryCall<_godel_v1_ExchangeRequest__Output, _godel_v1_ExchangeResponse>;
  
  /**
   * Relay carries one call of a public service to the node that owns its sandbox, with flow control of
   * its own in both directions, counted in bytes (grpc-js buffers whatever its reader has not read, so a forward without it
   * would let a fast stream fill memory).
   */
  Relay: grpc.handleBidiStreamingCall<_godel_v1_RelayFrame__Output, _godel_v1_RelayFrame>;
  
}

export interface FederationDefinition extends grpc.ServiceDefinition {
  Exchange: MethodDefinition<_godel_v1_ExchangeRequest, _godel_v1_ExchangeResponse, _godel_v1_ExchangeRequest__Output, _godel_v1_ExchangeResponse__Output>
  Relay: MethodDefinition<_godel_v1_RelayFrame, _godel_v1_RelayFrame, _godel_v1_RelayFrame__Output, _godel_v1_RelayFrame__Output>
}
