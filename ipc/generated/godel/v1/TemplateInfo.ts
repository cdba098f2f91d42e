// Original file: ipc/proto/godel/v1/system.proto


export interface TemplateInfo {
  'name'?: (string);
  'provider'?: (string);
  'specHash'?: (string);
}

export interface TemplateInfo__Output {
  'name': (string);
  'provider': (string);
  'specHash': (string);
}
