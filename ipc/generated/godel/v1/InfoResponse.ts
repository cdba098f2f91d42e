// Original file: ipc/proto/godel/v1/system.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp.js';
import type { ProviderInfo as _godel_v1_ProviderInfo, ProviderInfo__Output as _godel_v1_ProviderInfo__Output } from '../../godel/v1/ProviderInfo.js';
import type { TemplateInfo as _godel_v1_TemplateInfo, TemplateInfo__Output as _godel_v1_TemplateInfo__Output } from '../../godel/v1/TemplateInfo.js';
import type { AgentRuntimeInfo as _godel_v1_AgentRuntimeInfo, AgentRuntimeInfo__Output as _godel_v1_AgentRuntimeInfo__Output } from '../../godel/v1/AgentRuntimeInfo.js';

export interface InfoResponse {
  'node'?: (string);
  'version'?: (string);
  'socket'?: (string);
  'stateDir'?: (string);
  'startedAt'?: (_google_protobuf_Timestamp | null);
  'providers'?: (_godel_v1_ProviderInfo)[];
  'templates'?: (_godel_v1_TemplateInfo)[];
  /**
   * Claimed sandboxes by state name.
   */
  'sandboxesByState'?: ({[key: string]: number});
  'pid'?: (number);
  /**
   * The agent CLIs this node can run, and the models agents may ask for (those the price table knows,
   * served by a configured provider).
   */
  'agentRuntimes'?: (_godel_v1_AgentRuntimeInfo)[];
  'models'?: (string)[];
}

export interface InfoResponse__Output {
  'node': (string);
  'version': (string);
  'socket': (string);
  'stateDir': (string);
  'startedAt': (_google_protobuf_Timestamp__Output | null);
  'providers': (_godel_v1_ProviderInfo__Output)[];
  'templates': (_godel_v1_TemplateInfo__Output)[];
  /**
   * Claimed sandboxes by state name.
   */
  'sandboxesByState': ({[key: string]: number});
  'pid': (number);
  /**
   * The agent CLIs this node can run, and the models agents may ask for (those the price table knows,
   * served by a configured provider).
   */
  'agentRuntimes': (_godel_v1_AgentRuntimeInfo__Output)[];
  'models': (string)[];
}
