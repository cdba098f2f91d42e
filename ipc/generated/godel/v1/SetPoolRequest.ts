// Original file: ipc/proto/godel/v1/pools.proto


export interface SetPoolRequest {
  'template'?: (string);
  'minIdle'?: (number);
  'maxTotal'?: (number);
  'maxAgeSeconds'?: (number);
  /**
   * The node whose pool to change; empty means this one.
   */
  'node'?: (string);
  '_minIdle'?: "minIdle";
  '_maxTotal'?: "maxTotal";
  '_maxAgeSeconds'?: "maxAgeSeconds";
}

export interface SetPoolRequest__Output {
  'template': (string);
  'minIdle'?: (number);
  'maxTotal'?: (number);
  'maxAgeSeconds'?: (number);
  /**
   * The node whose pool to change; empty means this one.
   */
  'node': (string);
  '_minIdle'?: "minIdle";
  '_maxTotal'?: "maxTotal";
  '_maxAgeSeconds'?: "maxAgeSeconds";
}
