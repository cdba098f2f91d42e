// Network egress policies: what a sandbox may connect to. A policy is an allow list and a deny list of
// entries: host names (with an optional leading `*.` that matches any subdomain), IP addresses and CIDRs,
// each with an optional port. Deny wins. Names are resolved by the proxy, never by the sandbox, and an
// address that is loopback, private, link-local, metadata or one of the daemon's own listeners is only
// reached when an address entry lists it: a name on the allow list cannot be pointed at the inside.
import { BlockList, isIP } from 'node:net';

/** A normalized policy as stored in templates and sandbox records (entries as canonical strings). */
export interface NetworkPolicy {
  allow: string[];
  deny: string[];
  /** Open connections the sandbox may have through the proxy at once. */
  maxConnections: number;
}

export type NetworkMode = 'none' | 'host' | NetworkPolicy;

export const DEFAULT_MAX_CONNECTIONS = 256;
export const MAX_ENTRIES = 1000;

export type Rule =
  | { kind: 'name'; name: string; wildcard: boolean; port?: number }
  | { kind: 'net'; address: string; prefix: number; family: 'ipv4' | 'ipv6'; port?: number };

export class PolicyError extends Error {}

export function isAllowList(mode: NetworkMode | undefined): mode is NetworkPolicy {
  return typeof mode === 'object' && mode !== null;
}

const LABEL_RE = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** Parses one entry ("*.npmjs.org", "github.com:443", "10.2.0.0/16:5432", "[::1]:80"). */
export function parseRule(entry: unknown): Rule {
  if (typeof entry !== 'string' || entry.length === 0 || entry.length > 300) throw new PolicyError(`${JSON.stringify(entry)} is not a host, IP or CIDR entry`);
  const bad = (why: string): PolicyError => new PolicyError(`"${entry}": ${why}`);
  let host = entry.trim().toLowerCase();
  let port: number | undefined;
  const portOf = (p: string): number => {
    if (!/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535) throw bad(`port "${p}" is not a number from 1 to 65535`);
    return Number(p);
  };
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) throw bad('an IPv6 address in brackets needs its closing ]');
    const rest = host.slice(end + 1);
    if (rest && !rest.startsWith(':')) throw bad('only :PORT may follow an IPv6 address in brackets');
    if (rest) port = portOf(rest.slice(1));
    host = host.slice(1, end);
  } else if ((host.match(/:/g) ?? []).length === 1) {
    const i = host.lastIndexOf(':');
    port = portOf(host.slice(i + 1));
    host = host.slice(0, i);
  }
  if (host.includes('/')) {
    const [addr = '', len = ''] = host.split('/');
    const family = isIP(addr);
    if (!family) throw bad(`"${addr}" is not an IP address`);
    const max = family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(len) || Number(len) > max) throw bad(`prefix length "${len}" must be from 0 to ${max}`);
    return { kind: 'net', address: addr, prefix: Number(len), family: family === 4 ? 'ipv4' : 'ipv6', ...(port ? { port } : {}) };
  }
  const family = isIP(host);
  if (family) return { kind: 'net', address: host, prefix: family === 4 ? 32 : 128, family: family === 4 ? 'ipv4' : 'ipv6', ...(port ? { port } : {}) };
  let wildcard = false;
  if (host.startsWith('*.')) {
    wildcard = true;
    host = host.slice(2);
  }
  host = host.replace(/\.$/, '');
  if (host.includes('*')) throw bad('a wildcard may only lead the name, as in *.example.com');
  const labels = host.split('.');
  if (host.length === 0 || host.length > 253 || !labels.every((l) => LABEL_RE.test(l))) throw bad('not a valid host name');
  if (/^\d+$/.test(labels[labels.length - 1]!)) throw bad('not a valid host name or IP address');
  return { kind: 'name', name: host, wildcard, ...(port ? { port } : {}) };
}

