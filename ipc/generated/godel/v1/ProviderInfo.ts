// Original file: ipc/proto/godel/v1/system.proto


export interface ProviderInfo {
  'name'?: (string);
  /**
   * What the provider can do, e.g. "exec", "filesystem-snapshot".
   */
  'capabilities'?: (string)[];
  'available'?: (boolean);
  /**
   * Why the provider is unavailable, when it is.
   */
  'message'?: (string);
}

export interface ProviderInfo__Output {
  'name': (string);
  /**
   * What the provider can do, e.g. "exec", "filesystem-snapshot".
   */
  'capabilities': (string)[];
  'available': (boolean);
  /**
   * Why the provider is unavailable, when it is.
   */
  'message': (string);
}
