// Original file: ipc/proto/godel/v1/sandboxes.proto


/**
 * The client behind a request, as the kernel reported it when it connected (SO_PEERCRED).
 */
export interface Actor {
  'uid'?: (number);
  'gid'?: (number);
  'pid'?: (number);
  /**
   * The node whose socket the caller used, when the call was forwarded from another node; empty when
   * it called this node directly.
   */
  'viaNode'?: (string);
}

/**
 * The client behind a request, as the kernel reported it when it connected (SO_PEERCRED).
 */
export interface Actor__Output {
  'uid': (number);
  'gid': (number);
  'pid': (number);
  /**
   * The node whose socket the caller used, when the call was forwarded from another node; empty when
   * it called this node directly.
   */
  'viaNode': (string);
}
