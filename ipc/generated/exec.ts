import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AttachSession as _godel_v1_AttachSession, AttachSession__Output as _godel_v1_AttachSession__Output } from './godel/v1/AttachSession.js';
import type { ExecClient as _godel_v1_ExecClient, ExecDefinition as _godel_v1_ExecDefinition } from './godel/v1/Exec.js';
import type { ExecEvent as _godel_v1_ExecEvent, ExecEvent__Output as _godel_v1_ExecEvent__Output } from './godel/v1/ExecEvent.js';
import type { Exited as _godel_v1_Exited, Exited__Output as _godel_v1_Exited__Output } from './godel/v1/Exited.js';
import type { ListSessionsRequest as _godel_v1_ListSessionsRequest, ListSessionsRequest__Output as _godel_v1_ListSessionsRequest__Output } from './godel/v1/ListSessionsRequest.js';
import type { ListSessionsResponse as _godel_v1_ListSessionsResponse, ListSessionsResponse__Output as _godel_v1_ListSessionsResponse__Output } from './godel/v1/ListSessionsResponse.js';
import type { Resize as _godel_v1_Resize, Resize__Output as _godel_v1_Resize__Output } from './godel/v1/Resize.js';
import type { RunRequest as _godel_v1_RunRequest, RunRequest__Output as _godel_v1_RunRequest__Output } from './godel/v1/RunRequest.js';
import type { SessionInfo as _godel_v1_SessionInfo, SessionInfo__Output as _godel_v1_SessionInfo__Output } from './godel/v1/SessionInfo.js';
import type { SessionInput as _godel_v1_SessionInput, SessionInput__Output as _godel_v1_SessionInput__Output } from './godel/v1/SessionInput.js';
import type { SignalRequest as _godel_v1_SignalRequest, SignalRequest__Output as _godel_v1_SignalRequest__Output } from './godel/v1/SignalRequest.js';
import type { SignalResponse as _godel_v1_SignalResponse, SignalResponse__Output as _godel_v1_SignalResponse__Output } from './godel/v1/SignalResponse.js';
import type { StartSession as _godel_v1_StartSession, StartSession__Output as _godel_v1_StartSession__Output } from './godel/v1/StartSession.js';
import type { Started as _godel_v1_Started, Started__Output as _godel_v1_Started__Output } from './godel/v1/Started.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  godel: {
    v1: {
      AttachSession: MessageTypeDefinition<_godel_v1_AttachSession, _godel_v1_AttachSession__Output>
      /**
       * Exec runs commands inside a sandbox.
       */
      Exec: SubtypeConstructor<typeof grpc.Client, _godel_v1_ExecClient> & { service: _godel_v1_ExecDefinition }
      ExecEvent: MessageTypeDefinition<_godel_v1_ExecEvent, _godel_v1_ExecEvent__Output>
      Exited: MessageTypeDefinition<_godel_v1_Exited, _godel_v1_Exited__Output>
      ListSessionsRequest: MessageTypeDefinition<_godel_v1_ListSessionsRequest, _godel_v1_ListSessionsRequest__Output>
      ListSessionsResponse: MessageTypeDefinition<_godel_v1_ListSessionsResponse, _godel_v1_ListSessionsResponse__Output>
      Resize: MessageTypeDefinition<_godel_v1_Resize, _godel_v1_Resize__Output>
      RunRequest: MessageTypeDefinition<_godel_v1_RunRequest, _godel_v1_RunRequest__Output>
      SessionInfo: MessageTypeDefinition<_godel_v1_SessionInfo, _godel_v1_SessionInfo__Output>
      SessionInput: MessageTypeDefinition<_godel_v1_SessionInput, _godel_v1_SessionInput__Output>
      SignalRequest: MessageTypeDefinition<_godel_v1_SignalRequest, _godel_v1_SignalRequest__Output>
      SignalResponse: MessageTypeDefinition<_godel_v1_SignalResponse, _godel_v1_SignalResponse__Output>
      StartSession: MessageTypeDefinition<_godel_v1_StartSession, _godel_v1_StartSession__Output>
      Started: MessageTypeDefinition<_godel_v1_Started, _godel_v1_Started__Output>
    }
  }
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

