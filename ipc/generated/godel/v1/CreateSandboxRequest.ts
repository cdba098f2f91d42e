// Original file: ipc/proto/godel/v1/sandboxes.proto

import type { WorkspaceSource as _godel_v1_WorkspaceSource, WorkspaceSource__Output as _godel_v1_WorkspaceSource__Output } from '../../godel/v1/WorkspaceSource.js';
import type { ExpiryPolicy as _godel_v1_ExpiryPolicy, ExpiryPolicy__Output as _godel_v1_ExpiryPolicy__Output } from '../../godel/v1/ExpiryPolicy.js';
import type { NetworkNarrowing as _godel_v1_NetworkNarrowing, NetworkNarrowing__Output as _godel_v1_NetworkNarrowing__Output } from '../../godel/v1/NetworkNarrowing.js';

export interface CreateSandboxRequest {
  /**
   * Template name; empty means "default".
   */
  'template'?: (string);
  'labels'?: ({[key: string]: string});
  /**
   * Environment variables applied to every command run in the sandbox.
   */
  'env'?: ({[key: string]: string});
  /**
   * Delete the sandbox this many seconds after it is handed out; 0 means no TTL.
   */
  'ttlSeconds'?: (number);
  /**
   * What /workspace starts with; unset means empty.
   */
  'workspace'?: (_godel_v1_WorkspaceSource | null);
  /**
   * 0 means the template's default (which may be "never").
   */
  'idleTimeoutSeconds'?: (number);
  'maxLifetimeSeconds'?: (number);
  /**
   * UNSPECIFIED means the template's default, DELETE unless it says otherwise.
   */
  'expiryPolicy'?: (_godel_v1_ExpiryPolicy);
  /**
   * Where the sandbox goes in a federation: "" or "local" (this node), "any" (a warm idle sandbox on any
   * node of the federation whose template has the same spec, before a cold boot here), or a node's name.
   */
  'placement'?: (string);
  /**
   * Unset: the template's network policy.
   */
  'network'?: (_godel_v1_NetworkNarrowing | null);
}

export interface CreateSandboxRequest__Output {
  /**
   * Template name; empty means "default".
   */
  'template': (string);
  'labels': ({[key: string]: string});
  /**
   * Environment variables applied to every command run in the sandbox.
   */
  'env': ({[key: string]: string});
  /**
   * Delete the sandbox this many seconds after it is handed out; 0 means no TTL.
   */
  'ttlSeconds': (number);
  /**
   * What /workspace starts with; unset means empty.
   */
  'workspace': (_godel_v1_WorkspaceSource__Output | null);
  /**
   * 0 means the template's default (which may be "never").
   */
  'idleTimeoutSeconds': (number);
  'maxLifetimeSeconds': (number);
  /**
   * UNSPECIFIED means the template's default, DELETE unless it says otherwise.
   */
  'expiryPolicy': (_godel_v1_ExpiryPolicy__Output);
  /**
   * Where the sandbox goes in a federation: "" or "local" (this node), "any" (a warm idle sandbox on any
   * node of the federation whose template has the same spec, before a cold boot here), or a node's name.
   */
  'placement': (string);
  /**
   * Unset: the template's network policy.
   */
  'network': (_godel_v1_NetworkNarrowing__Output | null);
}
