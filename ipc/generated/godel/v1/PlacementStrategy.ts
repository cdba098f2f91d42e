// Original file: ipc/proto/godel/v1/swarm.proto

export const PlacementStrategy = {
  PLACEMENT_STRATEGY_UNSPECIFIED: 'PLACEMENT_STRATEGY_UNSPECIFIED',
  /**
   * After the warm pools, each cold sandbox goes to the node with the most free capacity.
   */
  SPREAD: 'SPREAD',
  /**
   * After the warm pools, cold sandboxes fill the busiest node that has room before the next.
   */
  BINPACK: 'BINPACK',
} as const;

export type PlacementStrategy =
  | 'PLACEMENT_STRATEGY_UNSPECIFIED'
  | 0
  /**
   * After the warm pools, each cold sandbox goes to the node with the most free capacity.
   */
  | 'SPREAD'
  | 1
  /**
   * After the warm pools, cold sandboxes fill the busiest node that has room before the next.
   */
  | 'BINPACK'
  | 2

export type PlacementStrategy__Output = typeof PlacementStrategy[keyof typeof PlacementStrategy]
