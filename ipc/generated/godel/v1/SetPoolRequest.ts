// Original file: ipc/proto/godel/v1/pools.proto


export interface SetPoolRequest {
  'template'?: (string);
  'minIdle'?: (number);
  'maxTotal'?: (number);
  'maxAgeSeconds'?: (number);
  '_minIdle'?: "minIdle";
  '_maxTotal'?: "maxTotal";
  '_maxAgeSeconds'?: "maxAgeSeconds";
}

export interface SetPoolRequest__Output {
  'template': (string);
  'minIdle'?: (number);
  'maxTotal'?: (number);
  'maxAgeSeconds'?: (number);
  '_minIdle'?: "minIdle";
  '_maxTotal'?: "maxTotal";
  '_maxAgeSeconds'?: "maxAgeSeconds";
}
