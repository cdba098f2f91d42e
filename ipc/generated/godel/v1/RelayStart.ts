// Original file: ipc/proto/godel/v1/federation.proto

import type { MetadataEntry as _godel_v1_MetadataEntry, MetadataEntry__Output as _godel_v1_MetadataEntry__Output } from '../../godel/v1/MetadataEntry.js';
import type { RelayCaller as _godel_v1_RelayCaller, RelayCaller__Output as _godel_v1_RelayCaller__Output } from '../../godel/v1/RelayCaller.js';

export interface RelayStart {
  /**
   * The full method path, "/godel.v1.Exec/Run".
   */
  'method'?: (string);
  'metadata'?: (_godel_v1_MetadataEntry)[];
  'caller'?: (_godel_v1_RelayCaller | null);
  /**
   * How many bytes of messages the owner may send before it is granted more.
   */
  'credit'?: (number);
}

export interface RelayStart__Output {
  /**
   * The full method path, "/godel.v1.Exec/Run".
   */
  'method': (string);
  'metadata': (_godel_v1_MetadataEntry__Output)[];
  'caller': (_godel_v1_RelayCaller__Output | null);
  /**
   * How many bytes of messages the owner may send before it is granted more.
   */
  'credit': (number);
}
