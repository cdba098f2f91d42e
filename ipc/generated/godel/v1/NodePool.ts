// Original file: ipc/proto/godel/v1/system.proto


/**
 * One template's warm pool on a node, keyed by the template's spec hash: a template of the same name with
 * another spec is another template.
 */
export interface NodePool {
  'template'?: (string);
  'specHash'?: (string);
  'idle'?: (number);
  /**
   * How many more sandboxes of the template the node may run (max_total less those it has).
   */
  'room'?: (number);
}

/**
 * One template's warm pool on a node, keyed by the template's spec hash: a template of the same name with
 * another spec is another template.
 */
export interface NodePool__Output {
  'template': (string);
  'specHash': (string);
  'idle': (number);
  /**
   * How many more sandboxes of the template the node may run (max_total less those it has).
   */
  'room': (number);
}
