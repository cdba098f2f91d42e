// Original file: ipc/proto/godel/v1/sandboxes.proto


export interface CreateSandboxRequest {
  /**
   * Template name; empty means "default".
   */
  'template'?: (string);
  'labels'?: ({[key: string]: string});
  /**
   * Environment variables applied to every command run in the sandbox.
   */
  'env'?: ({[key: string]: string});
  /**
   * Delete the sandbox this many seconds after it is handed out; 0 means no TTL.
   */
  'ttlSeconds'?: (number);
}

export interface CreateSandboxRequest__Output {
  /**
   * Template name; empty means "default".
   */
  'template': (string);
  'labels': ({[key: string]: string});
  /**
   * Environment variables applied to every command run in the sandbox.
   */
  'env': ({[key: string]: string});
  /**
   * Delete the sandbox this many seconds after it is handed out; 0 means no TTL.
   */
  'ttlSeconds': (number);
}
