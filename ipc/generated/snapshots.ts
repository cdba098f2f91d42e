import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Actor as _godel_v1_Actor, Actor__Output as _godel_v1_Actor__Output } from './godel/v1/Actor.js';
import type { CreateSandboxRequest as _godel_v1_CreateSandboxRequest, CreateSandboxRequest__Output as _godel_v1_CreateSandboxRequest__Output } from './godel/v1/CreateSandboxRequest.js';
import type { CreateSnapshotRequest as _godel_v1_CreateSnapshotRequest, CreateSnapshotRequest__Output as _godel_v1_CreateSnapshotRequest__Output } from './godel/v1/CreateSnapshotRequest.js';
import type { DeleteSandboxRequest as _godel_v1_DeleteSandboxRequest, DeleteSandboxRequest__Output as _godel_v1_DeleteSandboxRequest__Output } from './godel/v1/DeleteSandboxRequest.js';
import type { DeleteSandboxResponse as _godel_v1_DeleteSandboxResponse, DeleteSandboxResponse__Output as _godel_v1_DeleteSandboxResponse__Output } from './godel/v1/DeleteSandboxResponse.js';
import type { DeleteSnapshotRequest as _godel_v1_DeleteSnapshotRequest, DeleteSnapshotRequest__Output as _godel_v1_DeleteSnapshotRequest__Output } from './godel/v1/DeleteSnapshotRequest.js';
import type { DeleteSnapshotResponse as _godel_v1_DeleteSnapshotResponse, DeleteSnapshotResponse__Output as _godel_v1_DeleteSnapshotResponse__Output } from './godel/v1/DeleteSnapshotResponse.js';
import type { EventsRequest as _godel_v1_EventsRequest, EventsRequest__Output as _godel_v1_EventsRequest__Output } from './godel/v1/EventsRequest.js';
import type { ForkRequest as _godel_v1_ForkRequest, ForkRequest__Output as _godel_v1_ForkRequest__Output } from './godel/v1/ForkRequest.js';
import type { ForkResponse as _godel_v1_ForkResponse, ForkResponse__Output as _godel_v1_ForkResponse__Output } from './godel/v1/ForkResponse.js';
import type { GetSandboxRequest as _godel_v1_GetSandboxRequest, GetSandboxRequest__Output as _godel_v1_GetSandboxRequest__Output } from './godel/v1/GetSandboxRequest.js';
import type { GetSnapshotRequest as _godel_v1_GetSnapshotRequest, GetSnapshotRequest__Output as _godel_v1_GetSnapshotRequest__Output } from './godel/v1/GetSnapshotRequest.js';
import type { GitWorkspace as _godel_v1_GitWorkspace, GitWorkspace__Output as _godel_v1_GitWorkspace__Output } from './godel/v1/GitWorkspace.js';
import type { ListSandboxesRequest as _godel_v1_ListSandboxesRequest, ListSandboxesRequest__Output as _godel_v1_ListSandboxesRequest__Output } from './godel/v1/ListSandboxesRequest.js';
import type { ListSandboxesResponse as _godel_v1_ListSandboxesResponse, ListSandboxesResponse__Output as _godel_v1_ListSandboxesResponse__Output } from './godel/v1/ListSandboxesResponse.js';
import type { ListSnapshotsRequest as _godel_v1_ListSnapshotsRequest, ListSnapshotsRequest__Output as _godel_v1_ListSnapshotsRequest__Output } from './godel/v1/ListSnapshotsRequest.js';
import type { ListSnapshotsResponse as _godel_v1_ListSnapshotsResponse, ListSnapshotsResponse__Output as _godel_v1_ListSnapshotsResponse__Output } from './godel/v1/ListSnapshotsResponse.js';
import type { NetworkNarrowing as _godel_v1_NetworkNarrowing, NetworkNarrowing__Output as _godel_v1_NetworkNarrowing__Output } from './godel/v1/NetworkNarrowing.js';
import type { NetworkPolicy as _godel_v1_NetworkPolicy, NetworkPolicy__Output as _godel_v1_NetworkPolicy__Output } from './godel/v1/NetworkPolicy.js';
import type { PauseSandboxRequest as _godel_v1_PauseSandboxRequest, PauseSandboxRequest__Output as _godel_v1_PauseSandboxRequest__Output } from './godel/v1/PauseSandboxRequest.js';
import type { RestoreSnapshotRequest as _godel_v1_RestoreSnapshotRequest, RestoreSnapshotRequest__Output as _godel_v1_RestoreSnapshotRequest__Output } from './godel/v1/RestoreSnapshotRequest.js';
import type { ResumeSandboxRequest as _godel_v1_ResumeSandboxRequest, ResumeSandboxRequest__Output as _godel_v1_ResumeSandboxRequest__Output } from './godel/v1/ResumeSandboxRequest.js';
import type { Sandbox as _godel_v1_Sandbox, Sandbox__Output as _godel_v1_Sandbox__Output } from './godel/v1/Sandbox.js';
import type { SandboxEvent as _godel_v1_SandboxEvent, SandboxEvent__Output as _godel_v1_SandboxEvent__Output } from './godel/v1/SandboxEvent.js';
import type { SandboxesClient as _godel_v1_SandboxesClient, SandboxesDefinition as _godel_v1_SandboxesDefinition } from './godel/v1/Sandboxes.js';
import type { SetTtlRequest as _godel_v1_SetTtlRequest, SetTtlRequest__Output as _godel_v1_SetTtlRequest__Output } from './godel/v1/SetTtlRequest.js';
import type { Snapshot as _godel_v1_Snapshot, Snapshot__Output as _godel_v1_Snapshot__Output } from './godel/v1/Snapshot.js';
import type { SnapshotsClient as _godel_v1_SnapshotsClient, SnapshotsDefinition as _godel_v1_SnapshotsDefinition } from './godel/v1/Snapshots.js';
import type { WatchSandboxesRequest as _godel_v1_WatchSandboxesRequest, WatchSandboxesRequest__Output as _godel_v1_WatchSandboxesRequest__Output } from './godel/v1/WatchSandboxesRequest.js';
import type { WorkspaceSource as _godel_v1_WorkspaceSource, WorkspaceSource__Output as _godel_v1_WorkspaceSource__Output } from './godel/v1/WorkspaceSource.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  godel: {
    v1: {
      Actor: MessageTypeDefinition<_godel_v1_Actor, _godel_v1_Actor__Output>
      CreateSandboxRequest: MessageTypeDefinition<_godel_v1_CreateSandboxRequest, _godel_v1_CreateSandboxRequest__Output>
      CreateSnapshotRequest: MessageTypeDefinition<_godel_v1_CreateSnapshotRequest, _godel_v1_CreateSnapshotRequest__Output>
      DeleteSandboxRequest: MessageTypeDefinition<_godel_v1_DeleteSandboxRequest, _godel_v1_DeleteSandboxRequest__Output>
      DeleteSandboxResponse: MessageTypeDefinition<_godel_v1_DeleteSandboxResponse, _godel_v1_DeleteSandboxResponse__Output>
      DeleteSnapshotRequest: MessageTypeDefinition<_godel_v1_DeleteSnapshotRequest, _godel_v1_DeleteSnapshotRequest__Output>
      DeleteSnapshotResponse: MessageTypeDefinition<_godel_v1_DeleteSnapshotResponse, _godel_v1_DeleteSnapshotResponse__Output>
      EventsRequest: MessageTypeDefinition<_godel_v1_EventsRequest, _godel_v1_EventsRequest__Output>
      ExpiryPolicy: EnumTypeDefinition
      ForkRequest: MessageTypeDefinition<_godel_v1_ForkRequest, _godel_v1_ForkRequest__Output>
      ForkResponse: MessageTypeDefinition<_godel_v1_ForkResponse, _godel_v1_ForkResponse__Output>
      GetSandboxRequest: MessageTypeDefinition<_godel_v1_GetSandboxRequest, _godel_v1_GetSandboxRequest__Output>
      GetSnapshotRequest: MessageTypeDefinition<_godel_v1_GetSnapshotRequest, _godel_v1_GetSnapshotRequest__Output>
      GitWorkspace: MessageTypeDefinition<_godel_v1_GitWorkspace, _godel_v1_GitWorkspace__Output>
      ListSandboxesRequest: MessageTypeDefinition<_godel_v1_ListSandboxesRequest, _godel_v1_ListSandboxesRequest__Output>
      ListSandboxesResponse: MessageTypeDefinition<_godel_v1_ListSandboxesResponse, _godel_v1_ListSandboxesResponse__Output>
      ListSnapshotsRequest: MessageTypeDefinition<_godel_v1_ListSnapshotsRequest, _godel_v1_ListSnapshotsRequest__Output>
      ListSnapshotsResponse: MessageTypeDefinition<_godel_v1_ListSnapshotsResponse, _godel_v1_ListSnapshotsResponse__Output>
      NetworkNarrowing: MessageTypeDefinition<_godel_v1_NetworkNarrowing, _godel_v1_NetworkNarrowing__Output>
      NetworkPolicy: MessageTypeDefinition<_godel_v1_NetworkPolicy, _godel_v1_NetworkPolicy__Output>
      PauseSandboxRequest: MessageTypeDefinition<_godel_v1_PauseSandboxRequest, _godel_v1_PauseSandboxRequest__Output>
      RestoreSnapshotRequest: MessageTypeDefinition<_godel_v1_RestoreSnapshotRequest, _godel_v1_RestoreSnapshotRequest__Output>
      ResumeSandboxRequest: MessageTypeDefinition<_godel_v1_ResumeSandboxRequest, _godel_v1_ResumeSandboxRequest__Output>
      Sandbox: MessageTypeDefinition<_godel_v1_Sandbox, _godel_v1_Sandbox__Output>
      SandboxEvent: MessageTypeDefinition<_godel_v1_SandboxEvent, _godel_v1_SandboxEvent__Output>
      SandboxState: EnumTypeDefinition
      /**
       * Sandboxes is the lifecycle service: create (warm handoff or cold boot), inspect, list, delete, watch.
       */
      Sandboxes: SubtypeConstructor<typeof grpc.Client, _godel_v1_SandboxesClient> & { service: _godel_v1_SandboxesDefinition }
      SetTtlRequest: MessageTypeDefinition<_godel_v1_SetTtlRequest, _godel_v1_SetTtlRequest__Output>
      Snapshot: MessageTypeDefinition<_godel_v1_Snapshot, _godel_v1_Snapshot__Output>
      SnapshotKind: EnumTypeDefinition
      /**
       * Snapshots keeps and branches a sandbox's state: capture it at one consistent point, make new
       * sandboxes from a capture (Restore), or from a sandbox directly (Fork).
       */
      Snapshots: SubtypeConstructor<typeof grpc.Client, _godel_v1_SnapshotsClient> & { service: _godel_v1_SnapshotsDefinition }
      WatchSandboxesRequest: MessageTypeDefinition<_godel_v1_WatchSandboxesRequest, _godel_v1_WatchSandboxesRequest__Output>
      WorkspaceSource: MessageTypeDefinition<_godel_v1_WorkspaceSource, _godel_v1_WorkspaceSource__Output>
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

