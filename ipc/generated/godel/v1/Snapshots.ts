// Original file: ipc/proto/godel/v1/snapshots.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateSnapshotRequest as _godel_v1_CreateSnapshotRequest, CreateSnapshotRequest__Output as _godel_v1_CreateSnapshotRequest__Output } from '../../godel/v1/CreateSnapshotRequest.js';
import type { DeleteSnapshotRequest as _godel_v1_DeleteSnapshotRequest, DeleteSnapshotRequest__Output as _godel_v1_DeleteSnapshotRequest__Output } from '../../godel/v1/DeleteSnapshotRequest.js';
import type { DeleteSnapshotResponse as _godel_v1_DeleteSnapshotResponse, DeleteSnapshotResponse__Output as _godel_v1_DeleteSnapshotResponse__Output } from '../../godel/v1/DeleteSnapshotResponse.js';
import type { ForkRequest as _godel_v1_ForkRequest, ForkRequest__Output as _godel_v1_ForkRequest__Output } from '../../godel/v1/ForkRequest.js';
import type { ForkResponse as _godel_v1_ForkResponse, ForkResponse__Output as _godel_v1_ForkResponse__Output } from '../../godel/v1/ForkResponse.js';
import type { GetSnapshotRequest as _godel_v1_GetSnapshotRequest, GetSnapshotRequest__Output as _godel_v1_GetSnapshotRequest__Output } from '../../godel/v1/GetSnapshotRequest.js';
import type { ListSnapshotsRequest as _godel_v1_ListSnapshotsRequest, ListSnapshotsRequest__Output as _godel_v1_ListSnapshotsRequest__Output } from '../../godel/v1/ListSnapshotsRequest.js';
import type { ListSnapshotsResponse as _godel_v1_ListSnapshotsResponse, ListSnapshotsResponse__Output as _godel_v1_ListSnapshotsResponse__Output } from '../../godel/v1/ListSnapshotsResponse.js';
import type { RestoreSnapshotRequest as _godel_v1_RestoreSnapshotRequest, RestoreSnapshotRequest__Output as _godel_v1_RestoreSnapshotRequest__Output } from '../../godel/v1/RestoreSnapshotRequest.js';
import type { Sandbox as _godel_v1_Sandbox, Sandbox__Output as _godel_v1_Sandbox__Output } from '../../godel/v1/Sandbox.js';
import type { Snapshot as _godel_v1_Snapshot, Snapshot__Output as _godel_v1_Snapshot__Output } from '../../godel/v1/Snapshot.js';

/**
 * Snapshots keeps and branches a sandbox's state: capture it at one consistent point, make new
 * sandboxes from a capture (Restore), or from a sandbox directly (Fork).
 */
