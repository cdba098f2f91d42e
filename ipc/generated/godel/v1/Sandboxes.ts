// Original file: ipc/proto/godel/v1/sandboxes.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateSandboxRequest as _godel_v1_CreateSandboxRequest, CreateSandboxRequest__Output as _godel_v1_CreateSandboxRequest__Output } from '../../godel/v1/CreateSandboxRequest.js';
import type { DeleteSandboxRequest as _godel_v1_DeleteSandboxRequest, DeleteSandboxRequest__Output as _godel_v1_DeleteSandboxRequest__Output } from '../../godel/v1/DeleteSandboxRequest.js';
import type { DeleteSandboxResponse as _godel_v1_DeleteSandboxResponse, DeleteSandboxResponse__Output as _godel_v1_DeleteSandboxResponse__Output } from '../../godel/v1/DeleteSandboxResponse.js';
import type { EventsRequest as _godel_v1_EventsRequest, EventsRequest__Output as _godel_v1_EventsRequest__Output } from '../../godel/v1/EventsRequest.js';
import type { GetSandboxRequest as _godel_v1_GetSandboxRequest, GetSandboxRequest__Output as _godel_v1_GetSandboxRequest__Output } from '../../godel/v1/GetSandboxRequest.js';
import type { ListSandboxesRequest as _godel_v1_ListSandboxesRequest, ListSandboxesRequest__Output as _godel_v1_ListSandboxesRequest__Output } from '../../godel/v1/ListSandboxesRequest.js';
import type { ListSandboxesResponse as _godel_v1_ListSandboxesResponse, ListSandboxesResponse__Output as _godel_v1_ListSandboxesResponse__Output } from '../../godel/v1/ListSandboxesResponse.js';
import type { PauseSandboxRequest as _godel_v1_PauseSandboxRequest, PauseSandboxRequest__Output as _godel_v1_PauseSandboxRequest__Output } from '../../godel/v1/PauseSandboxRequest.js';
import type { ResumeSandboxRequest as _godel_v1_ResumeSandboxRequest, ResumeSandboxRequest__Output as _godel_v1_ResumeSandboxRequest__Output } from '../../godel/v1/ResumeSandboxRequest.js';
import type { Sandbox as _godel_v1_Sandbox, Sandbox__Output as _godel_v1_Sandbox__Output } from '../../godel/v1/Sandbox.js';
import type { SandboxEvent as _godel_v1_SandboxEvent, SandboxEvent__Output as _godel_v1_SandboxEvent__Output } from '../../godel/v1/SandboxEvent.js';
import type { SetTtlRequest as _godel_v1_SetTtlRequest, SetTtlRequest__Output as _godel_v1_SetTtlRequest__Output } from '../../godel/v1/SetTtlRequest.js';
import type { WatchSandboxesRequest as _godel_v1_WatchSandboxesRequest, WatchSandboxesRequest__Output as _godel_v1_WatchSandboxesRequest__Output } from '../../godel/v1/WatchSandboxesRequest.js';

/**
 * Sandboxes is the lifecycle service: create (warm handoff or cold boot), inspect, list, delete, watch.
 */
