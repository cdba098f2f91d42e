// Original file: ipc/proto/godel/v1/exec.proto

import type { Started as _godel_v1_Started, Started__Output as _godel_v1_Started__Output } from '../../godel/v1/Started.js';
import type { Exited as _godel_v1_Exited, Exited__Output as _godel_v1_Exited__Output } from '../../godel/v1/Exited.js';

export interface ExecEvent {
  'started'?: (_godel_v1_Started | null);
  'stdout'?: (Buffer | Uint8Array | string);
  'stderr'?: (Buffer | Uint8Array | string);
  'exited'?: (_godel_v1_Exited | null);
  'event'?: "started"|"stdout"|"stderr"|"exited";
}

export interface ExecEvent__Output {
  'started'?: (_godel_v1_Started__Output | null);
  'stdout'?: (Buffer);
  'stderr'?: (Buffer);
  'exited'?: (_godel_v1_Exited__Output | null);
  'event'?: "started"|"stdout"|"stderr"|"exited";
}