export interface SnapshotsClient extends grpc.Client {
  /**
   * Create captures the sandbox's filesystem (/workspace) at one point in time: its processes are frozen
   * while the capture is taken (with reflinks, an instant; otherwise for the copy).
   */
  Create(argument: _godel_v1_CreateSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  Create(argument: _godel_v1_CreateSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  Create(argument: _godel_v1_CreateSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  Create(argument: _godel_v1_CreateSnapshotRequest, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  /**
   * Create captures the sandbox's filesystem (/workspace) at one point in time: its processes are frozen
   * while the capture is taken (with reflinks, an instant; otherwise for the copy).
   */
  create(argument: _godel_v1_CreateSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  create(argument: _godel_v1_CreateSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  create(argument: _godel_v1_CreateSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  create(argument: _godel_v1_CreateSnapshotRequest, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  
  Delete(argument: _godel_v1_DeleteSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_DeleteSnapshotResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _godel_v1_DeleteSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_DeleteSnapshotResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _godel_v1_DeleteSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_DeleteSnapshotResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _godel_v1_DeleteSnapshotRequest, callback: grpc.requestCallback<_godel_v1_DeleteSnapshotResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _godel_v1_DeleteSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_DeleteSnapshotResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _godel_v1_DeleteSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_DeleteSnapshotResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _godel_v1_DeleteSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_DeleteSnapshotResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _godel_v1_DeleteSnapshotRequest, callback: grpc.requestCallback<_godel_v1_DeleteSnapshotResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Fork makes `count` new sandboxes from one consistent point of a running sandbox.
   */
  Fork(argument: _godel_v1_ForkRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ForkResponse__Output>): grpc.ClientUnaryCall;
  Fork(argument: _godel_v1_ForkRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ForkResponse__Output>): grpc.ClientUnaryCall;
  Fork(argument: _godel_v1_ForkRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ForkResponse__Output>): grpc.ClientUnaryCall;
  Fork(argument: _godel_v1_ForkRequest, callback: grpc.requestCallback<_godel_v1_ForkResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Fork makes `count` new sandboxes from one consistent point of a running sandbox.
   */
  fork(argument: _godel_v1_ForkRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ForkResponse__Output>): grpc.ClientUnaryCall;
  fork(argument: _godel_v1_ForkRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ForkResponse__Output>): grpc.ClientUnaryCall;
  fork(argument: _godel_v1_ForkRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ForkResponse__Output>): grpc.ClientUnaryCall;
  fork(argument: _godel_v1_ForkRequest, callback: grpc.requestCallback<_godel_v1_ForkResponse__Output>): grpc.ClientUnaryCall;
  
  Get(argument: _godel_v1_GetSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  Get(argument: _godel_v1_GetSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  Get(argument: _godel_v1_GetSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  Get(argument: _godel_v1_GetSnapshotRequest, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  get(argument: _godel_v1_GetSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  get(argument: _godel_v1_GetSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  get(argument: _godel_v1_GetSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  get(argument: _godel_v1_GetSnapshotRequest, callback: grpc.requestCallback<_godel_v1_Snapshot__Output>): grpc.ClientUnaryCall;
  
  List(argument: _godel_v1_ListSnapshotsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSnapshotsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListSnapshotsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListSnapshotsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListSnapshotsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSnapshotsResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListSnapshotsRequest, callback: grpc.requestCallback<_godel_v1_ListSnapshotsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListSnapshotsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSnapshotsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListSnapshotsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListSnapshotsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListSnapshotsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSnapshotsResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListSnapshotsRequest, callback: grpc.requestCallback<_godel_v1_ListSnapshotsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Restore makes a new sandbox of the snapshot's template from the snapshot.
   */
  Restore(argument: _godel_v1_RestoreSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Restore(argument: _godel_v1_RestoreSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Restore(argument: _godel_v1_RestoreSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Restore(argument: _godel_v1_RestoreSnapshotRequest, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  /**
   * Restore makes a new sandbox of the snapshot's template from the snapshot.
   */
  restore(argument: _godel_v1_RestoreSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  restore(argument: _godel_v1_RestoreSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  restore(argument: _godel_v1_RestoreSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  restore(argument: _godel_v1_RestoreSnapshotRequest, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Snapshots keeps and branches a sandbox's state: capture it at one consistent point, make new
 * sandboxes from a capture (Restore), or from a sandbox directly (Fork).
 */
export interface SnapshotsHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Create captures the sandbox's filesystem (/workspace) at one point in time: its processes are frozen
   * while the capture is taken (with reflinks, an instant; otherwise for the copy).
   */
  Create: grpc.handleUnaryCall<_godel_v1_CreateSnapshotRequest__Output, _godel_v1_Snapshot>;
  
  Delete: grpc.handleUnaryCall<_godel_v1_DeleteSnapshotRequest__Output, _godel_v1_DeleteSnapshotResponse>;
  
  /**
   * Fork makes `count` new sandboxes from one consistent point of a running sandbox.
   */
  Fork: grpc.handleUnaryCall<_godel_v1_ForkRequest__Output, _godel_v1_ForkResponse>;
  
  Get: grpc.handleUnaryCall<_godel_v1_GetSnapshotRequest__Output, _godel_v1_Snapshot>;
  
  List: grpc.handleUnaryCall<_godel_v1_ListSnapshotsRequest__Output, _godel_v1_ListSnapshotsResponse>;
  
  /**
   * Restore makes a new sandbox of the snapshot's template from the snapshot.
   */
  Restore: grpc.handleUnaryCall<_godel_v1_RestoreSnapshotRequest__Output, _godel_v1_Sandbox>;
  
}

export interface SnapshotsDefinition extends grpc.ServiceDefinition {
  Create: MethodDefinition<_godel_v1_CreateSnapshotRequest, _godel_v1_Snapshot, _godel_v1_CreateSnapshotRequest__Output, _godel_v1_Snapshot__Output>
  Delete: MethodDefinition<_godel_v1_DeleteSnapshotRequest, _godel_v1_DeleteSnapshotResponse, _godel_v1_DeleteSnapshotRequest__Output, _godel_v1_DeleteSnapshotResponse__Output>
  Fork: MethodDefinition<_godel_v1_ForkRequest, _godel_v1_ForkResponse, _godel_v1_ForkRequest__Output, _godel_v1_ForkResponse__Output>
  Get: MethodDefinition<_godel_v1_GetSnapshotRequest, _godel_v1_Snapshot, _godel_v1_GetSnapshotRequest__Output, _godel_v1_Snapshot__Output>
  List: MethodDefinition<_godel_v1_ListSnapshotsRequest, _godel_v1_ListSnapshotsResponse, _godel_v1_ListSnapshotsRequest__Output, _godel_v1_ListSnapshotsResponse__Output>
  Restore: MethodDefinition<_godel_v1_RestoreSnapshotRequest, _godel_v1_Sandbox, _godel_v1_RestoreSnapshotRequest__Output, _godel_v1_Sandbox__Output>
}
