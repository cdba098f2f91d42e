// Original file: ipc/proto/godel/v1/sandboxes.proto

import type { SandboxState as _godel_v1_SandboxState, SandboxState__Output as _godel_v1_SandboxState__Output } from '../../godel/v1/SandboxState.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Sandbox as _godel_v1_Sandbox, Sandbox__Output as _godel_v1_Sandbox__Output } from '../../godel/v1/Sandbox.js';
import type { Actor as _godel_v1_Actor, Actor__Output as _godel_v1_Actor__Output } from '../../godel/v1/Actor.js';
import type { Long } from '@grpc/proto-loader';

export interface SandboxEvent {
  /**
   * Monotonic sequence number of the event in this daemon's store.
   */
  'seq'?: (number | string | Long);
  'sandboxId'?: (string);
  /**
   * What happened: "created", "ready", "claimed", "deleting", "deleted", "failed", "expired",
   * "oom-kill", "pids-limit"; and, from Events only, "request" for an audit record.
   */
  'type'?: (string);
  'state'?: (_godel_v1_SandboxState);
  'time'?: (_google_protobuf_Timestamp | null);
  'message'?: (string);
  /**
   * The sandbox as it is now; unset in replayed history and audit records.
   */
  'sandbox'?: (_godel_v1_Sandbox | null);
  /**
   * Audit records ("request"): who called, which method, and its gRPC status and godel-error-code.
   */
  'actor'?: (_godel_v1_Actor | null);
  'method'?: (string);
  'status'?: (string);
  'errorCode'?: (string);
  /**
   * The node the event happened on. A federated Watch also sends "node-unreachable" and
   * "node-reachable" events (sandbox_id empty) when a peer's part of the stream stops and resumes.
   */
  'node'?: (string);
}

export interface SandboxEvent__Output {
  /**
   * Monotonic sequence number of the event in this daemon's store.
   */
  'seq': (number);
  'sandboxId': (string);
  /**
   * What happened: "created", "ready", "claimed", "deleting", "deleted", "failed", "expired",
   * "oom-kill", "pids-limit"; and, from Events only, "request" for an audit record.
   */
  'type': (string);
  'state': (_godel_v1_SandboxState__Output);
  'time': (_google_protobuf_Timestamp__Output | null);
  'message': (string);
  /**
   * The sandbox as it is now; unset in replayed history and audit records.
   */
  'sandbox': (_godel_v1_Sandbox__Output | null);
  /**
   * Audit records ("request"): who called, which method, and its gRPC status and godel-error-code.
   */
  'actor': (_godel_v1_Actor__Output | null);
  'method': (string);
  'status': (string);
  'errorCode': (string);
  /**
   * The node the event happened on. A federated Watch also sends "node-unreachable" and
   * "node-reachable" events (sandbox_id empty) when a peer's part of the stream stops and resumes.
   */
  'node': (string);
}
