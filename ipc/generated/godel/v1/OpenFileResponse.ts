// Original file: ipc/proto/godel/v1/files.proto

import type { FileTicket as _godel_v1_FileTicket, FileTicket__Output as _godel_v1_FileTicket__Output } from '../../godel/v1/FileTicket.js';
import type { FileClosed as _godel_v1_FileClosed, FileClosed__Output as _godel_v1_FileClosed__Output } from '../../godel/v1/FileClosed.js';

export interface OpenFileResponse {
  'ticket'?: (_godel_v1_FileTicket | null);
  'closed'?: (_godel_v1_FileClosed | null);
  'part'?: "ticket"|"closed";
}

export interface OpenFileResponse__Output {
  'ticket'?: (_godel_v1_FileTicket__Output | null);
  'closed'?: (_godel_v1_FileClosed__Output | null);
  'part'?: "ticket"|"closed";
}
