// The daemon's configuration: a JSON file (--config) that declares templates and their pool targets.
// With no file the daemon runs the built-in `default` template. Structural mistakes stop the daemon at
// start with a message naming the field; a template that is well-formed but cannot boot (a missing root
// filesystem, say) is reported by its pool instead, so the other templates keep working.
import { readFileSync } from 'node:fs';
import { availableParallelism, hostname, totalmem } from 'node:os';
import { createHash } from 'node:crypto';

import { PolicyError, parseNetworkMode, type NetworkMode } from '../egress/policy.js';
import { parseAgentsConfig, type AgentsConfig } from '../agents/config.js';
import { parseModelsConfig, type ModelsConfig } from '../agents/gateway/config.js';

export type { NetworkMode };

export interface PoolTargets {
  minIdle: number;
  maxTotal: number;
  maxAgeSeconds: number;
}

/** Everything fixed at boot, normalized: two templates with equal specs boot equal sandboxes. */
export interface TemplateSpec {
  provider: string;
  /** A directory used as the sandbox's root filesystem; empty means the host's, read-only. */
  rootfs: string;
  /** Host directories bound read-only when rootfs is empty. */
  hostPaths: string[];
  network: NetworkMode;
  /** Environment for every command, below the sandbox's and the command's own. */
  env: Record<string, string>;
  /** Absent when the template sets none (so that older templates keep their hash). */
  limits?: ResourceLimits;
  /** `unconfined`: no seccomp filter (process sandboxes); absent means the default filter. */
  seccomp?: 'unconfined';
  /** Processes in the sandbox may create user namespaces of their own (process sandboxes); absent: they may not. */
  nestedUserNamespaces?: true;
  /** Where and how the `kubernetes` provider runs the template's pods; only for that provider. */
  kubernetes?: KubernetesSpec;
  /** For the e2b provider: the E2B template to boot and where to reach E2B. */
  e2b?: E2bTemplateSpec;
}

/** Where an e2b-provider template's sandboxes come from; the key is named by its environment variable, never held. */
export interface E2bTemplateSpec {
  template: string;
  apiUrl: string;
  /** One URL for every sandbox's envd (an E2B-compatible endpoint such as godeld's); else `domain` decides. */
  sandboxUrl: string;
  domain: string;
  apiKeyEnv: string;
}

/** A template's pods: the cluster, namespace, image and scheduling. All of it shapes the pod, so it is in the spec hash. */
export interface KubernetesSpec {
  /** A kubeconfig file; empty: the default loading order (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig: string;
  /** A context of that kubeconfig; empty: its current context. */
  context: string;
  /** Empty: the context's namespace, else "default". */
  namespace: string;
  image: string;
  /** The pod's runtimeClassName (a Kata class); empty: the cluster's default runtime. */
  runtimeClass: string;
  nodeSelector: Record<string, string>;
  /** Passed to the pod as written (Kubernetes' own toleration objects). */
  tolerations: Array<Record<string, unknown>>;
  imagePullSecrets: string[];
  /** A pod not Ready by then is deleted and its boot fails with the pod's own reason. */
  readyTimeoutSeconds: number;
  /** The uid (and gid) the pod's processes run as: runAsNonRoot needs one that is not 0. */
  uid: number;
}

/** Per-sandbox resource limits; an absent field is not limited. */
export interface ResourceLimits {
  /** Memory, swap included (none is allowed). */
  memoryBytes?: number;
  /** CPU time as a number of CPUs: 0.5 is half of one. */
  cpus?: number;
  /** Processes and threads. */
  pids?: number;
  /** Size of the /workspace filesystem. */
  diskBytes?: number;
}

/** Below these no sandbox can even start its shell: a template asking for less is refused at start. */
const MIN_MEMORY_BYTES = 16 * 1024 * 1024;
const MIN_PIDS = 8;
const MIN_DISK_BYTES = 16 * 1024 * 1024;

export type ExpiryPolicyName = 'DELETE' | 'STOP';

/** Template defaults for a sandbox's deadlines; 0 means none. */
export interface LifecycleDefaults {
  ttlSeconds: number;
  idleTimeoutSeconds: number;
  maxLifetimeSeconds: number;
  policy: ExpiryPolicyName;
}

