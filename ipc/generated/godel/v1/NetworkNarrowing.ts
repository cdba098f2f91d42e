// Original file: ipc/proto/godel/v1/sandboxes.proto


/**
 * Narrows a template's network for one sandbox: `allow` must lie within the template's allow list
 * (PERMISSION_DENIED otherwise); `deny` adds to the template's deny list. `mode` "none" takes the network
 * away altogether (loopback only, no proxy, as a template's "none"), from a template of any network mode;
 * it goes without allow and deny. Empty (or "allow"): the lists narrow.
 */
export interface NetworkNarrowing {
  'allow'?: (string)[];
  'deny'?: (string)[];
  'mode'?: (string);
}

/**
 * Narrows a template's network for one sandbox: `allow` must lie within the template's allow list
 * (PERMISSION_DENIED otherwise); `deny` adds to the template's deny list. `mode` "none" takes the network
 * away altogether (loopback only, no proxy, as a template's "none"), from a template of any network mode;
 * it goes without allow and deny. Empty (or "allow"): the lists narrow.
 */
export interface NetworkNarrowing__Output {
  'allow': (string)[];
  'deny': (string)[];
  'mode': (string);
}
