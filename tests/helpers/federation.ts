// Several real daemons federated on one machine: each on its own loopback address (127.0.0.2, .3, ...),
// with its own socket and state dir, and certificates from a test CA made here with the openssl CLI.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, waitFor, type TestContext, type TestDaemon } from './daemon.js';

export interface NodeCert {
  ca: string;
  cert: string;
  key: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA in `dir` (its own, or another one's for refusal tests) that signs node certificates. */
export class TestCa {
  readonly ca: string;
  private readonly caKey: string;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.ca = join(dir, 'ca.pem');
    this.caKey = join(dir, 'ca.key');
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', this.caKey, '-out', this.ca,
      '-days', '2', '-subj', '/CN=godel test federation CA'], dir);
  }

  /** A certificate for node `name` at `ip`, usable as server and client (both EKUs). `days` < 0 makes it expired. */
  issue(name: string, ip: string, file = name, days = 2): NodeCert {
    const key = join(this.dir, `${file}.key`);
    const csr = join(this.dir, `${file}.csr`);
    const cert = join(this.dir, `${file}.pem`);
    const ext = join(this.dir, `${file}.ext`);
    writeFileSync(ext, `subjectAltName=IP:${ip},DNS:${name}\nextendedKeyUsage=serverAuth,clientAuth\n`);
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`], this.dir);
    if (days > 0) {
      openssl(['x509', '-req', '-in', csr, '-CA', this.ca, '-CAkey', this.caKey, '-CAcreateserial', '-out', cert, '-days', String(days), '-extfile', ext], this.dir);
    } else {
      // `openssl x509` (3.0) cannot backdate a certificate; `openssl ca` can: valid for one day in 2020.
      const cnf = join(this.dir, 'ca.cnf');
      writeFileSync(cnf, [
        '[ca]', 'default_ca = tca', '[tca]', `database = ${join(this.dir, 'index.txt')}`, `new_certs_dir = ${this.dir}`,
        `certificate = ${this.ca}`, `private_key = ${this.caKey}`, `serial = ${join(this.dir, 'serial')}`, 'default_md = sha256',
        'policy = any', 'unique_subject = no', '[any]', 'commonName = supplied', '',
      ].join('\n'));
      writeFileSync(join(this.dir, 'index.txt'), '');
      writeFileSync(join(this.dir, 'serial'), '1000\n');
      openssl(['ca', '-batch', '-config', cnf, '-in', csr, '-out', cert, '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extfile', ext, '-notext'], this.dir);
    }
    return { ca: this.ca, cert, key };
  }
}

/** A free TCP port on `host`, found by binding port 0 there. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface FederatedNode {
  name: string;
  ca: TestCa;
  address: string;
  daemon: TestDaemon;
  cert: NodeCert;
}

export interface FederationOptions {
  /** Pool targets of the default template, per node (default: min_idle 2). */
  pool?: (i: number) => { min_idle: number; max_total?: number };
  /** Extra config per node (merged over the generated one). */
  extra?: (i: number) => Record<string, unknown>;
  /** The address node i tells its peers to dial (default: its own). */
  advertise?: (i: number, address: string) => string;
  /** Seeds per node; default: every node but the first seeds from the first. */
  seeds?: (i: number, addresses: string[]) => string[];
  /** More environment for every node's daemon. */
  env?: Record<string, string>;
}

export function nodeName(i: number): string {
  return `node-${String.fromCharCode(97 + i)}`;
}

/** Config of node i of a federation (its address and seeds). */
export function federationConfig(i: number, address: string, seeds: string[], cert: NodeCert, pool: { min_idle: number; max_total?: number }): Record<string, unknown> {
  return {
    node: nodeName(i),
    templates: { default: { pool: { min_idle: pool.min_idle, max_total: pool.max_total ?? 64 } } },
    federation: { listen: address, peers: seeds, tls: cert },
  };
}

/** Starts `n` federated daemons on 127.0.0.2.. and waits until each sees every other as reachable. */
export async function startFederation(t: TestContext, n: number, opts: FederationOptions = {}): Promise<{ nodes: FederatedNode[]; ca: TestCa; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'godel-fed-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ca = new TestCa(join(dir, 'ca'));
  const ips = Array.from({ length: n }, (_, i) => `127.0.0.${i + 2}`);
  const addresses = await Promise.all(ips.map(async (ip) => `${ip}:${await freePort(ip)}`));
  const nodes = await Promise.all(ips.map(async (ip, i) => {
    const cert = ca.issue(nodeName(i), ip);
    const seeds = opts.seeds ? opts.seeds(i, addresses) : i === 0 ? [] : [addresses[0]!];
    const config = { ...federationConfig(i, addresses[i]!, seeds, cert, opts.pool?.(i) ?? { min_idle: 2 }), ...(opts.extra?.(i) ?? {}) };
    if (opts.advertise) (config.federation as Record<string, unknown>).advertise = opts.advertise(i, addresses[i]!);
    const daemon = await startDaemon(t, { config, ...(opts.env ? { env: opts.env } : {}) });
    return { name: nodeName(i), ca, address: addresses[i]!, daemon, cert };
  }));
  await waitForMesh(nodes);
  return { nodes, ca, dir };
}

/** Waits until every node sees every other node as reachable. */
export async function waitForMesh(nodes: FederatedNode[], timeoutMs = 20_000): Promise<void> {
  await waitFor('every node to see every other', async () => {
    for (const n of nodes) {
      const seen = await n.daemon.client.nodes();
      const reachable = new Set(seen.filter((x) => x.reachable).map((x) => x.name));
      if (!nodes.every((o) => reachable.has(o.name))) return undefined;
    }
    return true;
  }, timeoutMs);
}