export interface Template {
  name: string;
  lifecycle: LifecycleDefaults;
  spec: TemplateSpec;
  /** The pool key: a hash of the normalized spec, so a changed template never hands out a stale sandbox. */
  specHash: string;
  pool: PoolTargets;
  refillConcurrency: number;
}

export interface ProcessProviderConfig {
  /** Host uid and gid the sandboxes run as when the daemon is root; mapped to uid/gid 1000 inside. */
  sandboxUid: number;
  sandboxGid: number;
}

export interface MicrovmProviderConfig {
  /** Where the guest image is (vmlinuz, initrd.img, rootfs.img); empty: GODEL_IMAGE_DIR, else STATE_DIR/images/microvm. */
  imageDir: string;
  /** `auto` uses KVM where a probe says it works, and software emulation (TCG) elsewhere. */
  accel: 'auto' | 'kvm' | 'tcg';
  /** Restore new VMs from a saved state of the first one booted (true), or boot every VM cold. */
  templates: boolean;
}

export interface FilesConfig {
  /** Entries a PutArchive may hold; beyond that the archive is refused. */
  maxArchiveEntries: number;
}

export interface WorkspacesConfig {
  /** Host directories under which Create may take a workspace source (directory, tar file, git repository). */
  allowedRoots: string[];
}

export interface FederationTls {
  ca: string;
  cert: string;
  key: string;
}

export interface FederationConfig {
  /** HOST:PORT the peer port listens on (TCP, mutual TLS, peers only). */
  listen: string;
  /** The address peers are told to dial; defaults to `listen`. */
  advertise: string;
  /** Seed peer addresses (HOST:PORT). */
  peers: string[];
  /** A name whose SRV records (or A/AAAA records, with `dnsPort`) are peers, as a headless Service gives. */
  dns: string;
  dnsPort: number;
  tls: FederationTls;
}

export interface E2bConfig {
  /** HOST:PORT of the E2B-compatible endpoint (plain HTTP). */
  listen: string;
  /** API keys: each a key, or `sha256:<hex>` of one (read from the config and from api_keys_file). */
  apiKeys: string[];
  /** E2B template name -> godel template name; a name not listed is taken as a godel template's own. */
  templates: Record<string, string>;
}

export interface EgressConfig {
  /** DNS servers (HOST or HOST:PORT) the egress proxy asks; empty: the host's resolver. */
  dnsServers: string[];
  /** How often allowed connections are summarized into each sandbox's events. */
  summarySeconds: number;
  /**
   * Host uid and gid the egress proxy runs as when the daemon is root: its own, not the sandboxes' (whose
   * processes, and QEMU, could otherwise signal or ptrace the one process that talks to the outside).
   */
  uid: number;
  gid: number;
}

export interface DaemonConfig {
  /** The E2B-compatible endpoint; undefined when it is off (the default). */
  e2b?: E2bConfig;
  /** This daemon's name, unique in its federation; sandbox, session and snapshot ids carry it. */
  node: string;
  /** Undefined when the daemon is not federated. */
  federation?: FederationConfig;
  files: FilesConfig;
  workspaces: WorkspacesConfig;
  egress: EgressConfig;
  agents: AgentsConfig;
  /** The model gateway's upstreams and price table. */
  models: ModelsConfig;
  templates: Map<string, Template>;
  process: ProcessProviderConfig;
  microvm: MicrovmProviderConfig;
  /** Group given the socket (mode 0660), when it exists on the host. */
  socketGroup: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Without /etc: a process sandbox gets an /etc of its own (sandbox-etc.ts) unless a template lists it. */
export const DEFAULT_HOST_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

const DEFAULT_POOL: PoolTargets = { minIdle: 2, maxTotal: 64, maxAgeSeconds: 0 };

const BUILTIN_TEMPLATES: Record<string, unknown> = {
  default: { provider: 'process', network: 'none' },
  // A VM per sandbox with no config at all; its pool stays empty until asked for (each VM is seconds of
  // CPU to boot under software emulation): `godelctl pool set microvm --min-idle N`.
  microvm: { provider: 'microvm', limits: { cpus: 1, memory: '512M' }, pool: { min_idle: 0 } },
};

export function specHash(spec: TemplateSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted at every depth, so equal specs hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function loadConfig(path: string | undefined): DaemonConfig {
  let raw: Record<string, unknown> = {};
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
    }
    if (!isObject(raw)) throw new ConfigError(`config file ${path} must hold a JSON object`);
  }
  return parseConfig(raw);
}

