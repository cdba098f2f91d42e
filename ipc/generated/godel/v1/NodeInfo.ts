// Original file: ipc/proto/godel/v1/system.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { NodeCapacity as _godel_v1_NodeCapacity, NodeCapacity__Output as _godel_v1_NodeCapacity__Output } from '../../godel/v1/NodeCapacity.js';
import type { NodePool as _godel_v1_NodePool, NodePool__Output as _godel_v1_NodePool__Output } from '../../godel/v1/NodePool.js';

export interface NodeInfo {
  /**
   * The node's name, from its certificate.
   */
  'name'?: (string);
  /**
   * Its peer address (HOST:PORT); empty for a node known only by name.
   */
  'address'?: (string);
  /**
   * True for the daemon that answered.
   */
  'self'?: (boolean);
  'reachable'?: (boolean);
  /**
   * When it last answered; unset when it never has.
   */
  'lastSeen'?: (_google_protobuf_Timestamp | null);
  'version'?: (string);
  'capacity'?: (_godel_v1_NodeCapacity | null);
  'pools'?: (_godel_v1_NodePool)[];
  /**
   * The circuit breaker of calls to it: "closed" (calls go through), "open" (refused at once), "half-open".
   */
  'breaker'?: (string);
  /**
   * Why it is unreachable or excluded, when it is.
   */
  'error'?: (string);
  /**
   * When the certificate it presented in its last handshake expires (rotated certificates show here).
   */
  'certificateExpiresAt'?: (_google_protobuf_Timestamp | null);
}

export interface NodeInfo__Output {
  /**
   * The node's name, from its certificate.
   */
  'name': (string);
  /**
   * Its peer address (HOST:PORT); empty for a node known only by name.
   */
  'address': (string);
  /**
   * True for the daemon that answered.
   */
  'self': (boolean);
  'reachable': (boolean);
  /**
   * When it last answered; unset when it never has.
   */
  'lastSeen': (_google_protobuf_Timestamp__Output | null);
  'version': (string);
  'capacity': (_godel_v1_NodeCapacity__Output | null);
  'pools': (_godel_v1_NodePool__Output)[];
  /**
   * The circuit breaker of calls to it: "closed" (calls go through), "open" (refused at once), "half-open".
   */
  'breaker': (string);
  /**
   * Why it is unreachable or excluded, when it is.
   */
  'error': (string);
  /**
   * When the certificate it presented in its last handshake expires (rotated certificates show here).
   */
  'certificateExpiresAt': (_google_protobuf_Timestamp__Output | null);
}
