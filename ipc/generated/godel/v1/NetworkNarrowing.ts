// Original file: ipc/proto/godel/v1/sandboxes.proto


/**
 * Narrows a template's allow list for one sandbox: `allow` must lie within the template's allow list
 * (PERMISSION_DENIED otherwise); `deny` adds to the template's deny list.
 */
export interface NetworkNarrowing {
  'allow'?: (string)[];
  'deny'?: (string)[];
}

/**
 * Narrows a template's allow list for one sandbox: `allow` must lie within the template's allow list
 * (PERMISSION_DENIED otherwise); `deny` adds to the template's deny list.
 */
export interface NetworkNarrowing__Output {
  'allow': (string)[];
  'deny': (string)[];
}