export function parseConfig(raw: Record<string, unknown>): DaemonConfig {
  checkKeys(raw, ['node', 'templates', 'process', 'microvm', 'socket_group', 'files', 'workspaces', 'federation', 'e2b', 'egress', 'agents', 'models'], 'config');
  const node = optString(raw.node, 'node') ?? defaultNodeName(hostname());
  if (!NODE_NAME_RE.test(node)) {
    throw new ConfigError(`node "${node}" is not a valid node name: 1-40 lowercase letters, digits and -, starting and ending with a letter or digit (ids carry it)`);
  }
  const federation = raw.federation === undefined ? undefined : parseFederation(raw.federation);
  const socketGroup = optString(raw.socket_group, 'socket_group') ?? 'godel';

  const proc = raw.process ?? {};
  if (!isObject(proc)) throw new ConfigError('process must be an object');
  checkKeys(proc, ['sandbox_uid', 'sandbox_gid'], 'process');
  const processConfig: ProcessProviderConfig = {
    sandboxUid: optInt(proc.sandbox_uid, 'process.sandbox_uid', 1, 2 ** 31 - 1) ?? 61000,
    sandboxGid: optInt(proc.sandbox_gid, 'process.sandbox_gid', 1, 2 ** 31 - 1) ?? 61000,
  };

  const vmRaw = raw.microvm ?? {};
  if (!isObject(vmRaw)) throw new ConfigError('microvm must be an object');
  checkKeys(vmRaw, ['image_dir', 'accel', 'templates'], 'microvm');
  if (vmRaw.templates !== undefined && typeof vmRaw.templates !== 'boolean') throw new ConfigError('microvm.templates must be true or false');
  const imageDir = optString(vmRaw.image_dir, 'microvm.image_dir') ?? '';
  if (imageDir && !imageDir.startsWith('/')) throw new ConfigError('microvm.image_dir must be an absolute path');
  const accel = optString(vmRaw.accel, 'microvm.accel') ?? 'auto';
  if (accel !== 'auto' && accel !== 'kvm' && accel !== 'tcg') throw new ConfigError('microvm.accel must be "auto", "kvm" or "tcg"');
  const microvm: MicrovmProviderConfig = { imageDir, accel, templates: vmRaw.templates !== false };

  const filesRaw = raw.files ?? {};
  if (!isObject(filesRaw)) throw new ConfigError('files must be an object');
  checkKeys(filesRaw, ['max_archive_entries'], 'files');
  const files: FilesConfig = { maxArchiveEntries: optInt(filesRaw.max_archive_entries, 'files.max_archive_entries', 1, 100_000_000) ?? 1_000_000 };

  const wsRaw = raw.workspaces ?? {};
  if (!isObject(wsRaw)) throw new ConfigError('workspaces must be an object');
  checkKeys(wsRaw, ['allowed_roots'], 'workspaces');
  const roots = wsRaw.allowed_roots ?? [];
  if (!Array.isArray(roots) || roots.some((r) => typeof r !== 'string' || !r.startsWith('/'))) {
    throw new ConfigError('workspaces.allowed_roots must be a list of absolute paths');
  }
  const workspaces: WorkspacesConfig = { allowedRoots: roots as string[] };

  const egressRaw = raw.egress ?? {};
  if (!isObject(egressRaw)) throw new ConfigError('egress must be an object');
  checkKeys(egressRaw, ['dns_servers', 'summary_seconds', 'uid', 'gid'], 'egress');
  const dns = egressRaw.dns_servers ?? [];
  if (!Array.isArray(dns) || dns.some((d) => typeof d !== 'string' || !/^(\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:]+\])(:\d{1,5})?$/.test(d))) {
    throw new ConfigError('egress.dns_servers must be a list of IP or IP:PORT addresses (IPv6 in brackets)');
  }
  const egress: EgressConfig = {
    dnsServers: dns as string[], summarySeconds: optInt(egressRaw.summary_seconds, 'egress.summary_seconds', 1, 3600) ?? 10,
    uid: optInt(egressRaw.uid, 'egress.uid', 1, 2 ** 31 - 1) ?? 61001, gid: optInt(egressRaw.gid, 'egress.gid', 1, 2 ** 31 - 1) ?? 61001,
  };
  if (egress.uid === processConfig.sandboxUid || egress.gid === processConfig.sandboxGid) {
    throw new ConfigError(`egress.uid and egress.gid (${egress.uid}:${egress.gid}) must differ from process.sandbox_uid and sandbox_gid (${processConfig.sandboxUid}:${processConfig.sandboxGid}): sandboxes and QEMU run as those, and could signal or ptrace a proxy of the same user`);
  }

  const declared = raw.templates ?? {};
  if (!isObject(declared)) throw new ConfigError('templates must be an object of name -> template');
  const merged: Record<string, unknown> = { ...BUILTIN_TEMPLATES, ...declared };
  const templates = new Map<string, Template>();
  for (const [name, t] of Object.entries(merged)) templates.set(name, parseTemplate(name, t));
  const e2b = raw.e2b === undefined ? undefined : parseE2b(raw.e2b, templates);
  // The agents layer's sections are parsed by their own modules, which name the bad field.
  let agents: AgentsConfig;
  let models: ModelsConfig;
  try {
    agents = parseAgentsConfig(raw.agents);
    models = parseModelsConfig(raw.models ?? {});
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  return { node, federation, templates, process: processConfig, microvm, socketGroup, files, workspaces, egress, agents, models, ...(e2b ? { e2b } : {}) };
}

