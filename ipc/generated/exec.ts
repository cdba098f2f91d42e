import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ExecClient as _godel_v1_ExecClient, ExecDefinition as _godel_v1_ExecDefinition } from './godel/v1/Exec.js';
import type { ExecEvent as _godel_v1_ExecEvent, ExecEvent__Output as _godel_v1_ExecEvent__Output } from './godel/v1/ExecEvent.js';
import type { Exited as _godel_v1_Exited, Exited__Output as _godel_v1_Exited__Output } from './godel/v1/Exited.js';
import type { RunRequest as _godel_v1_RunRequest, RunRequest__Output as _godel_v1_RunRequest__Output } from './godel/v1/RunRequest.js';
import type { Started as _godel_v1_Started, Started__Output as _godel_v1_Started__Output } from './godel/v1/Started.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  godel: {
    v1: {
      /**
       * Exec runs commands inside a sandbox.
       */
      Exec: SubtypeConstructor<typeof grpc.Client, _godel_v1_ExecClient> & { service: _godel_v1_ExecDefinition }
      ExecEvent: MessageTypeDefinition<_godel_v1_ExecEvent, _godel_v1_ExecEvent__Output>
      Exited: MessageTypeDefinition<_godel_v1_Exited, _godel_v1_Exited__Output>
      RunRequest: MessageTypeDefinition<_godel_v1_RunRequest, _godel_v1_RunRequest__Output>
      Started: MessageTypeDefinition<_godel_v1_Started, _godel_v1_Started__Output>
    }
  }
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
    }
  }
}

