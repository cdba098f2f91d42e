// Original file: ipc/proto/godel/v1/pools.proto

export const PoolHealth = {
  POOL_HEALTH_UNSPECIFIED: 'POOL_HEALTH_UNSPECIFIED',
  /**
   * The pool is at its target or refilling normally.
   */
  HEALTHY: 'HEALTHY',
  /**
   * Recent boots failed; the pool retries with backoff and last_error says why.
   */
  FAILING: 'FAILING',
  /**
   * min_idle is 0: the pool keeps nothing warm.
   */
  DISABLED: 'DISABLED',
} as const;

export type PoolHealth =
  | 'POOL_HEALTH_UNSPECIFIED'
  | 0
  /**
   * The pool is at its target or refilling normally.
   */
  | 'HEALTHY'
  | 1
  /**
   * Recent boots failed; the pool retries with backoff and last_error says why.
   */
  | 'FAILING'
  | 2
  /**
   * min_idle is 0: the pool keeps nothing warm.
   */
  | 'DISABLED'
  | 3

export type PoolHealth__Output = typeof PoolHealth[keyof typeof PoolHealth]
