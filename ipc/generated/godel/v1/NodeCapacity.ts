// Original file: ipc/proto/godel/v1/system.proto

import type { Long } from '@grpc/proto-loader';

/**
 * What a node has room for and how busy it is.
 */
export interface NodeCapacity {
  'cpus'?: (number);
  'memoryBytes'?: (number | string | Long);
  'memoryFreeBytes'?: (number | string | Long);
  /**
   * Claimed sandboxes on the node.
   */
  'sandboxesRunning'?: (number);
  /**
   * The host's one-minute load average.
   */
  'load1'?: (number | string);
}

/**
 * What a node has room for and how busy it is.
 */
export interface NodeCapacity__Output {
  'cpus': (number);
  'memoryBytes': (number);
  'memoryFreeBytes': (number);
  /**
   * Claimed sandboxes on the node.
   */
  'sandboxesRunning': (number);
  /**
   * The host's one-minute load average.
   */
  'load1': (number);
}