export interface SandboxesClient extends grpc.Client {
  /**
   * Create hands out an idle sandbox from the template's warm pool, or boots one cold when the pool is empty.
   */
  Create(argument: _godel_v1_CreateSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Create(argument: _godel_v1_CreateSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Create(argument: _godel_v1_CreateSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Create(argument: _godel_v1_CreateSandboxRequest, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  /**
   * Create hands out an idle sandbox from the template's warm pool, or boots one cold when the pool is empty.
   */
  create(argument: _godel_v1_CreateSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  create(argument: _godel_v1_CreateSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  create(argument: _godel_v1_CreateSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  create(argument: _godel_v1_CreateSandboxRequest, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  
  /**
   * Delete kills every process of the sandbox and removes its files.
   */
  Delete(argument: _godel_v1_DeleteSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_DeleteSandboxResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _godel_v1_DeleteSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_DeleteSandboxResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _godel_v1_DeleteSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_DeleteSandboxResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _godel_v1_DeleteSandboxRequest, callback: grpc.requestCallback<_godel_v1_DeleteSandboxResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Delete kills every process of the sandbox and removes its files.
   */
  delete(argument: _godel_v1_DeleteSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_DeleteSandboxResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _godel_v1_DeleteSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_DeleteSandboxResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _godel_v1_DeleteSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_DeleteSandboxResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _godel_v1_DeleteSandboxRequest, callback: grpc.requestCallback<_godel_v1_DeleteSandboxResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Events replays the stored history, newest last: lifecycle events of every sandbox (pool ones too),
   * the audit records of requests (type "request": who called which method on which sandbox, and how it
   * ended), and events such as "oom-kill". With follow it then streams new ones as they happen.
   */
  Events(argument: _godel_v1_EventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SandboxEvent__Output>;
  Events(argument: _godel_v1_EventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SandboxEvent__Output>;
  /**
   * Events replays the stored history, newest last: lifecycle events of every sandbox (pool ones too),
   * the audit records of requests (type "request": who called which method on which sandbox, and how it
   * ended), and events such as "oom-kill". With follow it then streams new ones as they happen.
   */
  events(argument: _godel_v1_EventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SandboxEvent__Output>;
  events(argument: _godel_v1_EventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SandboxEvent__Output>;
  
  Get(argument: _godel_v1_GetSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Get(argument: _godel_v1_GetSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Get(argument: _godel_v1_GetSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Get(argument: _godel_v1_GetSandboxRequest, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  get(argument: _godel_v1_GetSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  get(argument: _godel_v1_GetSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  get(argument: _godel_v1_GetSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  get(argument: _godel_v1_GetSandboxRequest, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  
  List(argument: _godel_v1_ListSandboxesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSandboxesResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListSandboxesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListSandboxesResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListSandboxesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSandboxesResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _godel_v1_ListSandboxesRequest, callback: grpc.requestCallback<_godel_v1_ListSandboxesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListSandboxesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSandboxesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListSandboxesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListSandboxesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListSandboxesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSandboxesResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _godel_v1_ListSandboxesRequest, callback: grpc.requestCallback<_godel_v1_ListSandboxesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Pause stops every vCPU of a sandbox whose provider can (state PAUSED: nothing runs, memory is kept);
   * Resume lets it run again. Others answer FAILED_PRECONDITION / NOT_SUPPORTED.
   */
  Pause(argument: _godel_v1_PauseSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Pause(argument: _godel_v1_PauseSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Pause(argument: _godel_v1_PauseSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Pause(argument: _godel_v1_PauseSandboxRequest, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  /**
   * Pause stops every vCPU of a sandbox whose provider can (state PAUSED: nothing runs, memory is kept);
   * Resume lets it run again. Others answer FAILED_PRECONDITION / NOT_SUPPORTED.
   */
  pause(argument: _godel_v1_PauseSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  pause(argument: _godel_v1_PauseSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  pause(argument: _godel_v1_PauseSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  pause(argument: _godel_v1_PauseSandboxRequest, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  
  Resume(argument: _godel_v1_ResumeSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Resume(argument: _godel_v1_ResumeSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Resume(argument: _godel_v1_ResumeSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  Resume(argument: _godel_v1_ResumeSandboxRequest, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  resume(argument: _godel_v1_ResumeSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  resume(argument: _godel_v1_ResumeSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  resume(argument: _godel_v1_ResumeSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  resume(argument: _godel_v1_ResumeSandboxRequest, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  
  /**
   * SetTtl moves a sandbox's TTL deadline to ttl_seconds from now (0 removes it).
   */
  SetTtl(argument: _godel_v1_SetTtlRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  SetTtl(argument: _godel_v1_SetTtlRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  SetTtl(argument: _godel_v1_SetTtlRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  SetTtl(argument: _godel_v1_SetTtlRequest, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  /**
   * SetTtl moves a sandbox's TTL deadline to ttl_seconds from now (0 removes it).
   */
  setTtl(argument: _godel_v1_SetTtlRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  setTtl(argument: _godel_v1_SetTtlRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  setTtl(argument: _godel_v1_SetTtlRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  setTtl(argument: _godel_v1_SetTtlRequest, callback: grpc.requestCallback<_godel_v1_Sandbox__Output>): grpc.ClientUnaryCall;
  
  /**
   * Watch streams lifecycle events of claimed sandboxes as they happen.
   */
  Watch(argument: _godel_v1_WatchSandboxesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SandboxEvent__Output>;
  Watch(argument: _godel_v1_WatchSandboxesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SandboxEvent__Output>;
  /**
   * Watch streams lifecycle events of claimed sandboxes as they happen.
   */
  watch(argument: _godel_v1_WatchSandboxesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SandboxEvent__Output>;
  watch(argument: _godel_v1_WatchSandboxesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_SandboxEvent__Output>;
  
}

/**
 * Sandboxes is the lifecycle service: create (warm handoff or cold boot), inspect, list, delete, watch.
 */
export interface SandboxesHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Create hands out an idle sandbox from the template's warm pool, or boots one cold when the pool is empty.
   */
  Create: grpc.handleUnaryCall<_godel_v1_CreateSandboxRequest__Output, _godel_v1_Sandbox>;
  
  /**
   * Delete kills every process of the sandbox and removes its files.
   */
  Delete: grpc.handleUnaryCall<_godel_v1_DeleteSandboxRequest__Output, _godel_v1_DeleteSandboxResponse>;
  
  /**
   * Events replays the stored history, newest last: lifecycle events of every sandbox (pool ones too),
   * the audit records of requests (type "request": who called which method on which sandbox, and how it
   * ended), and events such as "oom-kill". With follow it then streams new ones as they happen.
   */
  Events: grpc.handleServerStreamingCall<_godel_v1_EventsRequest__Output, _godel_v1_SandboxEvent>;
  
  Get: grpc.handleUnaryCall<_godel_v1_GetSandboxRequest__Output, _godel_v1_Sandbox>;
  
  List: grpc.handleUnaryCall<_godel_v1_ListSandboxesRequest__Output, _godel_v1_ListSandboxesResponse>;
  
  /**
   * Pause stops every vCPU of a sandbox whose provider can (state PAUSED: nothing runs, memory is kept);
   * Resume lets it run again. Others answer FAILED_PRECONDITION / NOT_SUPPORTED.
   */
  Pause: grpc.handleUnaryCall<_godel_v1_PauseSandboxRequest__Output, _godel_v1_Sandbox>;
  
  Resume: grpc.handleUnaryCall<_godel_v1_ResumeSandboxRequest__Output, _godel_v1_Sandbox>;
  
  /**
   * SetTtl moves a sandbox's TTL deadline to ttl_seconds from now (0 removes it).
   */
  SetTtl: grpc.handleUnaryCall<_godel_v1_SetTtlRequest__Output, _godel_v1_Sandbox>;
  
  /**
   * Watch streams lifecycle events of claimed sandboxes as they happen.
   */
  Watch: grpc.handleServerStreamingCall<_godel_v1_WatchSandboxesRequest__Output, _godel_v1_SandboxEvent>;
  
}

export interface SandboxesDefinition extends grpc.ServiceDefinition {
  Create: MethodDefinition<_godel_v1_CreateSandboxRequest, _godel_v1_Sandbox, _godel_v1_CreateSandboxRequest__Output, _godel_v1_Sandbox__Output>
  Delete: MethodDefinition<_godel_v1_DeleteSandboxRequest, _godel_v1_DeleteSandboxResponse, _godel_v1_DeleteSandboxRequest__Output, _godel_v1_DeleteSandboxResponse__Output>
  Events: MethodDefinition<_godel_v1_EventsRequest, _godel_v1_SandboxEvent, _godel_v1_EventsRequest__Output, _godel_v1_SandboxEvent__Output>
  Get: MethodDefinition<_godel_v1_GetSandboxRequest, _godel_v1_Sandbox, _godel_v1_GetSandboxRequest__Output, _godel_v1_Sandbox__Output>
  List: MethodDefinition<_godel_v1_ListSandboxesRequest, _godel_v1_ListSandboxesResponse, _godel_v1_ListSandboxesRequest__Output, _godel_v1_ListSandboxesResponse__Output>
  Pause: MethodDefinition<_godel_v1_PauseSandboxRequest, _godel_v1_Sandbox, _godel_v1_PauseSandboxRequest__Output, _godel_v1_Sandbox__Output>
  Resume: MethodDefinition<_godel_v1_ResumeSandboxRequest, _godel_v1_Sandbox, _godel_v1_ResumeSandboxRequest__Output, _godel_v1_Sandbox__Output>
  SetTtl: MethodDefinition<_godel_v1_SetTtlRequest, _godel_v1_Sandbox, _godel_v1_SetTtlRequest__Output, _godel_v1_Sandbox__Output>
  Watch: MethodDefinition<_godel_v1_WatchSandboxesRequest, _godel_v1_SandboxEvent, _godel_v1_WatchSandboxesRequest__Output, _godel_v1_SandboxEvent__Output>
}
