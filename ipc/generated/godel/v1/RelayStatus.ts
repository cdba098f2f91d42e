// Original file: ipc/proto/godel/v1/federation.proto

import type { MetadataEntry as _godel_v1_MetadataEntry, MetadataEntry__Output as _godel_v1_MetadataEntry__Output } from '../../godel/v1/MetadataEntry.js';

export interface RelayStatus {
  'code'?: (number);
  'details'?: (string);
  'metadata'?: (_godel_v1_MetadataEntry)[];
}

export interface RelayStatus__Output {
  'code': (number);
  'details': (string);
  'metadata': (_godel_v1_MetadataEntry__Output)[];
}
