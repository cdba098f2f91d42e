// Original file: ipc/proto/godel/v1/sandboxes.proto

import type { SandboxState as _godel_v1_SandboxState, SandboxState__Output as _godel_v1_SandboxState__Output } from '../../godel/v1/SandboxState.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { ExpiryPolicy as _godel_v1_ExpiryPolicy, ExpiryPolicy__Output as _godel_v1_ExpiryPolicy__Output } from '../../godel/v1/ExpiryPolicy.js';
import type { NetworkPolicy as _godel_v1_NetworkPolicy, NetworkPolicy__Output as _godel_v1_NetworkPolicy__Output } from '../../godel/v1/NetworkPolicy.js';

export interface Sandbox {
  'id'?: (string);
  'template'?: (string);
  'state'?: (_godel_v1_SandboxState);
  'provider'?: (string);
  /**
   * The node (daemon) that owns the sandbox.
   */
  'node'?: (string);
  /**
   * True when the sandbox was handed out from the warm pool, false when it was booted cold for this request.
   */
  'fromWarmPool'?: (boolean);
  'labels'?: ({[key: string]: string});
  'createdAt'?: (_google_protobuf_Timestamp | null);
  /**
   * When the sandbox was handed to its client.
   */
  'claimedAt'?: (_google_protobuf_Timestamp | null);
  /**
   * Unset when the sandbox has no TTL.
   */
  'expiresAt'?: (_google_protobuf_Timestamp | null);
  /**
   * Names of the environment variables set for every command in the sandbox (values are not returned).
   */
  'envNames'?: (string)[];
  /**
   * Why the sandbox is FAILED or STOPPED, when the daemon knows.
   */
  'statusMessage'?: (string);
  /**
   * Expire after this long with no command running and no client attached to a session; 0: never.
   */
  'idleTimeoutSeconds'?: (number);
  /**
   * The hard deadline set by the maximum lifetime; unset when there is none.
   */
  'maxLifetimeAt'?: (_google_protobuf_Timestamp | null);
  'expiryPolicy'?: (_godel_v1_ExpiryPolicy);
  /**
   * What the sandbox may connect to, fixed for its whole life.
   */
  'network'?: (_godel_v1_NetworkPolicy | null);
  /**
   * The seccomp filter the sandbox's processes run under (process sandboxes): "default", "default-userns"
   * (the default less the namespace and mount calls, for a template with nested user namespaces) or
   * "unconfined"; empty for providers that have none (a microvm is its own kernel).
   */
  'seccomp'?: (string);
  /**
   * Processes in the sandbox may create user namespaces of their own (a template's nested_user_namespaces).
   */
  'nestedUserNamespaces'?: (boolean);
}

export interface Sandbox__Output {
  'id': (string);
  'template': (string);
  'state': (_godel_v1_SandboxState__Output);
  'provider': (string);
  /**
   * The node (daemon) that owns the sandbox.
   */
  'node': (string);
  /**
   * True when the sandbox was handed out from the warm pool, false when it was booted cold for this request.
   */
  'fromWarmPool': (boolean);
  'labels': ({[key: string]: string});
  'createdAt': (_google_protobuf_Timestamp__Output | null);
  /**
   * When the sandbox was handed to its client.
   */
  'claimedAt': (_google_protobuf_Timestamp__Output | null);
  /**
   * Unset when the sandbox has no TTL.
   */
  'expiresAt': (_google_protobuf_Timestamp__Output | null);
  /**
   * Names of the environment variables set for every command in the sandbox (values are not returned).
   */
  'envNames': (string)[];
  /**
   * Why the sandbox is FAILED or STOPPED, when the daemon knows.
   */
  'statusMessage': (string);
  /**
   * Expire after this long with no command running and no client attached to a session; 0: never.
   */
  'idleTimeoutSeconds': (number);
  /**
   * The hard deadline set by the maximum lifetime; unset when there is none.
   */
  'maxLifetimeAt': (_google_protobuf_Timestamp__Output | null);
  'expiryPolicy': (_godel_v1_ExpiryPolicy__Output);
  /**
   * What the sandbox may connect to, fixed for its whole life.
   */
  'network': (_godel_v1_NetworkPolicy__Output | null);
  /**
   * The seccomp filter the sandbox's processes run under (process sandboxes): "default", "default-userns"
   * (the default less the namespace and mount calls, for a template with nested user namespaces) or
   * "unconfined"; empty for providers that have none (a microvm is its own kernel).
   */
  'seccomp': (string);
  /**
   * Processes in the sandbox may create user namespaces of their own (a template's nested_user_namespaces).
   */
  'nestedUserNamespaces': (boolean);
}
