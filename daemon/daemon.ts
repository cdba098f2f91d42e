// The daemon: wires the store, providers, managers and the gRPC server together and owns their order of
// start and stop. Sandboxes are not the daemon's children in any sense that matters: they outlive it.
import { networkInterfaces } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type * as http2 from 'node:http2';
import { HealthImplementation } from 'grpc-health-check';
import { loadApi } from '../ipc/proto.js';
import type { DaemonConfig } from './config/config.js';
import { ExecManager } from './exec/exec-manager.js';
import type { Logger } from './log.js';
import { ProcessProvider } from './providers/process/process-provider.js';
import { MicrovmProvider } from './providers/microvm/microvm-provider.js';
import type { Provider } from './providers/provider.js';
import { SandboxManager } from './sandboxes/manager.js';
import { execHandlers } from './server/handlers/exec.js';
import { filesHandlers } from './server/handlers/files.js';
import { FileManager } from './files/file-manager.js';
import { SnapshotManager } from './snapshots/snapshot-manager.js';
import { Workspaces } from './sandboxes/workspaces.js';
import { snapshotsHandlers } from './server/handlers/snapshots.js';
import { poolsHandlers } from './server/handlers/pools.js';
import { sandboxesHandlers } from './server/handlers/sandboxes.js';
import { systemHandlers } from './server/handlers/system.js';
import { groupId, prepareSocketPath, restrictSocket } from './server/socket.js';
import { PeerGate } from './server/peers.js';
import { AuditLog } from './audit/audit-log.js';
import { lowerHelperThreads } from './threads.js';
import { Store } from './store/store.js';
import { Metrics, listenMetrics } from './metrics/metrics.js';
import { SystemdNotifier } from './systemd/notify.js';
import { type InFlight, observer } from './server/observer.js';
import { VERSION } from './version.js';
import type { Server as HttpServer } from 'node:http';
import { Federation } from './federation/federation.js';
import { LocalCalls } from './federation/local-calls.js';
import { Cluster } from './federation/cluster.js';
import { federatedViews } from './federation/views.js';
import { SwarmCoordinator } from './federation/swarm.js';
import { swarmHandlers } from './server/handlers/swarm.js';
import type { E2bEndpoint } from './e2b/server.js';
import { EgressManager } from './egress/egress-manager.js';
import { EgressLedger } from './egress/ledger.js';
import { ownListeners } from './egress/policy.js';
import { AgentManager } from './agents/agent-manager.js';
import { agentBootSide } from './agents/sandbox-side.js';
import { modelCatalog } from './agents/catalog.js';
import { runtimes } from './agents/runtimes/index.js';
import { GatewayThread } from './agents/gateway/thread.js';
import { GatewayMetrics } from './agents/gateway/metrics.js';
import { agentsHandlers } from './server/handlers/agents.js';

export interface DaemonOptions {
  socket: string;
  /** HOST:PORT for /metrics; empty disables the listener. */
  metricsAddr: string;
  stateDir: string;
  config: DaemonConfig;
  log: Logger;
}

/** Largest request the daemon reads; bigger ones get RESOURCE_EXHAUSTED from grpc-js itself. */
const MAX_RECEIVE_BYTES = 4 * 1024 * 1024;
/** How long in-flight calls get to finish on shutdown before they are cancelled. */
const SHUTDOWN_GRACE_MS = 5000;

