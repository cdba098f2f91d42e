// Original file: ipc/proto/godel/v1/system.proto


export interface VersionResponse {
  'version'?: (string);
  /**
   * The API package the daemon serves.
   */
  'api'?: (string);
  'nodeVersion'?: (string);
}

export interface VersionResponse__Output {
  'version': (string);
  /**
   * The API package the daemon serves.
   */
  'api': (string);
  'nodeVersion': (string);
}
