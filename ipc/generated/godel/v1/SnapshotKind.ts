// Original file: ipc/proto/godel/v1/snapshots.proto

export const SnapshotKind = {
  SNAPSHOT_KIND_UNSPECIFIED: 'SNAPSHOT_KIND_UNSPECIFIED',
  /**
   * The sandbox's filesystem.
   */
  FILESYSTEM: 'FILESYSTEM',
  /**
   * The whole machine, memory and processes included (providers that declare "memory-snapshot").
   */
  MEMORY: 'MEMORY',
} as const;

export type SnapshotKind =
  | 'SNAPSHOT_KIND_UNSPECIFIED'
  | 0
  /**
   * The sandbox's filesystem.
   */
  | 'FILESYSTEM'
  | 1
  /**
   * The whole machine, memory and processes included (providers that declare "memory-snapshot").
   */
  | 'MEMORY'
  | 2

export type SnapshotKind__Output = typeof SnapshotKind[keyof typeof SnapshotKind]