export function formatRule(r: Rule): string {
  const port = r.port ? `:${r.port}` : '';
  if (r.kind === 'name') return `${r.wildcard ? '*.' : ''}${r.name}${port}`;
  const full = r.prefix === (r.family === 'ipv4' ? 32 : 128);
  const addr = full ? r.address : `${r.address}/${r.prefix}`;
  return r.family === 'ipv6' && port ? `[${addr}]${port}` : `${addr}${port}`;
}

function parseList(raw: unknown, where: string): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new PolicyError(`${where} must be a list of hosts, IPs or CIDRs`);
  if (raw.length > MAX_ENTRIES) throw new PolicyError(`${where} has ${raw.length} entries; at most ${MAX_ENTRIES}`);
  const out: string[] = [];
  raw.forEach((e, i) => {
    try {
      out.push(formatRule(parseRule(e)));
    } catch (err) {
      throw new PolicyError(`${where}[${i}] ${(err as Error).message}`);
    }
  });
  return [...new Set(out)];
}

/** A template's `network`: "none", "host", or {allow, deny, max_connections}. `where` names the field in errors. */
export function parseNetworkMode(raw: unknown, where: string): NetworkMode {
  if (raw === undefined || raw === 'none') return 'none';
  if (raw === 'host') return 'host';
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PolicyError(`${where} must be "none", "host" or an object {"allow": [...], "deny": [...]}`);
  }
  const obj = raw as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!['allow', 'deny', 'max_connections'].includes(k)) throw new PolicyError(`${where}: unknown field "${k}" (known: allow, deny, max_connections)`);
  }
  const mc = obj.max_connections;
  if (mc !== undefined && (typeof mc !== 'number' || !Number.isInteger(mc) || mc < 1 || mc > 65535)) {
    throw new PolicyError(`${where}.max_connections must be an integer from 1 to 65535`);
  }
  return { allow: parseList(obj.allow, `${where}.allow`), deny: parseList(obj.deny, `${where}.deny`), maxConnections: (mc as number | undefined) ?? DEFAULT_MAX_CONNECTIONS };
}

/** Whether one port restriction is within another: no port means any port. */
function portWithin(inner: number | undefined, outer: number | undefined): boolean {
  return outer === undefined || inner === outer;
}

function netContains(outer: Extract<Rule, { kind: 'net' }>, address: string, family: 'ipv4' | 'ipv6'): boolean {
  if (outer.family !== family) return false;
  const b = new BlockList();
  b.addSubnet(outer.address, outer.prefix, outer.family);
  return b.check(address, family);
}

/** Whether everything `inner` allows, `outer` allows too. */
function ruleWithin(inner: Rule, outer: Rule): boolean {
  if (!portWithin(inner.port, outer.port)) return false;
  if (inner.kind === 'name' && outer.kind === 'name') {
    if (!outer.wildcard) return !inner.wildcard && inner.name === outer.name;
    return inner.name === outer.name ? inner.wildcard : inner.name.endsWith(`.${outer.name}`);
  }
  if (inner.kind === 'net' && outer.kind === 'net') {
    return outer.family === inner.family && outer.prefix <= inner.prefix && netContains(outer, inner.address, inner.family);
  }
  return false;
}

/**
 * The policy of one sandbox whose create asks for `allow` (and extra `deny`) within its template's policy.
 * Throws PolicyError for a malformed entry, and returns `widens` naming the entries the template does not allow.
 */
export function narrow(template: NetworkPolicy, allow: string[], deny: string[]): { policy: NetworkPolicy; widens: string[] } {
  const req = parseNetworkMode({ allow, deny }, 'network') as NetworkPolicy;
  const outer = template.allow.map(parseRule);
  const widens = req.allow.filter((e) => !outer.some((o) => ruleWithin(parseRule(e), o)));
  return {
    policy: { allow: req.allow.length ? req.allow : template.allow, deny: [...new Set([...template.deny, ...req.deny])], maxConnections: template.maxConnections },
    widens,
  };
}

/**
 * Addresses no name on an allow list may lead to: this host, private networks, link-local (and with it the
 * cloud metadata service at 169.254.169.254), carrier-grade NAT, multicast and reserved ranges.
 */
