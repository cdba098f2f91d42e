// Prometheus metrics on a loopback HTTP listener (/metrics). Names in base units, counters end in
// _total, durations are _seconds histograms, and no label carries a sandbox id (templates, methods and
// error codes are bounded sets).
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ExecManager } from '../exec/exec-manager.js';
import type { FileManager } from '../files/file-manager.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import type { RequestRecord } from '../server/observer.js';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'code'>;
  private readonly requestSeconds: Histogram<'method'>;
  private readonly errors: Counter<'code'>;
  private readonly createSeconds: Histogram<'source' | 'template'>;
  private readonly claimSeconds: Histogram<'provider'>;
  private readonly refused: Counter;
  private readonly peers: Gauge<'state'>;
  private readonly peerChanges: Counter<'to'>;
  private readonly forwards: Counter<'method'>;

  peersChanged(reachable: number, unreachable: number, change: 'reachable' | 'unreachable'): void {
    this.peers.set({ state: 'reachable' }, reachable);
    this.peers.set({ state: 'unreachable' }, unreachable);
    this.peerChanges.inc({ to: change });
  }

  forwarded(method: string): void {
    this.forwards.inc({ method: method.slice(method.indexOf('.v1.') + 4).replace('/', '.') });
  }

  constructor(sandboxes: SandboxManager, exec: ExecManager, files: FileManager) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these gauges with a _total suffix, which Prometheus reserves for counters
    // (promtool check metrics rejects them); the handle and request counts are not worth a misnomer.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
    this.requests = new Counter({ name: 'godel_grpc_requests_total', help: 'gRPC requests served, by method and status code', labelNames: ['method', 'code'], registers });
    this.requestSeconds = new Histogram({ name: 'godel_grpc_request_duration_seconds', help: 'Time to serve a gRPC request (streams: until they end)', labelNames: ['method'], buckets: LATENCY_BUCKETS, registers });
    this.peers = new Gauge({ name: 'godel_federation_peers', help: 'Peers of the federation by state (reachable, unreachable)', labelNames: ['state'], registers });
    this.peerChanges = new Counter({ name: 'godel_federation_peer_changes_total', help: 'Peers that became reachable or unreachable', labelNames: ['to'], registers });
    this.forwards = new Counter({ name: 'godel_federation_forwarded_calls_total', help: 'Calls forwarded to the node that owns their sandbox, by method', labelNames: ['method'], registers });
    this.errors = new Counter({ name: 'godel_errors_total', help: 'Failed requests by godel-error-code', labelNames: ['code'], registers });
    this.createSeconds = new Histogram({
      name: 'godel_sandbox_create_duration_seconds', help: 'Sandboxes.Create latency inside the daemon, by source: warm (pool handoff) or cold (boot)',
      labelNames: ['source', 'template'], buckets: LATENCY_BUCKETS, registers,
    });
    this.claimSeconds = new Histogram({
      name: 'godel_provider_claim_duration_seconds', help: 'A provider\'s claim of a warm pool sandbox during a handoff (kubernetes: the claim patch\'s round trip to the API server), by provider',
      labelNames: ['provider'], buckets: LATENCY_BUCKETS, registers,
    });
    new Gauge({
      name: 'godel_sandboxes', help: 'Sandboxes handed out to clients, by state and provider', labelNames: ['state', 'provider'], registers,
      collect() {
        this.reset();
        for (const { state, provider, count } of sandboxes.countsByStateAndProvider()) this.set({ state, provider }, count);
      },
    });
    const poolGauge = (name: string, help: string, pick: (s: ReturnType<SandboxManager['poolStatuses']>[number]) => number): void => {
      new Gauge({
        name, help, labelNames: ['template'], registers,
        collect() {
          this.reset();
          for (const s of sandboxes.poolStatuses()) this.set({ template: s.template.name }, pick(s));
        },
      });
    };
    poolGauge('godel_pool_idle_sandboxes', 'Idle, booted sandboxes waiting in the warm pool', (s) => s.idle);
    poolGauge('godel_pool_booting_sandboxes', 'Sandboxes the pool is booting', (s) => s.booting);
    poolGauge('godel_pool_target_idle_sandboxes', 'The pool\'s min_idle target', (s) => s.targets.minIdle);
    poolGauge('godel_pool_max_sandboxes', 'The pool\'s max_total', (s) => s.targets.maxTotal);
    poolGauge('godel_pool_consecutive_boot_failures', 'Boots that failed in a row (0 when the pool is healthy)', (s) => s.consecutiveFailures);
    new Gauge({
      name: 'godel_exec_sessions', help: 'Interactive sessions by state: running, or finished and kept for their exit status', labelNames: ['state'], registers,
      collect() {
        const { running, finished } = exec.sessionCounts();
        this.set({ state: 'running' }, running);
        this.set({ state: 'finished' }, finished);
      },
    });
    new Gauge({ name: 'godel_exec_commands_running', help: 'Commands running (Exec.Run and sessions)', registers, collect() { this.set(exec.runningCount()); } });
    new Gauge({ name: 'godel_files_lent', help: 'Files lent to clients (open Files.Open calls), each holding a descriptor in the daemon', registers, collect() { this.set(files.lentCount); } });
    this.refused = new Counter({ name: 'godel_connections_refused_total', help: 'Client connections refused: neither root nor in the socket group', registers });
    sandboxes.onCreated((source, template, seconds) => this.createSeconds.observe({ source, template }, seconds));
    sandboxes.onClaimed((provider, seconds) => this.claimSeconds.observe({ provider }, seconds));
  }

  request(r: RequestRecord): void {
    this.requests.inc({ method: r.method, code: r.status });
    this.requestSeconds.observe({ method: r.method }, r.ms / 1000);
    if (r.code) this.errors.inc({ code: r.code });
  }

  refusedConnection(): void {
    this.refused.inc();
  }

  /** Answers /metrics on a listener opened with `listenMetrics`. */
  serveOn(server: Server): void {
    server.on('request', (req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: metrics are at /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': this.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${(err as Error).message}\n`),
      );
    });
  }
}

/**
 * Opens the metrics listener on host:port (port 0 picks one). Done early in the start, before any
 * sandbox is booted, so a busy port fails the start with nothing to clean up.
 */
export function listenMetrics(address: string): Promise<{ server: Server; address: string }> {
  const m = /^(.*):(\d+)$/.exec(address);
  if (!m) return Promise.reject(new Error(`--metrics-addr must be HOST:PORT, not "${address}"`));
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`cannot serve metrics on ${address}: ${err.message}`)));
    server.listen(Number(m[2]), m[1]!.replace(/^\[|\]$/g, ''), () => {
      const a = server.address() as { address: string; port: number };
      resolve({ server, address: `${a.address}:${a.port}` });
    });
  });
}
