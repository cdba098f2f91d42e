import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Actor as _godel_v1_Actor, Actor__Output as _godel_v1_Actor__Output } from './godel/v1/Actor.js';
import type { AttachSession as _godel_v1_AttachSession, AttachSession__Output as _godel_v1_AttachSession__Output } from './godel/v1/AttachSession.js';
import type { CreateSandboxRequest as _godel_v1_CreateSandboxRequest, CreateSandboxRequest__Output as _godel_v1_CreateSandboxRequest__Output } from './godel/v1/CreateSandboxRequest.js';
import type { DeleteSandboxRequest as _godel_v1_DeleteSandboxRequest, DeleteSandboxRequest__Output as _godel_v1_DeleteSandboxRequest__Output } from './godel/v1/DeleteSandboxRequest.js';
import type { DeleteSandboxResponse as _godel_v1_DeleteSandboxResponse, DeleteSandboxResponse__Output as _godel_v1_DeleteSandboxResponse__Output } from './godel/v1/DeleteSandboxResponse.js';
import type { DeleteSwarmRequest as _godel_v1_DeleteSwarmRequest, DeleteSwarmRequest__Output as _godel_v1_DeleteSwarmRequest__Output } from './godel/v1/DeleteSwarmRequest.js';
import type { DeleteSwarmResponse as _godel_v1_DeleteSwarmResponse, DeleteSwarmResponse__Output as _godel_v1_DeleteSwarmResponse__Output } from './godel/v1/DeleteSwarmResponse.js';
import type { EventsRequest as _godel_v1_EventsRequest, EventsRequest__Output as _godel_v1_EventsRequest__Output } from './godel/v1/EventsRequest.js';
import type { ExecClient as _godel_v1_ExecClient, ExecDefinition as _godel_v1_ExecDefinition } from './godel/v1/Exec.js';
import type { ExecEvent as _godel_v1_ExecEvent, ExecEvent__Output as _godel_v1_ExecEvent__Output } from './godel/v1/ExecEvent.js';
import type { Exited as _godel_v1_Exited, Exited__Output as _godel_v1_Exited__Output } from './godel/v1/Exited.js';
import type { GetSandboxRequest as _godel_v1_GetSandboxRequest, GetSandboxRequest__Output as _godel_v1_GetSandboxRequest__Output } from './godel/v1/GetSandboxRequest.js';
import type { GitWorkspace as _godel_v1_GitWorkspace, GitWorkspace__Output as _godel_v1_GitWorkspace__Output } from './godel/v1/GitWorkspace.js';
import type { ListSandboxesRequest as _godel_v1_ListSandboxesRequest, ListSandboxesRequest__Output as _godel_v1_ListSandboxesRequest__Output } from './godel/v1/ListSandboxesRequest.js';
import type { ListSandboxesResponse as _godel_v1_ListSandboxesResponse, ListSandboxesResponse__Output as _godel_v1_ListSandboxesResponse__Output } from './godel/v1/ListSandboxesResponse.js';
import type { ListSessionsRequest as _godel_v1_ListSessionsRequest, ListSessionsRequest__Output as _godel_v1_ListSessionsRequest__Output } from './godel/v1/ListSessionsRequest.js';
import type { ListSessionsResponse as _godel_v1_ListSessionsResponse, ListSessionsResponse__Output as _godel_v1_ListSessionsResponse__Output } from './godel/v1/ListSessionsResponse.js';
import type { ListSwarmsRequest as _godel_v1_ListSwarmsRequest, ListSwarmsRequest__Output as _godel_v1_ListSwarmsRequest__Output } from './godel/v1/ListSwarmsRequest.js';
import type { ListSwarmsResponse as _godel_v1_ListSwarmsResponse, ListSwarmsResponse__Output as _godel_v1_ListSwarmsResponse__Output } from './godel/v1/ListSwarmsResponse.js';
import type { NetworkNarrowing as _godel_v1_NetworkNarrowing, NetworkNarrowing__Output as _godel_v1_NetworkNarrowing__Output } from './godel/v1/NetworkNarrowing.js';
import type { NetworkPolicy as _godel_v1_NetworkPolicy, NetworkPolicy__Output as _godel_v1_NetworkPolicy__Output } from './godel/v1/NetworkPolicy.js';
import type { PauseSandboxRequest as _godel_v1_PauseSandboxRequest, PauseSandboxRequest__Output as _godel_v1_PauseSandboxRequest__Output } from './godel/v1/PauseSandboxRequest.js';
import type { Resize as _godel_v1_Resize, Resize__Output as _godel_v1_Resize__Output } from './godel/v1/Resize.js';
import type { ResumeSandboxRequest as _godel_v1_ResumeSandboxRequest, ResumeSandboxRequest__Output as _godel_v1_ResumeSandboxRequest__Output } from './godel/v1/ResumeSandboxRequest.js';
import type { RunRequest as _godel_v1_RunRequest, RunRequest__Output as _godel_v1_RunRequest__Output } from './godel/v1/RunRequest.js';
import type { Sandbox as _godel_v1_Sandbox, Sandbox__Output as _godel_v1_Sandbox__Output } from './godel/v1/Sandbox.js';
import type { SandboxEvent as _godel_v1_SandboxEvent, SandboxEvent__Output as _godel_v1_SandboxEvent__Output } from './godel/v1/SandboxEvent.js';
import type { SandboxesClient as _godel_v1_SandboxesClient, SandboxesDefinition as _godel_v1_SandboxesDefinition } from './godel/v1/Sandboxes.js';
import type { SessionInfo as _godel_v1_SessionInfo, SessionInfo__Output as _godel_v1_SessionInfo__Output } from './godel/v1/SessionInfo.js';
import type { SessionInput as _godel_v1_SessionInput, SessionInput__Output as _godel_v1_SessionInput__Output } from './godel/v1/SessionInput.js';
import type { SetTtlRequest as _godel_v1_SetTtlRequest, SetTtlRequest__Output as _godel_v1_SetTtlRequest__Output } from './godel/v1/SetTtlRequest.js';
import type { SignalRequest as _godel_v1_SignalRequest, SignalRequest__Output as _godel_v1_SignalRequest__Output } from './godel/v1/SignalRequest.js';
import type { SignalResponse as _godel_v1_SignalResponse, SignalResponse__Output as _godel_v1_SignalResponse__Output } from './godel/v1/SignalResponse.js';
import type { SpawnSwarmDone as _godel_v1_SpawnSwarmDone, SpawnSwarmDone__Output as _godel_v1_SpawnSwarmDone__Output } from './godel/v1/SpawnSwarmDone.js';
import type { SpawnSwarmEvent as _godel_v1_SpawnSwarmEvent, SpawnSwarmEvent__Output as _godel_v1_SpawnSwarmEvent__Output } from './godel/v1/SpawnSwarmEvent.js';
import type { SpawnSwarmRequest as _godel_v1_SpawnSwarmRequest, SpawnSwarmRequest__Output as _godel_v1_SpawnSwarmRequest__Output } from './godel/v1/SpawnSwarmRequest.js';
import type { StartSession as _godel_v1_StartSession, StartSession__Output as _godel_v1_StartSession__Output } from './godel/v1/StartSession.js';
import type { Started as _godel_v1_Started, Started__Output as _godel_v1_Started__Output } from './godel/v1/Started.js';
import type { SwarmClient as _godel_v1_SwarmClient, SwarmDefinition as _godel_v1_SwarmDefinition } from './godel/v1/Swarm.js';
import type { SwarmExecEvent as _godel_v1_SwarmExecEvent, SwarmExecEvent__Output as _godel_v1_SwarmExecEvent__Output } from './godel/v1/SwarmExecEvent.js';
import type { SwarmExecRequest as _godel_v1_SwarmExecRequest, SwarmExecRequest__Output as _godel_v1_SwarmExecRequest__Output } from './godel/v1/SwarmExecRequest.js';
import type { SwarmInfo as _godel_v1_SwarmInfo, SwarmInfo__Output as _godel_v1_SwarmInfo__Output } from './godel/v1/SwarmInfo.js';
import type { SwarmMemberError as _godel_v1_SwarmMemberError, SwarmMemberError__Output as _godel_v1_SwarmMemberError__Output } from './godel/v1/SwarmMemberError.js';
import type { SwarmPlacement as _godel_v1_SwarmPlacement, SwarmPlacement__Output as _godel_v1_SwarmPlacement__Output } from './godel/v1/SwarmPlacement.js';
import type { WatchSandboxesRequest as _godel_v1_WatchSandboxesRequest, WatchSandboxesRequest__Output as _godel_v1_WatchSandboxesRequest__Output } from './godel/v1/WatchSandboxesRequest.js';
import type { WorkspaceSource as _godel_v1_WorkspaceSource, WorkspaceSource__Output as _godel_v1_WorkspaceSource__Output } from './godel/v1/WorkspaceSource.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  godel: {
    v1: {
      Actor: MessageTypeDefinition<_godel_v1_Actor, _godel_v1_Actor__Output>
      AttachSession: MessageTypeDefinition<_godel_v1_AttachSession, _godel_v1_AttachSession__Output>
      CreateSandboxRequest: MessageTypeDefinition<_godel_v1_CreateSandboxRequest, _godel_v1_CreateSandboxRequest__Output>
      DeleteSandboxRequest: MessageTypeDefinition<_godel_v1_DeleteSandboxRequest, _godel_v1_DeleteSandboxRequest__Output>
      DeleteSandboxResponse: MessageTypeDefinition<_godel_v1_DeleteSandboxResponse, _godel_v1_DeleteSandboxResponse__Output>
      DeleteSwarmRequest: MessageTypeDefinition<_godel_v1_DeleteSwarmRequest, _godel_v1_DeleteSwarmRequest__Output>
      DeleteSwarmResponse: MessageTypeDefinition<_godel_v1_DeleteSwarmResponse, _godel_v1_DeleteSwarmResponse__Output>
      EventsRequest: MessageTypeDefinition<_godel_v1_EventsRequest, _godel_v1_EventsRequest__Output>
      /**
       * Exec runs commands inside a sandbox.
       */
      Exec: SubtypeConstructor<typeof grpc.Client, _godel_v1_ExecClient> & { service: _godel_v1_ExecDefinition }
      ExecEvent: MessageTypeDefinition<_godel_v1_ExecEvent, _godel_v1_ExecEvent__Output>
      Exited: MessageTypeDefinition<_godel_v1_Exited, _godel_v1_Exited__Output>
      ExpiryPolicy: EnumTypeDefinition
      GetSandboxRequest: MessageTypeDefinition<_godel_v1_GetSandboxRequest, _godel_v1_GetSandboxRequest__Output>
      GitWorkspace: MessageTypeDefinition<_godel_v1_GitWorkspace, _godel_v1_GitWorkspace__Output>
      ListSandboxesRequest: MessageTypeDefinition<_godel_v1_ListSandboxesRequest, _godel_v1_ListSandboxesRequest__Output>
      ListSandboxesResponse: MessageTypeDefinition<_godel_v1_ListSandboxesResponse, _godel_v1_ListSandboxesResponse__Output>
      ListSessionsRequest: MessageTypeDefinition<_godel_v1_ListSessionsRequest, _godel_v1_ListSessionsRequest__Output>
      ListSessionsResponse: MessageTypeDefinition<_godel_v1_ListSessionsResponse, _godel_v1_ListSessionsResponse__Output>
      ListSwarmsRequest: MessageTypeDefinition<_godel_v1_ListSwarmsRequest, _godel_v1_ListSwarmsRequest__Output>
      ListSwarmsResponse: MessageTypeDefinition<_godel_v1_ListSwarmsResponse, _godel_v1_ListSwarmsResponse__Output>
      NetworkNarrowing: MessageTypeDefinition<_godel_v1_NetworkNarrowing, _godel_v1_NetworkNarrowing__Output>
      NetworkPolicy: MessageTypeDefinition<_godel_v1_NetworkPolicy, _godel_v1_NetworkPolicy__Output>
      PauseSandboxRequest: MessageTypeDefinition<_godel_v1_PauseSandboxRequest, _godel_v1_PauseSandboxRequest__Output>
      PlacementStrategy: EnumTypeDefinition
      Resize: MessageTypeDefinition<_godel_v1_Resize, _godel_v1_Resize__Output>
      ResumeSandboxRequest: MessageTypeDefinition<_godel_v1_ResumeSandboxRequest, _godel_v1_ResumeSandboxRequest__Output>
      RunRequest: MessageTypeDefinition<_godel_v1_RunRequest, _godel_v1_RunRequest__Output>
      Sandbox: MessageTypeDefinition<_godel_v1_Sandbox, _godel_v1_Sandbox__Output>
      SandboxEvent: MessageTypeDefinition<_godel_v1_SandboxEvent, _godel_v1_SandboxEvent__Output>
      SandboxState: EnumTypeDefinition
      /**
       * Sandboxes is the lifecycle service: create (warm handoff or cold boot), inspect, list, delete, watch.
       */
      Sandboxes: SubtypeConstructor<typeof grpc.Client, _godel_v1_SandboxesClient> & { service: _godel_v1_SandboxesDefinition }
      SessionInfo: MessageTypeDefinition<_godel_v1_SessionInfo, _godel_v1_SessionInfo__Output>
      SessionInput: MessageTypeDefinition<_godel_v1_SessionInput, _godel_v1_SessionInput__Output>
      SetTtlRequest: MessageTypeDefinition<_godel_v1_SetTtlRequest, _godel_v1_SetTtlRequest__Output>
      SignalRequest: MessageTypeDefinition<_godel_v1_SignalRequest, _godel_v1_SignalRequest__Output>
      SignalResponse: MessageTypeDefinition<_godel_v1_SignalResponse, _godel_v1_SignalResponse__Output>
      SpawnSwarmDone: MessageTypeDefinition<_godel_v1_SpawnSwarmDone, _godel_v1_SpawnSwarmDone__Output>
      SpawnSwarmEvent: MessageTypeDefinition<_godel_v1_SpawnSwarmEvent, _godel_v1_SpawnSwarmEvent__Output>
      SpawnSwarmRequest: MessageTypeDefinition<_godel_v1_SpawnSwarmRequest, _godel_v1_SpawnSwarmRequest__Output>
      StartSession: MessageTypeDefinition<_godel_v1_StartSession, _godel_v1_StartSession__Output>
      Started: MessageTypeDefinition<_godel_v1_Started, _godel_v1_Started__Output>
      /**
       * Swarm places many sandboxes of one template over the nodes of a federation, and works on them as one:
       * every member carries the label swarm=<swarm id>.
       */
      Swarm: SubtypeConstructor<typeof grpc.Client, _godel_v1_SwarmClient> & { service: _godel_v1_SwarmDefinition }
      SwarmExecEvent: MessageTypeDefinition<_godel_v1_SwarmExecEvent, _godel_v1_SwarmExecEvent__Output>
      SwarmExecRequest: MessageTypeDefinition<_godel_v1_SwarmExecRequest, _godel_v1_SwarmExecRequest__Output>
      SwarmInfo: MessageTypeDefinition<_godel_v1_SwarmInfo, _godel_v1_SwarmInfo__Output>
      SwarmMemberError: MessageTypeDefinition<_godel_v1_SwarmMemberError, _godel_v1_SwarmMemberError__Output>
      SwarmPlacement: MessageTypeDefinition<_godel_v1_SwarmPlacement, _godel_v1_SwarmPlacement__Output>
      WatchSandboxesRequest: MessageTypeDefinition<_godel_v1_WatchSandboxesRequest, _godel_v1_WatchSandboxesRequest__Output>
      WorkspaceSource: MessageTypeDefinition<_godel_v1_WorkspaceSource, _godel_v1_WorkspaceSource__Output>
    }
  }
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