const SPECIAL = (() => {
  const b = new BlockList();
  for (const [a, p] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
    ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) b.addSubnet(a, p, 'ipv4');
  for (const [a, p] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) b.addSubnet(a, p, 'ipv6');
  return b;
})();

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is checked as the IPv4 address it is. */
export function canonicalAddress(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function isSpecialAddress(address: string): boolean {
  const c = canonicalAddress(address);
  return SPECIAL.check(c.address, c.family);
}

/** A policy ready to decide: its rules parsed once. */
export class CompiledPolicy {
  private readonly allow: Rule[];
  private readonly deny: Rule[];

  constructor(readonly policy: NetworkPolicy, private readonly listeners: ReadonlyArray<{ address: string; port: number }> = []) {
    this.allow = policy.allow.map(parseRule);
    this.deny = policy.deny.map(parseRule);
  }

  /** Before any lookup: refused (with why), or whether the name itself is allowed and whether a lookup may be worth it. */
  checkName(name: string, port: number): { refused?: string; nameAllowed: boolean } {
    const byName = (rules: Rule[]): Rule | undefined => rules.find((r) => r.kind === 'name' && portWithin(port, r.port) && nameMatches(r, name));
    const denied = byName(this.deny);
    if (denied) return { refused: `denied by "${formatRule(denied)}"`, nameAllowed: false };
    const nameAllowed = !!byName(this.allow);
    // A name that no name entry allows can still lead into an allowed network; without any, do not even look it up.
    if (!nameAllowed && !this.allow.some((r) => r.kind === 'net' && portWithin(port, r.port))) return { refused: 'not on the allow list', nameAllowed };
    return { nameAllowed };
  }

  /** Why the connection may not go to `address` (a name's lookup result, or the address asked for), as "is ..."; undefined when it may. */
  checkAddress(address: string, port: number, nameAllowed: boolean): string | undefined {
    const c = canonicalAddress(address);
    const byNet = (rules: Rule[]): Rule | undefined =>
      rules.find((r) => r.kind === 'net' && portWithin(port, r.port) && netContains(r, c.address, c.family));
    const denied = byNet(this.deny);
    if (denied) return `is denied by "${formatRule(denied)}"`;
    const listed = !!byNet(this.allow);
    if (!nameAllowed && !listed) return 'is not on the allow list';
    if (listed) return undefined;
    if (this.listeners.some((l) => l.port === port && canonicalAddress(l.address).address === c.address)) return `is one of the daemon's own listeners (port ${port})`;
    if (SPECIAL.check(c.address, c.family)) return 'is a loopback, private, link-local or metadata address and no address entry lists it';
    return undefined;
  }
}

function nameMatches(r: Extract<Rule, { kind: 'name' }>, name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  return r.wildcard ? n.endsWith(`.${r.name}`) : n === r.name;
}

/**
 * The daemon's listeners ("HOST:PORT", IPv6 in brackets) as addresses no sandbox reaches unless an address
 * entry lists them. One on every address (0.0.0.0, or :: for both families) stands for each of `hostAddresses`
 * (this host's interfaces'), since a name that resolves to any of them reaches it.
 */
export function ownListeners(listeners: Array<string | undefined>, hostAddresses: string[]): Array<{ address: string; port: number }> {
  return listeners.flatMap((l) => {
    const m = l ? /^\[?(.*?)\]?:(\d+)$/.exec(l) : null;
    if (!m) return [];
    const port = Number(m[2]);
    const host = m[1]!;
    if (host === '0.0.0.0') return hostAddresses.filter((a) => isIP(a) === 4).map((address) => ({ address, port }));
    if (host === '::') return hostAddresses.map((address) => ({ address, port }));
    return [{ address: host, port }];
  });
}

/** One line for a 403 body or an event: the sandbox's policy. */
export function describePolicy(p: NetworkPolicy): string {
  return `allow [${p.allow.join(', ')}]${p.deny.length ? `, deny [${p.deny.join(', ')}]` : ''}`;
}
