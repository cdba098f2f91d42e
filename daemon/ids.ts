// Ids of sandboxes (sb-), sessions (ss-), snapshots (snap-) and agents (ag-). Each carries the name of the node that owns
// it, so any daemon of a federation routes a call by its id alone, with no shared catalogue to run:
// sb-<16 random>-<node>. Ids made before federation (sb-<16 random>) belong to the node that has them.
import { customAlphabet } from 'nanoid';

const random = customAlphabet('0123456789abcdefghijklmnopqrstuvwxyz', 16);
const ID_PARTS = /^(sb|ss|snap|ag)-[0-9a-z]{16}(?:-([a-z0-9](?:[a-z0-9-]*[a-z0-9])?))?$/;

export type IdKind = 'sb' | 'ss' | 'snap' | 'ag';

export function newId(kind: IdKind, node: string): string {
  return `${kind}-${random()}-${node}`;
}

/** A new id of `kind` owned by the same node as `sibling` (a session of a sandbox, a snapshot of one). */
export function newIdBeside(kind: IdKind, sibling: string): string {
  const node = nodeOfId(sibling);
  return node ? newId(kind, node) : `${kind}-${random()}`;
}

/** The node an id names, or undefined for an id of the old form (or not an id at all). */
export function nodeOfId(id: string): string | undefined {
  return ID_PARTS.exec(id)?.[2];
}
