// Original file: ipc/proto/godel/v1/sandboxes.proto


/**
 * A sandbox's network: mode "none" (loopback only), "host" (the host's network), or "allow": only what the
 * allow list names (host names, "*." wildcards, IPs, CIDRs, each with an optional ":port"), except what
 * the deny list names, through the daemon's egress proxy.
 */
export interface NetworkPolicy {
  'mode'?: (string);
  'allow'?: (string)[];
  'deny'?: (string)[];
  /**
   * Open connections the sandbox may have through the proxy at once.
   */
  'maxConnections'?: (number);
}

/**
 * A sandbox's network: mode "none" (loopback only), "host" (the host's network), or "allow": only what the
 * allow list names (host names, "*." wildcards, IPs, CIDRs, each with an optional ":port"), except what
 * the deny list names, through the daemon's egress proxy.
 */
export interface NetworkPolicy__Output {
  'mode': (string);
  'allow': (string)[];
  'deny': (string)[];
  /**
   * Open connections the sandbox may have through the proxy at once.
   */
  'maxConnections': (number);
}
