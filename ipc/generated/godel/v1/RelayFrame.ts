// Original file: ipc/proto/godel/v1/federation.proto

import type { RelayStart as _godel_v1_RelayStart, RelayStart__Output as _godel_v1_RelayStart__Output } from '../../godel/v1/RelayStart.js';
import type { RelayStatus as _godel_v1_RelayStatus, RelayStatus__Output as _godel_v1_RelayStatus__Output } from '../../godel/v1/RelayStatus.js';

export interface RelayFrame {
  'start'?: (_godel_v1_RelayStart | null);
  /**
   * One serialized request or response message.
   */
  'message'?: (Buffer | Uint8Array | string);
  /**
   * More bytes of messages the other side may send.
   */
  'credit'?: (number);
  /**
   * The client has no more messages (client and bidi streams).
   */
  'halfClose'?: (boolean);
  /**
   * How the call ended; the last frame from the owner.
   */
  'status'?: (_godel_v1_RelayStatus | null);
  'frame'?: "start"|"message"|"credit"|"halfClose"|"status";
}

export interface RelayFrame__Output {
  'start'?: (_godel_v1_RelayStart__Output | null);
  /**
   * One serialized request or response message.
   */
  'message'?: (Buffer);
  /**
   * More bytes of messages the other side may send.
   */
  'credit'?: (number);
  /**
   * The client has no more messages (client and bidi streams).
   */
  'halfClose'?: (boolean);
  /**
   * How the call ended; the last frame from the owner.
   */
  'status'?: (_godel_v1_RelayStatus__Output | null);
  'frame'?: "start"|"message"|"credit"|"halfClose"|"status";
}