const API_KEY_RE = /^(sha256:[0-9a-f]{64}|[\x21-\x7e]{8,256})$/;

function parseE2b(raw: unknown, templates: ReadonlyMap<string, Template>): E2bConfig {
  if (!isObject(raw)) throw new ConfigError('e2b must be an object');
  checkKeys(raw, ['listen', 'api_keys', 'api_keys_file', 'templates'], 'e2b');
  const listen = parseHostPort(raw.listen, 'e2b.listen');
  const keysRaw = raw.api_keys ?? [];
  if (!Array.isArray(keysRaw) || keysRaw.some((k) => typeof k !== 'string')) throw new ConfigError('e2b.api_keys must be a list of strings');
  const apiKeys = [...keysRaw as string[]];
  const file = optString(raw.api_keys_file, 'e2b.api_keys_file');
  if (file !== undefined) {
    if (!file.startsWith('/')) throw new ConfigError('e2b.api_keys_file must be an absolute path');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read e2b.api_keys_file ${file}: ${(err as Error).message}`);
    }
    // One key per line; blank lines and # comments are skipped.
    apiKeys.push(...text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
  }
  // Neither the key nor its position in a file is echoed: a message names only what is wrong.
  if (apiKeys.some((k) => !API_KEY_RE.test(k))) {
    throw new ConfigError('e2b: every API key must be 8-256 printable characters without spaces, or sha256:<64 lowercase hex digits>');
  }
  if (apiKeys.length === 0) throw new ConfigError('e2b needs at least one key in api_keys or api_keys_file: the endpoint never serves without authentication');
  const tplRaw = raw.templates ?? {};
  if (!isObject(tplRaw)) throw new ConfigError('e2b.templates must be an object of E2B template name -> godel template name');
  const map: Record<string, string> = { base: 'default' };
  for (const [name, target] of Object.entries(tplRaw)) {
    if (typeof target !== 'string' || !templates.has(target)) {
      throw new ConfigError(`e2b.templates.${name} must name a godel template (defined: ${[...templates.keys()].join(', ')})`);
    }
    map[name] = target;
  }
  return { listen, apiKeys, templates: map };
}

/** Node names go into ids (sb-<random>-<node>), so they keep to what ids may hold. */
export const NODE_NAME_RE = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

/** The host's name made into a node name: its first label, lowercased, other characters as '-'. */
export function defaultNodeName(host: string): string {
  const name = (host.split('.')[0] ?? '').toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return name || 'node';
}

const HOST_PORT_RE = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

function parseHostPort(value: unknown, where: string): string {
  if (typeof value !== 'string' || !HOST_PORT_RE.test(value) || Number(HOST_PORT_RE.exec(value)![2]) > 65535) {
    throw new ConfigError(`${where} must be HOST:PORT (e.g. 10.0.0.2:7443), not ${JSON.stringify(value)}`);
  }
  return value;
}

function parseFederation(raw: unknown): FederationConfig {
  if (!isObject(raw)) throw new ConfigError('federation must be an object');
  checkKeys(raw, ['listen', 'advertise', 'peers', 'dns', 'dns_port', 'tls'], 'federation');
  const listen = parseHostPort(raw.listen, 'federation.listen');
  const wildcard = /^(0\.0\.0\.0|\[::\]):/.test(listen);
  if (wildcard && raw.advertise === undefined) {
    throw new ConfigError(`federation.listen ${listen} listens on every address: set federation.advertise to the address peers should dial`);
  }
  const advertise = raw.advertise === undefined ? listen : parseHostPort(raw.advertise, 'federation.advertise');
  const peersRaw = raw.peers ?? [];
  if (!Array.isArray(peersRaw)) throw new ConfigError('federation.peers must be a list of HOST:PORT addresses');
  const peers = peersRaw.map((p, i) => parseHostPort(p, `federation.peers[${i}]`));
  const dns = optString(raw.dns, 'federation.dns') ?? '';
  const dnsPort = optInt(raw.dns_port, 'federation.dns_port', 1, 65535) ?? Number(HOST_PORT_RE.exec(listen)![2]);
  const tlsRaw = raw.tls;
  if (!isObject(tlsRaw)) throw new ConfigError('federation.tls must be an object with ca, cert and key file paths (mutual TLS is not optional)');
  checkKeys(tlsRaw, ['ca', 'cert', 'key'], 'federation.tls');
  const file = (k: 'ca' | 'cert' | 'key'): string => {
    const v = optString(tlsRaw[k], `federation.tls.${k}`);
    if (!v || !v.startsWith('/')) throw new ConfigError(`federation.tls.${k} must be an absolute path to a PEM file`);
    return v;
  };
  return { listen, advertise, peers, dns, dnsPort, tls: { ca: file('ca'), cert: file('cert'), key: file('key') } };
}

function parseTemplate(name: string, raw: unknown): Template {
  const where = `templates.${name}`;
  if (!/^[a-z0-9]([a-z0-9._-]{0,62})$/.test(name)) {
    throw new ConfigError(`${where}: template names use lowercase letters, digits and . _ - (at most 63)`);
  }
  if (!isObject(raw)) throw new ConfigError(`${where} must be an object`);
  checkKeys(raw, ['provider', 'rootfs', 'host_paths', 'network', 'env', 'pool', 'lifecycle', 'limits', 'e2b', 'seccomp', 'nested_user_namespaces', 'kubernetes'], where);
  const provider = optString(raw.provider, `${where}.provider`) ?? 'process';
  const rootfs = optString(raw.rootfs, `${where}.rootfs`) ?? '';
  if (rootfs && !rootfs.startsWith('/')) throw new ConfigError(`${where}.rootfs must be an absolute path`);
  let hostPaths = DEFAULT_HOST_PATHS;
  if (raw.host_paths !== undefined) {
    if (!Array.isArray(raw.host_paths) || raw.host_paths.some((p) => typeof p !== 'string' || !p.startsWith('/'))) {
      throw new ConfigError(`${where}.host_paths must be a list of absolute paths`);
    }
    hostPaths = raw.host_paths as string[];
  }
  let network: NetworkMode;
  try {
    network = parseNetworkMode(raw.network, `${where}.network`);
  } catch (err) {
    if (err instanceof PolicyError) throw new ConfigError(err.message);
    throw err;
  }
  // Only these providers' sandboxes have the proxy as their one way out; elsewhere a list would be a promise not kept.
  if (typeof network === 'object' && provider !== 'process' && provider !== 'microvm') {
    throw new ConfigError(`${where}.network: an allow list is enforced for process and microvm sandboxes only, not for provider "${provider}"`);
  }
  const env: Record<string, string> = {};
  if (raw.env !== undefined) {
    if (!isObject(raw.env)) throw new ConfigError(`${where}.env must be an object of NAME -> value`);
    for (const [k, v] of Object.entries(raw.env)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || typeof v !== 'string') {
        throw new ConfigError(`${where}.env.${k}: names are letters, digits and _, values are strings`);
      }
      env[k] = v;
    }
  }
  const poolRaw = raw.pool ?? {};
  if (!isObject(poolRaw)) throw new ConfigError(`${where}.pool must be an object`);
  checkKeys(poolRaw, ['min_idle', 'max_total', 'max_age_seconds', 'refill_concurrency'], `${where}.pool`);
  const pool: PoolTargets = {
    minIdle: optInt(poolRaw.min_idle, `${where}.pool.min_idle`, 0, 10_000) ?? DEFAULT_POOL.minIdle,
    maxTotal: optInt(poolRaw.max_total, `${where}.pool.max_total`, 1, 100_000) ?? DEFAULT_POOL.maxTotal,
    maxAgeSeconds: optInt(poolRaw.max_age_seconds, `${where}.pool.max_age_seconds`, 0, 10 ** 9) ?? DEFAULT_POOL.maxAgeSeconds,
  };
  if (pool.minIdle > pool.maxTotal) throw new ConfigError(`${where}.pool.min_idle (${pool.minIdle}) exceeds max_total (${pool.maxTotal})`);
  const refillConcurrency = optInt(poolRaw.refill_concurrency, `${where}.pool.refill_concurrency`, 1, 64) ?? 2;
  const lcRaw = raw.lifecycle ?? {};
  if (!isObject(lcRaw)) throw new ConfigError(`${where}.lifecycle must be an object`);
  checkKeys(lcRaw, ['ttl_seconds', 'idle_timeout_seconds', 'max_lifetime_seconds', 'policy'], `${where}.lifecycle`);
  const policy = optString(lcRaw.policy, `${where}.lifecycle.policy`) ?? 'delete';
  if (policy !== 'delete' && policy !== 'stop') throw new ConfigError(`${where}.lifecycle.policy must be "delete" or "stop"`);
  const year = 365 * 24 * 3600;
  const lifecycle: LifecycleDefaults = {
    ttlSeconds: optInt(lcRaw.ttl_seconds, `${where}.lifecycle.ttl_seconds`, 0, year) ?? 0,
    idleTimeoutSeconds: optInt(lcRaw.idle_timeout_seconds, `${where}.lifecycle.idle_timeout_seconds`, 0, year) ?? 0,
    maxLifetimeSeconds: optInt(lcRaw.max_lifetime_seconds, `${where}.lifecycle.max_lifetime_seconds`, 0, year) ?? 0,
    policy: policy === 'stop' ? 'STOP' : 'DELETE',
  };
  // A pod's limits size a Kata VM on a cluster node, not anything on this host.
  const limits = parseLimits(raw.limits, `${where}.limits`, provider === 'kubernetes' ? CLUSTER_NODE : HOST);
  const e2b = provider === 'e2b' ? parseE2bTemplate(raw.e2b, `${where}.e2b`) : undefined;
  if (provider !== 'e2b' && raw.e2b !== undefined) throw new ConfigError(`${where}.e2b is only for templates with provider "e2b"`);
  if (raw.kubernetes !== undefined && provider !== 'kubernetes') throw new ConfigError(`${where}.kubernetes is for templates of the kubernetes provider, not ${provider}`);
  const kubernetes = provider === 'kubernetes' ? parseKubernetes(raw.kubernetes, `${where}.kubernetes`) : undefined;
  const seccomp = optString(raw.seccomp, `${where}.seccomp`) ?? 'default';
  if (seccomp !== 'default' && seccomp !== 'unconfined') throw new ConfigError(`${where}.seccomp must be "default" or "unconfined"`);
  if (raw.nested_user_namespaces !== undefined && typeof raw.nested_user_namespaces !== 'boolean') {
    throw new ConfigError(`${where}.nested_user_namespaces must be true or false`);
  }
  const spec: TemplateSpec = {
    provider, rootfs, hostPaths: [...hostPaths], network, env, ...(limits ? { limits } : {}), ...(e2b ? { e2b } : {}), ...(kubernetes ? { kubernetes } : {}),
    ...(seccomp === 'unconfined' ? { seccomp } : {}), ...(raw.nested_user_namespaces ? { nestedUserNamespaces: true as const } : {}),
  };
  return { name, spec, specHash: specHash(spec), pool, refillConcurrency, lifecycle };
}

function parseE2bTemplate(raw: unknown, where: string): E2bTemplateSpec {
  if (!isObject(raw)) throw new ConfigError(`${where} must be an object: {template, api_url, sandbox_url or domain, api_key_env}`);
  checkKeys(raw, ['template', 'api_url', 'sandbox_url', 'domain', 'api_key_env'], where);
  const template = optString(raw.template, `${where}.template`) ?? 'base';
  const url = (k: 'api_url' | 'sandbox_url'): string => {
    const v = optString(raw[k], `${where}.${k}`) ?? '';
    if (v && !/^https?:\/\/[^/\s]+\/?$/.test(v)) throw new ConfigError(`${where}.${k} must be an http(s) URL with no path, like https://api.e2b.app`);
    return v.replace(/\/$/, '');
  };
  const domain = optString(raw.domain, `${where}.domain`) ?? '';
  const apiUrl = url('api_url') || `https://api.${domain || 'e2b.app'}`;
  const apiKeyEnv = optString(raw.api_key_env, `${where}.api_key_env`) ?? 'E2B_API_KEY';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv)) throw new ConfigError(`${where}.api_key_env must name an environment variable (it holds the key; the config never does)`);
  return { template, apiUrl, sandboxUrl: url('sandbox_url'), domain: domain || 'e2b.app', apiKeyEnv };
}

