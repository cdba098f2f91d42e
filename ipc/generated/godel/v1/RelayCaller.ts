// Original file: ipc/proto/godel/v1/federation.proto


/**
 * The client behind a relayed call, as the node it called read it from SO_PEERCRED.
 */
export interface RelayCaller {
  'uid'?: (number);
  'gid'?: (number);
  'pid'?: (number);
}

/**
 * The client behind a relayed call, as the node it called read it from SO_PEERCRED.
 */
export interface RelayCaller__Output {
  'uid': (number);
  'gid': (number);
  'pid': (number);
}
