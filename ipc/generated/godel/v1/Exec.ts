// Original file: ipc/proto/godel/v1/exec.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ExecEvent as _godel_v1_ExecEvent, ExecEvent__Output as _godel_v1_ExecEvent__Output } from '../../godel/v1/ExecEvent.js';
import type { ListSessionsRequest as _godel_v1_ListSessionsRequest, ListSessionsRequest__Output as _godel_v1_ListSessionsRequest__Output } from '../../godel/v1/ListSessionsRequest.js';
import type { ListSessionsResponse as _godel_v1_ListSessionsResponse, ListSessionsResponse__Output as _godel_v1_ListSessionsResponse__Output } from '../../godel/v1/ListSessionsResponse.js';
import type { RunRequest as _godel_v1_RunRequest, RunRequest__Output as _godel_v1_RunRequest__Output } from '../../godel/v1/RunRequest.js';
import type { SessionInput as _godel_v1_SessionInput, SessionInput__Output as _godel_v1_SessionInput__Output } from '../../godel/v1/SessionInput.js';
import type { SignalRequest as _godel_v1_SignalRequest, SignalRequest__Output as _godel_v1_SignalRequest__Output } from '../../godel/v1/SignalRequest.js';
import type { SignalResponse as _godel_v1_SignalResponse, SignalResponse__Output as _godel_v1_SignalResponse__Output } from '../../godel/v1/SignalResponse.js';

/**
 * Exec runs commands inside a sandbox.
 */
export interface ExecClient extends grpc.Client {
  /**
   * Attach re-attaches to a session: the first message must be `attach`. It replays the session's recent
   * output, then streams live output; later messages are input as in Session. Several clients may attach.
   */
  Attach(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_SessionInput, _godel_v1_ExecEvent__Output>;
  Attach(options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_SessionInput, _godel_v1_ExecEvent__Output>;
  /**
   * Attach re-attaches to a session: the first message must be `attach`. It replays the session's recent
   * output, then streams live output; later messages are input as in Session. Several clients may attach.
   */
  attach(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_SessionInput, _godel_v1_ExecEvent__Output>;
  attach(options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_SessionInput, _godel_v1_ExecEvent__Output>;
  
  /**
   * ListSessions lists a sandbox's sessions, running and recently finished.
   */
  ListSessions(argument: _godel_v1_ListSessionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  ListSessions(argument: _godel_v1_ListSessionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  ListSessions(argument: _godel_v1_ListSessionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  ListSessions(argument: _godel_v1_ListSessionsRequest, callback: grpc.requestCallback<_godel_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ListSessions lists a sandbox's sessions, running and recently finished.
   */
  listSessions(argument: _godel_v1_ListSessionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _godel_v1_ListSessionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _godel_v1_ListSessionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _godel_v1_ListSessionsRequest, callback: grpc.requestCallback<_godel_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  /**
   * Session starts an interactive command: the first message must be `start`; later ones carry stdin,
   * resize, signal and close_stdin. The session outlives the call: when the client goes away the
   * process keeps running and Attach reaches it again.
   */
  Session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_SessionInput, _godel_v1_ExecEvent__Output>;
  Session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_SessionInput, _godel_v1_ExecEvent__Output>;
  /**
   * Session starts an interactive command: the first message must be `start`; later ones carry stdin,
   * resize, signal and close_stdin. The session outlives the call: when the client goes away the
   * process keeps running and Attach reaches it again.
   */
  session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_SessionInput, _godel_v1_ExecEvent__Output>;
  session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_godel_v1_SessionInput, _godel_v1_ExecEvent__Output>;
  
  /**
   * Signal sends a signal to a session's process without attaching.
   */
  Signal(argument: _godel_v1_SignalRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_SignalResponse__Output>): grpc.ClientUnaryCall;
  Signal(argument: _godel_v1_SignalRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_SignalResponse__Output>): grpc.ClientUnaryCall;
  Signal(argument: _godel_v1_SignalRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_SignalResponse__Output>): grpc.ClientUnaryCall;
  Signal(argument: _godel_v1_SignalRequest, callback: grpc.requestCallback<_godel_v1_SignalResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Signal sends a signal to a session's process without attaching.
   */
  signal(argument: _godel_v1_SignalRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_SignalResponse__Output>): grpc.ClientUnaryCall;
  signal(argument: _godel_v1_SignalRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_godel_v1_SignalResponse__Output>): grpc.ClientUnaryCall;
  signal(argument: _godel_v1_SignalRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_godel_v1_SignalResponse__Output>): grpc.ClientUnaryCall;
  signal(argument: _godel_v1_SignalRequest, callback: grpc.requestCallback<_godel_v1_SignalResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Exec runs commands inside a sandbox.
 */
export interface ExecHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Attach re-attaches to a session: the first message must be `attach`. It replays the session's recent
   * output, then streams live output; later messages are input as in Session. Several clients may attach.
   */
  Attach: grpc.handleBidiStreamingCall<_godel_v1_SessionInput__Output, _godel_v1_ExecEvent>;
  
  /**
   * ListSessions lists a sandbox's sessions, running and recently finished.
   */
  ListSessions: grpc.handleUnaryCall<_godel_v1_ListSessionsRequest__Output, _godel_v1_ListSessionsResponse>;
  
  /**
   * Run starts a non-interactive command and streams its output and, last, its exit status.
   */
  Run: grpc.handleServerStreamingCall<_godel_v1_RunRequest__Output, _godel_v1_ExecEvent>;
  
  /**
   * Session starts an interactive command: the first message must be `start`; later ones carry stdin,
   * resize, signal and close_stdin. The session outlives the call: when the client goes away the
   * process keeps running and Attach reaches it again.
   */
  Session: grpc.handleBidiStreamingCall<_godel_v1_SessionInput__Output, _godel_v1_ExecEvent>;
  
  /**
   * Signal sends a signal to a session's process without attaching.
   */
  Signal: grpc.handleUnaryCall<_godel_v1_SignalRequest__Output, _godel_v1_SignalResponse>;
  
}

export interface ExecDefinition extends grpc.ServiceDefinition {
  Attach: MethodDefinition<_godel_v1_SessionInput, _godel_v1_ExecEvent, _godel_v1_SessionInput__Output, _godel_v1_ExecEvent__Output>
  ListSessions: MethodDefinition<_godel_v1_ListSessionsRequest, _godel_v1_ListSessionsResponse, _godel_v1_ListSessionsRequest__Output, _godel_v1_ListSessionsResponse__Output>
  Run: MethodDefinition<_godel_v1_RunRequest, _godel_v1_ExecEvent, _godel_v1_RunRequest__Output, _godel_v1_ExecEvent__Output>
  Session: MethodDefinition<_godel_v1_SessionInput, _godel_v1_ExecEvent, _godel_v1_SessionInput__Output, _godel_v1_ExecEvent__Output>
  Signal: MethodDefinition<_godel_v1_SignalRequest, _godel_v1_SignalResponse, _godel_v1_SignalRequest__Output, _godel_v1_SignalResponse__Output>
}
