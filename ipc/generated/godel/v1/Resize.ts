// Original file: ipc/proto/godel/v1/exec.proto


export interface Resize {
  'cols'?: (number);
  'rows'?: (number);
}

export interface Resize__Output {
  'cols': (number);
  'rows': (number);
}