/** HTTP/2 receive window for uploads (file writes, archives, stdin); the default is 64 KiB. */
const RECEIVE_WINDOW_BYTES = 8 * 1024 * 1024;
/** Largest HTTP/2 frame a client may send: 1 MiB chunks arrive in one frame instead of 64. */
const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * grpc-js has no server option for the HTTP/2 receive window, and at the 64 KiB default a client
 * uploading a file waits for a window update every 64 KiB (writes ran at a quarter of `cat`'s speed).
 * The settings it passes to http2.createServer are a plain field: widen the per-stream window there,
 * and the per-connection window as each session opens. Checked at start so an upgrade of grpc-js that
 * moves these fields fails loudly in the tests instead of silently losing the speed.
 */
function widenFlowControlWindow(server: grpc.Server): void {
  const internals = server as unknown as { commonServerOptions?: { settings?: Record<string, unknown> }; http2Servers?: Map<unknown, unknown> };
  if (!internals.commonServerOptions || !(internals.http2Servers instanceof Map)) {
    throw new Error('grpc-js internals changed: cannot set the HTTP/2 receive window (see widenFlowControlWindow)');
  }
  internals.commonServerOptions.settings = { ...internals.commonServerOptions.settings, initialWindowSize: RECEIVE_WINDOW_BYTES, maxFrameSize: MAX_FRAME_BYTES };
  const set = internals.http2Servers.set.bind(internals.http2Servers);
  internals.http2Servers.set = (http2Server: unknown, info: unknown) => {
    (http2Server as http2.Http2Server).on('session', (session: http2.ServerHttp2Session) => {
      session.once('localSettings', () => session.setLocalWindowSize(RECEIVE_WINDOW_BYTES));
    });
    return set(http2Server, info);
  };
}

export class Daemon {
  private store: Store | undefined;
  private server: grpc.Server | undefined;
  private sandboxes: SandboxManager | undefined;
  private exec: ExecManager | undefined;
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly shutdown = new AbortController();
  private inFlight: InFlight | undefined;
  private stopped: Promise<void> | undefined;
  private metricsServer: HttpServer | undefined;
  private notifier: SystemdNotifier | undefined;
  private gate: PeerGate | undefined;
  private files: FileManager | undefined;
  private federation: Federation | undefined;
  private e2b: E2bEndpoint | undefined;
  private egress: EgressManager | undefined;
  private ledger: EgressLedger | undefined;
  private agents: AgentManager | undefined;
  private gateway: GatewayThread | undefined;

  constructor(private readonly opts: DaemonOptions) {}

  async start(): Promise<void> {
    const { stateDir, socket, config, log } = this.opts;
    const startedAt = Date.now();
    // 0711: the sandbox user must traverse into its workspace; nobody may list the directory.
    mkdirSync(stateDir, { recursive: true, mode: 0o711 });
    this.store = await Store.open(stateDir, log);
    // The store's open has started libuv's pool, so its threads are there to be lowered.
    log.debug({ threads: lowerHelperThreads(log) }, 'helper threads lowered below the event loop');
    try {
      await prepareSocketPath(socket);
      const metricsListener = this.opts.metricsAddr ? await listenMetrics(this.opts.metricsAddr) : undefined;
      this.metricsServer = metricsListener?.server;
      // Sandboxes with an allow list reach out only through the egress proxy, which may not reach the daemon.
      const hostAddresses = Object.values(networkInterfaces()).flatMap((ifs) => (ifs ?? []).map((i) => i.address));
      const listeners = ownListeners([metricsListener?.address, config.federation?.listen, config.federation?.advertise, config.e2b?.listen], hostAddresses);
      const ledger = new EgressLedger({ summarySeconds: config.egress.summarySeconds, note: (id, type, message) => this.sandboxes?.note(id, type, message) ?? Promise.resolve(), log });
      this.ledger = ledger;
      const egress = new EgressManager({
        dir: join(stateDir, 'egress'), logPath: join(stateDir, 'egress-proxy.log'), config: config.egress, listeners, log, onRecord: (r) => ledger.add(r),
        ...(process.getuid?.() === 0 ? { user: { uid: config.egress.uid, gid: config.egress.gid } } : {}),
      });
      this.egress = egress;
      const providers = new Map<string, Provider>();
      providers.set('process', new ProcessProvider({
        sandboxesDir: join(stateDir, 'sandboxes'), config: config.process, log, egressSocketDir: (id) => egress.socketDir(id),
        agentSide: (id, spec, reachable) => agentBootSide(stateDir, config.agents.runtimeDir, id, spec.network === 'host', reachable),
      }));
      providers.set('microvm', new MicrovmProvider({
        vmsDir: join(stateDir, 'vms'), templatesDir: join(stateDir, 'vm-templates'), imageDir: config.microvm.imageDir || process.env.GODEL_IMAGE_DIR || join(stateDir, 'images', 'microvm'),
        config: config.microvm, uid: config.process.sandboxUid, gid: config.process.sandboxGid, log, egressSocketDir: (id) => egress.socketDir(id),
      }));
      // The e2b and kubernetes providers (and the E2B endpoint below) load their SDKs only when the config
      // uses them: @kubernetes/client-node alone takes 1.5 s to import here, which every start would pay.
      const uses = (provider: string): boolean => [...config.templates.values()].some((t) => t.spec.provider === provider);
      if (uses('e2b')) {
        const { E2bProvider } = await import('./providers/e2b/e2b-provider.js');
        providers.set('e2b', new E2bProvider({ node: config.node, templates: new Map([...config.templates].filter(([, t]) => t.spec.provider === 'e2b')), log }));
      }
      if (uses('kubernetes')) {
        const { KubernetesProvider } = await import('./providers/kubernetes/kubernetes-provider.js');
        providers.set('kubernetes', new KubernetesProvider({ node: config.node, templates: config.templates, log }));
      }
      for (const t of config.templates.values()) {
        if (!providers.has(t.spec.provider)) log.error({ template: t.name, provider: t.spec.provider }, 'template names a provider this daemon does not have');
      }
      this.sandboxes = new SandboxManager(config.node, config.templates, providers, this.store, log, egress);
      await this.sandboxes.start();
      ledger.start();
      this.exec = new ExecManager(this.sandboxes, log);
      const snapshots = new SnapshotManager(join(stateDir, 'snapshots'), this.sandboxes, this.store, log);
      await snapshots.start();
      const files = new FileManager(this.sandboxes, config.files);
      this.files = files;
      const workspaces = new Workspaces(config.workspaces, files, log);
      this.sandboxes.onRemoved((rec) => workspaces.released(rec));

      const metrics = new Metrics(this.sandboxes, this.exec, files);
      ledger.registerMetrics(metrics.registry);
      const audit = new AuditLog(this.store, log);
      const agents = new AgentManager({
        node: config.node, stateDir, config: config.agents, catalog: modelCatalog(config.models), runtimes,
        sandboxes: this.sandboxes, exec: this.exec, files, store: this.store, audit, log,
      });
      this.agents = agents;
      agents.registerMetrics(metrics.registry);
      await agents.start();
      this.gateway = new GatewayThread(config.models, agents, log, new GatewayMetrics(metrics.registry));
      await this.gateway.start();
      agents.setGateway(this.gateway);
      const gate = new PeerGate(groupId(config.socketGroup), log, (peer) => { metrics.refusedConnection(); audit.refused(peer); });
      this.gate = gate;
      // Callers come from this node's socket (the gate) or from a relay or an in-process call (local calls).
      const local = new LocalCalls();
      const peerOf = (call: { getPeer(): string }) => gate.of(call) ?? local.peerOf(call);
      if (config.federation) {
        this.federation = await Federation.create({
          config: config.federation, node: config.node, sandboxes: this.sandboxes, local, log, peerOf,
          onPeerChange: (reachable, unreachable, change) => metrics.peersChanged(reachable, unreachable, change),
          onForward: (method) => metrics.forwarded(method),
          budgets: agents.budgets,
        });
        // A budget set here is told to the reachable peers before SetBudget returns, not at the next exchange.
        const membership = this.federation.membership;
        agents.budgets.onSet = () => membership.refreshNow();
      }
      const federation = this.federation;
      const cluster = new Cluster(config.node, local, federation, peerOf);
      const obs = observer(log, (r) => { metrics.request(r); audit.request(r); }, peerOf);
      this.inFlight = obs.inFlight;
      const api = loadApi().godel.v1;
      this.server = new grpc.Server({
        'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
        'grpc.keepalive_permit_without_calls': 1,
        interceptors: [gate.interceptor()],
      });
      const sandboxesLocal = sandboxesHandlers(this.sandboxes, workspaces, audit, this.store, obs, this.shutdown.signal, config.node);
      const poolsLocal = poolsHandlers(this.sandboxes, obs, config.node);
      const snapshotsLocal = snapshotsHandlers(snapshots, obs);
      const agentsLocal = agentsHandlers(agents, obs, config.node);
      const services: Array<[grpc.ServiceDefinition, object, Record<string, unknown>?]> = [
        [api.Sandboxes.service, sandboxesLocal],
        [api.Exec.service, execHandlers(this.exec, obs)],
        [api.Pools.service, poolsLocal],
        [api.Snapshots.service, snapshotsLocal],
        [api.Files.service, filesHandlers(files, obs, this.shutdown.signal)],
        [api.System.service, systemHandlers({ node: config.node, socket, stateDir, startedAt, providers, templates: config.templates, agents: () => agents.capabilities() }, this.sandboxes, obs,
          () => federation?.nodes() ?? [{ name: config.node, self: true, reachable: true, version: VERSION, breaker: 'closed', address: '' }])],
        [api.Swarm.service, swarmHandlers(new SwarmCoordinator(cluster, this.sandboxes, log), cluster, obs)],
        // An agent is served by the node it runs on: a call naming its agent id, or a sandbox of another
        // node, is forwarded there. Usage sums every node's agents (a view); lists are this node's own.
        [api.Agents.service, agentsLocal],
      ];
      if (federation) {
        const views = federatedViews(cluster, federation, this.sandboxes, {
          createSandbox: sandboxesLocal.Create, setPool: poolsLocal.Set, listSnapshots: snapshotsLocal.List, agentUsage: agentsLocal.Usage,
        }, this.shutdown.signal);
        services[0]![2] = views.sandboxes;
        services[2]![2] = views.pools;
        services[3]![2] = views.snapshots;
        services.find(([s]) => s === api.Agents.service)![2] = views.agents;
      }
      for (const [service, handlers, views] of services) {
        if (federation) {
          this.server.addService(service, federation.wrapService(service, handlers, views) as grpc.UntypedServiceImplementation);
        } else {
          local.register(service, handlers);
          this.server.addService(service, handlers as grpc.UntypedServiceImplementation);
        }
      }
      this.health.addToServer(this.server);
      widenFlowControlWindow(this.server);
      gate.lendFilesThrough((ticket, uid) => files.collectLent(ticket, uid));
      await gate.listen(socket, this.server.createConnectionInjector(grpc.ServerCredentials.createInsecure()));
      restrictSocket(socket, config.socketGroup);
      await this.federation?.start();
      if (config.e2b) {
        const { E2bEndpoint } = await import('./e2b/server.js');
        this.e2b = new E2bEndpoint({ sandboxes: this.sandboxes, snapshots, exec: this.exec, files, config: config.e2b, node: config.node, stateDir, obs });
        const address = await this.e2b.listen();
        log.info({ address }, 'E2B-compatible endpoint listening');
      }
      if (metricsListener) {
        metrics.serveOn(metricsListener.server);
        log.info({ address: metricsListener.address }, 'metrics served at /metrics');
      }
      // Threads made since the first lowering (the model gateway's is spared: it is an event loop too).
      lowerHelperThreads(log, this.gateway.tid === undefined ? [] : [this.gateway.tid]);
      this.health.setStatus('', 'SERVING');
      this.notifier = SystemdNotifier.fromEnv(log);
      this.notifier?.ready(`serving ${socket}`);
      log.info({ socket, stateDir, node: config.node, pid: process.pid, ms: Date.now() - startedAt }, 'godeld serving');
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Stops accepting calls, lets in-flight ones finish (cancelling them after a grace period), closes the store. */
  stop(): Promise<void> {
    this.stopped ??= this.stopInner();
    return this.stopped;
  }

  private async stopInner(): Promise<void> {
    const { log, socket } = this.opts;
    this.notifier?.stopping();
    this.health.setStatus('', 'NOT_SERVING');
    this.shutdown.abort();
    this.gate?.close(socket);
    // Calls relayed from peers get the same grace as the socket's own, at the same time.
    const peers = this.federation?.stop(SHUTDOWN_GRACE_MS);
    if (this.server) {
      const server = this.server;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { server.forceShutdown(); resolve(); }, SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => { clearTimeout(timer); resolve(); });
      });
    }
    await peers;
    // Handlers whose calls were cancelled may still be at work (a fork recording its sandboxes): what they
    // use is closed only after them, or after a second grace period, which a handler stuck in a provider gets.
    const left = await this.inFlight?.settled(SHUTDOWN_GRACE_MS);
    if (left) log.warn({ handlers: left }, 'calls still running after the shutdown grace; closing under them');
    await this.e2b?.close();
    this.metricsServer?.close();
    this.files?.close();
    // Agents end (and are recorded as ended) before the exec manager kills what is left of their CLIs.
    await this.agents?.stop();
    await this.gateway?.close();
    this.exec?.stop();
    // What the sandboxes' connections did is written before the manager stops taking events.
    await this.ledger?.stop();
    await this.egress?.stop();
    await this.sandboxes?.stop();
    await this.store?.close();
    log.info('godeld stopped; sandboxes keep running');
  }
}
