// Original file: ipc/proto/godel/v1/files.proto

export const FileType = {
  FILE_TYPE_UNSPECIFIED: 'FILE_TYPE_UNSPECIFIED',
  REGULAR: 'REGULAR',
  DIRECTORY: 'DIRECTORY',
  SYMLINK: 'SYMLINK',
  OTHER: 'OTHER',
} as const;

export type FileType =
  | 'FILE_TYPE_UNSPECIFIED'
  | 0
  | 'REGULAR'
  | 1
  | 'DIRECTORY'
  | 2
  | 'SYMLINK'
  | 3
  | 'OTHER'
  | 4

export type FileType__Output = typeof FileType[keyof typeof FileType]