const K8S_NAME_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const K8S_LABEL_KEY_RE = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const K8S_LABEL_VALUE_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function parseKubernetes(raw: unknown, where: string): KubernetesSpec {
  if (!isObject(raw)) throw new ConfigError(`${where} must be an object with at least an image`);
  checkKeys(raw, ['kubeconfig', 'context', 'namespace', 'image', 'runtime_class', 'node_selector', 'tolerations', 'image_pull_secrets', 'ready_timeout_seconds', 'uid'], where);
  const kubeconfig = optString(raw.kubeconfig, `${where}.kubeconfig`) ?? '';
  if (kubeconfig && !kubeconfig.startsWith('/')) throw new ConfigError(`${where}.kubeconfig must be an absolute path`);
  const namespace = optString(raw.namespace, `${where}.namespace`) ?? '';
  if (namespace && !K8S_NAME_RE.test(namespace)) throw new ConfigError(`${where}.namespace "${namespace}" is not a valid namespace name`);
  const image = optString(raw.image, `${where}.image`) ?? '';
  if (!image || /\s/.test(image)) throw new ConfigError(`${where}.image must name the container image of the sandbox pods`);
  const runtimeClass = optString(raw.runtime_class, `${where}.runtime_class`) ?? 'kata';
  if (runtimeClass && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(runtimeClass)) throw new ConfigError(`${where}.runtime_class "${runtimeClass}" is not a valid RuntimeClass name`);
  const nodeSelector: Record<string, string> = {};
  if (raw.node_selector !== undefined) {
    if (!isObject(raw.node_selector)) throw new ConfigError(`${where}.node_selector must be an object of label -> value`);
    for (const [k, v] of Object.entries(raw.node_selector)) {
      if (!K8S_LABEL_KEY_RE.test(k) || typeof v !== 'string' || !K8S_LABEL_VALUE_RE.test(v)) throw new ConfigError(`${where}.node_selector.${k}: not a valid label key and value`);
      nodeSelector[k] = v;
    }
  }
  const tolerations = raw.tolerations ?? [];
  if (!Array.isArray(tolerations) || tolerations.some((t) => !isObject(t))) throw new ConfigError(`${where}.tolerations must be a list of toleration objects`);
  const secrets = raw.image_pull_secrets ?? [];
  if (!Array.isArray(secrets) || secrets.some((s) => typeof s !== 'string' || !K8S_NAME_RE.test(s))) throw new ConfigError(`${where}.image_pull_secrets must be a list of secret names`);
  return {
    kubeconfig, context: optString(raw.context, `${where}.context`) ?? '', namespace, image, runtimeClass, nodeSelector,
    tolerations: tolerations as Array<Record<string, unknown>>, imagePullSecrets: secrets as string[],
    readyTimeoutSeconds: optInt(raw.ready_timeout_seconds, `${where}.ready_timeout_seconds`, 1, 3600) ?? 120,
    uid: optInt(raw.uid, `${where}.uid`, 1, 2 ** 31 - 1) ?? 1000,
  };
}

