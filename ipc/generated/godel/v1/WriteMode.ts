// Original file: ipc/proto/godel/v1/files.proto

export const WriteMode = {
  /**
   * Create the file, or replace its contents.
   */
  TRUNCATE: 'TRUNCATE',
  /**
   * Create the file; fail with FILE_EXISTS if it exists.
   */
  CREATE: 'CREATE',
  /**
   * Create the file, or add to its end.
   */
  APPEND: 'APPEND',
} as const;

export type WriteMode =
  /**
   * Create the file, or replace its contents.
   */
  | 'TRUNCATE'
  | 0
  /**
   * Create the file; fail with FILE_EXISTS if it exists.
   */
  | 'CREATE'
  | 1
  /**
   * Create the file, or add to its end.
   */
  | 'APPEND'
  | 2

export type WriteMode__Output = typeof WriteMode[keyof typeof WriteMode]
