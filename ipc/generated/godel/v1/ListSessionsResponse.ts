// Original file: ipc/proto/godel/v1/exec.proto

import type { SessionInfo as _godel_v1_SessionInfo, SessionInfo__Output as _godel_v1_SessionInfo__Output } from '../../godel/v1/SessionInfo.js';

export interface ListSessionsResponse {
  'sessions'?: (_godel_v1_SessionInfo)[];
}

export interface ListSessionsResponse__Output {
  'sessions': (_godel_v1_SessionInfo__Output)[];
}