/** "512M", "2G", "1048576" or a number of bytes. */
function parseSize(v: unknown, where: string): number | undefined {
  if (v === undefined) return undefined;
  const m = typeof v === 'number' ? [String(v), String(v), ''] : typeof v === 'string' ? /^(\d+(?:\.\d+)?)([KMGT]i?)?$/i.exec(v.trim()) : null;
  if (!m) throw new ConfigError(`${where} must be a size: bytes, or a number with K, M, G or T (powers of 1024)`);
  const unit = (m[2] ?? '').toUpperCase().replace('I', '');
  const bytes = Math.floor(Number(m[1]) * 1024 ** (['', 'K', 'M', 'G', 'T'].indexOf(unit)));
  if (!Number.isSafeInteger(bytes)) throw new ConfigError(`${where} is too large`);
  return bytes;
}

/** What limits are checked against: the machine a sandbox runs on. */
interface LimitsBound { what: string; cores: () => number; memoryBytes: () => number }
const HOST: LimitsBound = { what: "this host's", cores: availableParallelism, memoryBytes: totalmem };
/** For pods: no host to check against, only sizes no cluster node has (the API server refuses what none fits). */
const CLUSTER_NODE: LimitsBound = { what: 'a cluster node\'s largest', cores: () => 1024, memoryBytes: () => 64 * 2 ** 40 };

