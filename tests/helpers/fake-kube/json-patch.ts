// RFC 6902 JSON patch and RFC 7386 merge patch, as the fake Kubernetes API server applies them.
// A failed `test` is what makes a claim atomic: the real API server answers it 422 Invalid.

export class PatchError extends Error {}

type Json = unknown;

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function tokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map(unescape);
}

function parentOf(doc: Json, path: string): { parent: Record<string, Json> | Json[]; key: string } {
  const t = tokens(path);
  if (!t.length) throw new PatchError('the document root cannot be patched');
  let cur: Json = doc;
  for (const k of t.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(k)];
    else if (cur && typeof cur === 'object') cur = (cur as Record<string, Json>)[k];
    else cur = undefined;
    if (cur === undefined) throw new PatchError(`doc is missing path: "${path}"`);
  }
  if (!cur || typeof cur !== 'object') throw new PatchError(`doc is missing path: "${path}"`);
  return { parent: cur as Record<string, Json> | Json[], key: t[t.length - 1]! };
}

function get(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const k of tokens(path)) {
    if (Array.isArray(cur)) cur = cur[Number(k)];
    else if (cur && typeof cur === 'object') cur = (cur as Record<string, Json>)[k];
    else return undefined;
  }
  return cur;
}

function equal(a: Json, b: Json): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: Json): Json {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, Json>)[k])]));
  return v;
}

/** Applies the operations to a copy of `doc`; throws PatchError when one fails (the document is then unchanged). */
export function applyJsonPatch<T>(doc: T, ops: unknown): T {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch is a list of operations');
  const out = structuredClone(doc) as Json;
  for (const op of ops as Array<Record<string, Json>>) {
    const path = String(op.path ?? '');
    switch (op.op) {
      case 'test':
        if (!equal(get(out, path), op.value)) throw new PatchError(`testing value ${path} failed`);
        break;
      case 'add':
      case 'replace': {
        const { parent, key } = parentOf(out, path);
        if (Array.isArray(parent)) {
          const i = key === '-' ? parent.length : Number(key);
          if (op.op === 'add') parent.splice(i, 0, structuredClone(op.value));
          else parent[i] = structuredClone(op.value);
        } else {
          if (op.op === 'replace' && !(key in parent)) throw new PatchError(`replace operation does not apply: doc is missing key: ${path}`);
          parent[key] = structuredClone(op.value);
        }
        break;
      }
      case 'remove': {
        const { parent, key } = parentOf(out, path);
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else {
          if (!(key in parent)) throw new PatchError(`remove operation does not apply: doc is missing path: ${path}`);
          delete parent[key];
        }
        break;
      }
      default:
        throw new PatchError(`unsupported JSON patch operation ${JSON.stringify(op.op)}`);
    }
  }
  return out as T;
}

/** RFC 7386: objects merge key by key, null removes, anything else replaces. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, Json> = target && typeof target === 'object' && !Array.isArray(target) ? structuredClone(target as Record<string, Json>) : {};
  for (const [k, v] of Object.entries(patch as Record<string, Json>)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}
