// Original file: ipc/proto/godel/v1/pools.proto

import type { PoolHealth as _godel_v1_PoolHealth, PoolHealth__Output as _godel_v1_PoolHealth__Output } from '../../godel/v1/PoolHealth.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface Pool {
  'template'?: (string);
  'provider'?: (string);
  /**
   * Idle sandboxes the pool keeps booted.
   */
  'minIdle'?: (number);
  /**
   * Upper bound on all sandboxes of the template: idle, booting and handed out.
   */
  'maxTotal'?: (number);
  /**
   * Idle sandboxes older than this are recycled; 0 means never.
   */
  'maxAgeSeconds'?: (number);
  'idle'?: (number);
  'booting'?: (number);
  /**
   * Sandboxes of this template handed out to clients and not yet deleted.
   */
  'claimed'?: (number);
  'health'?: (_godel_v1_PoolHealth);
  'lastError'?: (string);
  'lastErrorAt'?: (_google_protobuf_Timestamp | null);
  'consecutiveFailures'?: (number);
  /**
   * Hash of the template's normalized spec: sandboxes booted from another spec are never handed out.
   */
  'specHash'?: (string);
  /**
   * The node this pool is on.
   */
  'node'?: (string);
}

export interface Pool__Output {
  'template': (string);
  'provider': (string);
  /**
   * Idle sandboxes the pool keeps booted.
   */
  'minIdle': (number);
  /**
   * Upper bound on all sandboxes of the template: idle, booting and handed out.
   */
  'maxTotal': (number);
  /**
   * Idle sandboxes older than this are recycled; 0 means never.
   */
  'maxAgeSeconds': (number);
  'idle': (number);
  'booting': (number);
  /**
   * Sandboxes of this template handed out to clients and not yet deleted.
   */
  'claimed': (number);
  'health': (_godel_v1_PoolHealth__Output);
  'lastError': (string);
  'lastErrorAt': (_google_protobuf_Timestamp__Output | null);
  'consecutiveFailures': (number);
  /**
   * Hash of the template's normalized spec: sandboxes booted from another spec are never handed out.
   */
  'specHash': (string);
  /**
   * The node this pool is on.
   */
  'node': (string);
}
