// Original file: ipc/proto/godel/v1/snapshots.proto

import type { SnapshotKind as _godel_v1_SnapshotKind, SnapshotKind__Output as _godel_v1_SnapshotKind__Output } from '../../godel/v1/SnapshotKind.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { Long } from '@grpc/proto-loader';

export interface Snapshot {
  'id'?: (string);
  'name'?: (string);
  /**
   * The sandbox it was taken of (which may be gone by now).
   */
  'sandboxId'?: (string);
  'template'?: (string);
  'provider'?: (string);
  'kind'?: (_godel_v1_SnapshotKind);
  'labels'?: ({[key: string]: string});
  'createdAt'?: (_google_protobuf_Timestamp | null);
  /**
   * Bytes the snapshot holds (apparent size of its files).
   */
  'sizeBytes'?: (number | string | Long);
  /**
   * How long the sandbox was frozen for the capture.
   */
  'frozenSeconds'?: (number | string);
  /**
   * The node that keeps the snapshot.
   */
  'node'?: (string);
}

export interface Snapshot__Output {
  'id': (string);
  'name': (string);
  /**
   * The sandbox it was taken of (which may be gone by now).
   */
  'sandboxId': (string);
  'template': (string);
  'provider': (string);
  'kind': (_godel_v1_SnapshotKind__Output);
  'labels': ({[key: string]: string});
  'createdAt': (_google_protobuf_Timestamp__Output | null);
  /**
   * Bytes the snapshot holds (apparent size of its files).
   */
  'sizeBytes': (number);
  /**
   * How long the sandbox was frozen for the capture.
   */
  'frozenSeconds': (number);
  /**
   * The node that keeps the snapshot.
   */
  'node': (string);
}
