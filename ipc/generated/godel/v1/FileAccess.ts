// Original file: ipc/proto/godel/v1/files.proto

export const FileAccess = {
  READ: 'READ',
  WRITE: 'WRITE',
} as const;

export type FileAccess =
  | 'READ'
  | 0
  | 'WRITE'
  | 1

export type FileAccess__Output = typeof FileAccess[keyof typeof FileAccess]
