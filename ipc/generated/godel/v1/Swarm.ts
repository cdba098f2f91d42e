// Original file: ipc/proto/godel/v1/swarm.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteSwarmRequest as _godel_v1_DeleteSwarmRequest, DeleteSwarmRequest__Output as _godel_v1_DeleteSwarmRequest__Output } from '../../godel/v1/DeleteSwarmRequest.js';
import type { DeleteSwarmResponse as _godel_v1_DeleteSwarmResponse, DeleteSwarmResponse__Output as _godel_v1_DeleteSwarmResponse__Output } from '../../godel/v1/DeleteSwarmResponse.js';
import type { ListSwarmsRequest as _godel_v1_ListSwarmsRequest, ListSwarmsRequest__Output as _godel_v1_ListSwarmsRequest__Output } from '../../godel/v1/ListSwarmsRequest.js';
import type { ListSwarmsResponse as _godel_v1_ListSwarmsResponse, ListSwarmsResponse__Output as _godel_v1_ListSwarmsResponse__Output } from '../../godel/v1/ListSwarmsResponse.js';
import type { SpawnSwarmEvent as _godel_v1_SpawnSwarmEvent, SpawnSwarmEvent__Output as _godel_v1_SpawnSwarmEvent__Output } from '../../godel/v1/SpawnSwarmEvent.js';
import type { SpawnSwarmRequest as _godel_v1_SpawnSwarmRequest, SpawnSwarmRequest__Output as _godel_v1_SpawnSwarmRequest__Output } from '../../godel/v1/SpawnSwarmRequest.js';
import type { SwarmExecEvent as _godel_v1_SwarmExecEvent, SwarmExecEvent__Output as _godel_v1_SwarmExecEvent__Output } from '../../godel/v1/SwarmExecEvent.js';
import type { SwarmExecRequest as _godel_v1_SwarmExecRequest, SwarmExecRequest__Output as _godel_v1_SwarmExecRequest__Output } from '../../godel/v1/SwarmExecRequest.js';

/**
 * Swarm places many sandboxes of one template over the nodes of a federation, and works on them as one:
 * every member carries the label swarm=<swarm id>.
 */
export interface SwarmClient extends grpc.Client {
  /**
   * Delete deletes every member of a swarm, on every node.
   */
  Delete(argument: _godel_v1_DeleteSwarmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_DeleteSwarmResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _godel_v1_DeleteSwarmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_DeleteSwarmResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _godel_v1_DeleteSwarmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_DeleteSwarmResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _godel_v1_DeleteSwarmRequest, callback: grpc.requestCallback<_godel_v1_DeleteSwarmResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Delete deletes every member of a swarm, on every node.
   */
  delete(argument: _godel_v1_DeleteSwarmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_DeleteSwarmResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _godel_v1_DeleteSwarmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_DeleteSwarmResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _godel_v1_DeleteSwarmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_DeleteSwarmResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _godel_v1_DeleteSwarmRequest, callback: grpc.requestCallback<_godel_v1_DeleteSwarmResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Exec runs one command in every member at once and streams each member's output and exit, tagged with
   * the member's sandbox id.
   */
  Exec(argument: _godel_v1_SwarmExecRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SwarmExecEvent__Output>;
  Exec(argument: _godel_v1_SwarmExecRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SwarmExecEvent__Output>;
  /**
   * Exec runs one command in every member at once and streams each member's output and exit, tagged with
   * the member's sandbox id.
   */
  exec(argument: _godel_v1_SwarmExecRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SwarmExecEvent__Output>;
  exec(argument: _godel_v1_SwarmExecRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SwarmExecEvent__Output>;
  
  List(argument: _godel_v1_ListSwarmsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSwarmsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListSwarmsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListSwarmsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListSwarmsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSwarmsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListSwarmsRequest, callback: grpc.requestCallback<_godel_v1_ListSwarmsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListSwarmsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSwarmsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListSwarmsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListSwarmsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListSwarmsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSwarmsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListSwarmsRequest, callback: grpc.requestCallback<_godel_v1_ListSwarmsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Spawn places `count` sandboxes: warm pools first, then by free capacity. It streams each sandbox as it
   * is placed, then `done`.
   */
  Spawn(argument: _godel_v1_SpawnSwarmRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SpawnSwarmEvent__Output>;
  Spawn(argument: _godel_v1_SpawnSwarmRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SpawnSwarmEvent__Output>;
  /**
   * Spawn places `count` sandboxes: warm pools first, then by free capacity. It streams each sandbox as it
   * is placed, then `done`.
   */
  spawn(argument: _godel_v1_SpawnSwarmRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SpawnSwarmEvent__Output>;
  spawn(argument: _godel_v1_SpawnSwarmRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SpawnSwarmEvent__Output>;
  
}

/**
 * Swarm places many sandboxes of one template over the nodes of a federation, and works on them as one:
 * every member carries the label swarm=<swarm id>.
 */
export interface SwarmHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Delete deletes every member of a swarm, on every node.
   */
  Delete: grpc.handleUnaryCall<_godel_v1_DeleteSwarmRequest__Output, _godel_v1_DeleteSwarmResponse>;
  
  /**
   * Exec runs one command in every member at once and streams each member's output and exit, tagged with
   * the member's sandbox id.
   */
  Exec: grpc.handleServerStreamingCall<_godel_v1_SwarmExecRequest__Output, _godel_v1_SwarmExecEvent>;
  
  List: grpc.handleUnaryCall<_godel_v1_ListSwarmsRequest__Output, _godel_v1_ListSwarmsResponse>;
  
  /**
   * Spawn places `count` sandboxes: warm pools first, then by free capacity. It streams each sandbox as it
   * is placed, then `done`.
   */
  Spawn: grpc.handleServerStreamingCall<_godel_v1_SpawnSwarmRequest__Output, _godel_v1_SpawnSwarmEvent>;
  
}

export interface SwarmDefinition extends grpc.ServiceDefinition {
  Delete: MethodDefinition<_godel_v1_DeleteSwarmRequest, _godel_v1_DeleteSwarmResponse, _godel_v1_DeleteSwarmRequest__Output, _godel_v1_DeleteSwarmResponse__Output>
  Exec: MethodDefinition<_godel_v1_SwarmExecRequest, _godel_v1_SwarmExecEvent, _godel_v1_SwarmExecRequest__Output, _godel_v1_SwarmExecEvent__Output>
  List: MethodDefinition<_godel_v1_ListSwarmsRequest, _godel_v1_ListSwarmsResponse, _godel_v1_ListSwarmsRequest__Output, _godel_v1_ListSwarmsResponse__Output>
  Spawn: MethodDefinition<_godel_v1_SpawnSwarmRequest, _godel_v1_SpawnSwarmEvent, _godel_v1_SpawnSwarmRequest__Output, _godel_v1_SpawnSwarmEvent__Output>
}
