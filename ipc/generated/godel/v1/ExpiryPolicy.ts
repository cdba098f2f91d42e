// Original file: ipc/proto/godel/v1/sandboxes.proto

/**
 * What happens to a sandbox when its TTL, idle timeout or maximum lifetime runs out.
 */
export const ExpiryPolicy = {
  EXPIRY_POLICY_UNSPECIFIED: 'EXPIRY_POLICY_UNSPECIFIED',
  /**
   * Kill its processes and remove its files and record.
   */
  DELETE: 'DELETE',
  /**
   * Kill its processes but keep its files and record (state STOPPED) until it is deleted.
   */
  STOP: 'STOP',
} as const;

/**
 * What happens to a sandbox when its TTL, idle timeout or maximum lifetime runs out.
 */
export type ExpiryPolicy =
  | 'EXPIRY_POLICY_UNSPECIFIED'
  | 0
  /**
   * Kill its processes and remove its files and record.
   */
  | 'DELETE'
  | 1
  /**
   * Kill its processes but keep its files and record (state STOPPED) until it is deleted.
   */
  | 'STOP'
  | 2

/**
 * What happens to a sandbox when its TTL, idle timeout or maximum lifetime runs out.
 */
export type ExpiryPolicy__Output = typeof ExpiryPolicy[keyof typeof ExpiryPolicy]
