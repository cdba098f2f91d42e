// Original file: ipc/proto/godel/v1/exec.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ExecEvent as _godel_v1_ExecEvent, ExecEvent__Output as _godel_v1_ExecEvent__Output } from '../../godel/v1/ExecEvent.js';
import type { RunRequest as _godel_v1_RunRequest, RunRequest__Output as _godel_v1_RunRequest__Output } from '../../godel/v1/RunRequest.js';

/**
 * Exec runs commands inside a sandbox.
 */
export interface ExecClient extends grpc.Client {
  /**
   * Run starts a non-interactive command and streams its output and, last, its exit status.
   */
  Run(argument: _godel_v1_RunRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_ExecEvent__Output>;
  Run(argument: _godel_v1_RunRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_ExecEvent__Output>;
  /**
   * Run starts a non-interactive command and streams its output and, last, its exit status.
   */
  run(argument: _godel_v1_RunRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_ExecEvent__Output>;
  run(argument: _godel_v1_RunRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_godel_v1_ExecEvent__Output>;
  
}

/**
 * Exec runs commands inside a sandbox.
 */
export interface ExecHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Run starts a non-interactive command and streams its output and, last, its exit status.
   */
  Run: grpc.handleServerStreamingCall<_godel_v1_RunRequest__Output, _godel_v1_ExecEvent>;
  
}

export interface ExecDefinition extends grpc.ServiceDefinition {
  Run: MethodDefinition<_godel_v1_RunRequest, _godel_v1_ExecEvent, _godel_v1_RunRequest__Output, _godel_v1_ExecEvent__Output>
}