function parseLimits(raw: unknown, where: string, bound: LimitsBound): ResourceLimits | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) throw new ConfigError(`${where} must be an object`);
  checkKeys(raw, ['memory', 'cpus', 'pids', 'disk'], where);
  const limits: ResourceLimits = {};
  const memory = parseSize(raw.memory, `${where}.memory`);
  if (memory !== undefined) {
    if (memory < MIN_MEMORY_BYTES || memory > bound.memoryBytes()) {
      throw new ConfigError(`${where}.memory must be from 16M to ${bound.what} memory (${Math.floor(bound.memoryBytes() / 2 ** 20)}M), not ${memory} bytes`);
    }
    limits.memoryBytes = memory;
  }
  if (raw.cpus !== undefined) {
    const cores = bound.cores();
    if (typeof raw.cpus !== 'number' || !(raw.cpus >= 0.01) || raw.cpus > cores) {
      throw new ConfigError(`${where}.cpus must be a number from 0.01 to ${bound.what} ${cores} CPUs`);
    }
    limits.cpus = raw.cpus;
  }
  const pids = optInt(raw.pids, `${where}.pids`, MIN_PIDS, 4_194_304);
  if (pids !== undefined) limits.pids = pids;
  const disk = parseSize(raw.disk, `${where}.disk`);
  if (disk !== undefined) {
    if (disk < MIN_DISK_BYTES) throw new ConfigError(`${where}.disk must be at least 16M`);
    limits.diskBytes = disk;
  }
  return Object.keys(limits).length ? limits : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new ConfigError(`${where}: unknown field "${k}" (known: ${allowed.join(', ')})`);
  }
}

function optString(v: unknown, where: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ConfigError(`${where} must be a string`);
  return v;
}

function optInt(v: unknown, where: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(`${where} must be an integer from ${min} to ${max}`);
  }
  return v;
}
