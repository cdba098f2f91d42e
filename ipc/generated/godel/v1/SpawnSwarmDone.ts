// Original file: ipc/proto/godel/v1/swarm.proto

import type { SwarmPlacement as _godel_v1_SwarmPlacement, SwarmPlacement__Output as _godel_v1_SwarmPlacement__Output } from '../../godel/v1/SwarmPlacement.js';

export interface SpawnSwarmDone {
  'swarmId'?: (string);
  'count'?: (number);
  'placements'?: (_godel_v1_SwarmPlacement)[];
  /**
   * How long choosing the nodes took, before any sandbox was asked for.
   */
  'placementSeconds'?: (number | string);
  /**
   * Why some sandboxes could not be placed (only without all_or_nothing, which fails instead).
   */
  'message'?: (string);
}

export interface SpawnSwarmDone__Output {
  'swarmId': (string);
  'count': (number);
  'placements': (_godel_v1_SwarmPlacement__Output)[];
  /**
   * How long choosing the nodes took, before any sandbox was asked for.
   */
  'placementSeconds': (number);
  /**
   * Why some sandboxes could not be placed (only without all_or_nothing, which fails instead).
   */
  'message': (string);
}
