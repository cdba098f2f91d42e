// Original file: ipc/proto/godel/v1/swarm.proto

import type { SwarmPlacement as _godel_v1_SwarmPlacement, SwarmPlacement__Output as _godel_v1_SwarmPlacement__Output } from '../../godel/v1/SwarmPlacement.js';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';

export interface SwarmInfo {
  'swarmId'?: (string);
  'template'?: (string);
  'count'?: (number);
  'placements'?: (_godel_v1_SwarmPlacement)[];
  'createdAt'?: (_google_protobuf_Timestamp | null);
  /**
   * Members by state name.
   */
  'states'?: ({[key: string]: number});
}

export interface SwarmInfo__Output {
  'swarmId': (string);
  'template': (string);
  'count': (number);
  'placements': (_godel_v1_SwarmPlacement__Output)[];
  'createdAt': (_google_protobuf_Timestamp__Output | null);
  /**
   * Members by state name.
   */
  'states': ({[key: string]: number});
}
