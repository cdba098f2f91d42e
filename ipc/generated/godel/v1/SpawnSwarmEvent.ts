// Original file: ipc/proto/godel/v1/swarm.proto

import type { Sandbox as _godel_v1_Sandbox, Sandbox__Output as _godel_v1_Sandbox__Output } from '../../godel/v1/Sandbox.js';
import type { SpawnSwarmDone as _godel_v1_SpawnSwarmDone, SpawnSwarmDone__Output as _godel_v1_SpawnSwarmDone__Output } from '../../godel/v1/SpawnSwarmDone.js';

export interface SpawnSwarmEvent {
  'placed'?: (_godel_v1_Sandbox | null);
  'done'?: (_godel_v1_SpawnSwarmDone | null);
  'event'?: "placed"|"done";
}

export interface SpawnSwarmEvent__Output {
  'placed'?: (_godel_v1_Sandbox__Output | null);
  'done'?: (_godel_v1_SpawnSwarmDone__Output | null);
  'event'?: "placed"|"done";
}
