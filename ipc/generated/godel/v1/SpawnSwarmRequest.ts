// Original file: ipc/proto/godel/v1/swarm.proto

import type { PlacementStrategy as _godel_v1_PlacementStrategy, PlacementStrategy__Output as _godel_v1_PlacementStrategy__Output } from '../../godel/v1/PlacementStrategy.js';

export interface SpawnSwarmRequest {
  'template'?: (string);
  /**
   * 1 to 1000.
   */
  'count'?: (number);
  'labels'?: ({[key: string]: string});
  /**
   * UNSPECIFIED means SPREAD.
   */
  'strategy'?: (_godel_v1_PlacementStrategy);
  /**
   * Leave nothing behind when the swarm cannot be placed whole.
   */
  'allOrNothing'?: (boolean);
  'ttlSeconds'?: (number);
  'env'?: ({[key: string]: string});
  /**
   * Set by the node that places a swarm when it asks a peer for its share; clients leave these empty.
   */
  'swarmId'?: (string);
  'node'?: (string);
}

export interface SpawnSwarmRequest__Output {
  'template': (string);
  /**
   * 1 to 1000.
   */
  'count': (number);
  'labels': ({[key: string]: string});
  /**
   * UNSPECIFIED means SPREAD.
   */
  'strategy': (_godel_v1_PlacementStrategy__Output);
  /**
   * Leave nothing behind when the swarm cannot be placed whole.
   */
  'allOrNothing': (boolean);
  'ttlSeconds': (number);
  'env': ({[key: string]: string});
  /**
   * Set by the node that places a swarm when it asks a peer for its share; clients leave these empty.
   */
  'swarmId': (string);
  'node': (string);
}
