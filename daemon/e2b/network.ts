// E2B's egress options of a create (`allow_internet_access` and `network` {allowOut, denyOut}, as the SDK
// 2.51 sends them) as a narrowing of the godel template's egress policy (daemon/egress/policy.ts).
//
// The two models differ: in E2B everything is allowed unless denyOut denies it, and an allowOut entry
// wins over a denyOut entry; in godel a sandbox reaches only what its allow list names, and deny wins.
// So: denyOut with the all-traffic entry (the SDK's `allTraffic`, 0.0.0.0/0), or allow_internet_access
// false, means "only allowOut", which is godel's allow list; with no allowOut that is no network at all,
// godel's `none` (loopback only, no proxy to reach), which a template on the host's network can give too
// (a cold boot); denyOut without a deny-all adds to the deny list; allowOut without one changes nothing
// in E2B, so it narrows nothing here.
// What has no godel meaning (exceptions carved out of a partial deny list, header rules, a SOCKS proxy,
// the sandbox's public URLs) is E2B's 400, as is anything the template does not allow (the manager's
// NETWORK_POLICY_WIDENED, which the endpoint answers with 400).
import type { Template } from '../config/config.js';
import { E2bHttpError } from './errors.js';

/** What E2B (and the SDK's `allTraffic`) writes for "every destination". */
const ALL_TRAFFIC = ['0.0.0.0/0', '::/0'];
const MAPPED = ['allowOut', 'denyOut'];

/** The narrowing a create asks for, in godel's terms; undefined when it asks for none. */
export function networkOf(body: Record<string, unknown>, template: Template): { allow: string[]; deny: string[] } | 'none' | undefined {
  const raw = body.network;
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) throw new E2bHttpError(400, 'network must be an object');
  const net = (raw ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(net)) {
    if (v !== undefined && v !== null && !MAPPED.includes(k)) {
      throw new E2bHttpError(400, `network.${k} is not supported by this godel endpoint (only allowOut and denyOut are: they narrow the template's egress allow list)`);
    }
  }
  const allowOut = listOf(net.allowOut, 'network.allowOut');
  const denyOut = listOf(net.denyOut, 'network.denyOut');
  const access = body.allow_internet_access;
  if (access !== undefined && access !== null && typeof access !== 'boolean') throw new E2bHttpError(400, 'allow_internet_access must be a boolean');
  const closed = access === false || denyOut.some((e) => ALL_TRAFFIC.includes(e));
  if (access === true && closed) throw new E2bHttpError(400, 'allow_internet_access is true but network.denyOut denies all traffic');
  if (access === true && template.spec.network === 'none') {
    throw new E2bHttpError(400, `template '${template.name}' has no network; allow_internet_access cannot be granted per sandbox`);
  }
  if (template.spec.network === 'none' && allowOut.length === 0) return undefined; // Nothing to take away.
  if (closed) {
    // Only allowOut is reachable; the other denyOut entries are inside the deny-all already.
    return allowOut.length ? { allow: allowOut, deny: [] } : 'none';
  }
  if (allowOut.length && denyOut.length) {
    throw new E2bHttpError(400, 'network.allowOut beside a denyOut without 0.0.0.0/0 makes exceptions to the deny list, which godel cannot express (its deny list always wins); '
      + 'deny all traffic and allow what is needed, or give denyOut alone');
  }
  return denyOut.length ? { allow: [], deny: denyOut } : undefined;
}

function listOf(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'string')) throw new E2bHttpError(400, `${field} must be a list of strings`);
  return (v as string[]).map((e) => e.trim());
}
