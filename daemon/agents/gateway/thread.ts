// The model gateway's owner on the daemon's side: it runs the gateway on a worker thread of its own
// (thread-main.ts) and is what the agent manager opens listeners and admits agents through.
//
// Why a thread: on the daemon's event loop a model call's first bytes waited behind whatever else the
// daemon was doing. With two clients churning the pool, the gateway added +8.8 ms at p50 from a sandbox
// there and +5.4 ms on its own thread; on an idle daemon the two were the same (benchmarks/README.md,
// gateway, session 27). On its own thread the relay has an event loop and a heap of its own, and the
// daemon only hears of each call once it is over (its usage), or refused.
//
// This side keeps what the thread was told (its listeners, the agents it admitted, what each has spent,
// the scope refusals), so that a thread that dies (an uncaught error) is started again with all of it,
// after a backoff; calls in flight on the old one are cut, as a restart of the upstream would cut them,
// and an agent started while no thread runs ends at once, with reason error and why.
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Usage } from '../types.js';
import type { ModelsConfig } from './config.js';
import type { GatewayCounters } from './metrics.js';
import type { ThreadData } from './thread-main.js';
import type { GatewayAgent, ThreadMessage, ThreadReply, ThreadReport, ThreadRequest } from './thread-protocol.js';

/** The agent manager's side of what the gateway reports. */
export interface GatewayReports {
  /** A call's usage, priced (once per upstream response that reported usage). */
  record(agentId: string, model: string, usage: Usage): void;
  /** A call refused for a spent budget. */
  refused(agentId: string, why: string): void;
  /** The agent's token came in on another sandbox's listener, and was refused. */
  wrongSandbox(agentId: string, sandboxId: string): void;
}

type Listening =
  | { kind: 'unix'; path: string; sandboxId: string; handOverPath?: string }
  | { kind: 'tcp'; host: string; port: number; sandboxId: string };

const RESTART_FIRST_MS = 200;
const RESTART_MAX_MS = 30_000;
/** A thread that ran this long before it died starts the backoff again from the first delay. */
const RESTART_RESET_MS = 60_000;
/** How long a closing thread has to end by itself before it is terminated. */
const CLOSE_GRACE_MS = 5000;

// Distributive, so that each request keeps its own fields.
type Request = ThreadRequest extends infer R ? (R extends ThreadRequest ? Omit<R, 'id'> : never) : never;

export class GatewayThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ThreadReply) => void; reject: (err: Error) => void }>();
  private readonly listening = new Map<string, Listening>();
  private readonly admitted = new Map<string, GatewayAgent>();
  private closing = false;
  private restartDelay = RESTART_FIRST_MS;
  private restartTimer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private exited: Promise<void> = Promise.resolve();
  /** The running thread's id (Linux tid), once it said. */
  tid: number | undefined;
  private onTid: (() => void) | undefined;

  constructor(
    private readonly models: ModelsConfig,
    private readonly reports: GatewayReports,
    private readonly log: Logger,
    private readonly counters: GatewayCounters,
  ) {}

  /** Starts the thread; resolves once it runs. */
  async start(): Promise<void> {
    const w = new Worker(new URL('./thread-main.js', import.meta.url), {
      // The keys are read from the daemon's environment at request time, as the gateway always did.
      env: SHARE_ENV,
      workerData: { models: this.models, logLevel: this.log.level } satisfies ThreadData,
    });
    this.worker = w;
    this.startedAt = Date.now();
    w.on('message', (m: ThreadMessage) => this.message(m));
    w.on('error', (err) => this.log.error({ err, component: 'model-gateway' }, 'the model gateway\'s thread failed'));
    this.exited = new Promise((resolve) => w.once('exit', (code) => {
      this.exit(w, code);
      resolve();
    }));
    await new Promise<void>((resolve, reject) => {
      this.onTid = resolve;
      w.once('exit', (code) => reject(new Error(`the model gateway's thread exited (code ${code}) as it started`)));
    });
  }

  /** Serves `sandboxId` on a Unix socket at `path` (see ModelGateway.listenUnix). */
  async listenUnix(path: string, sandboxId: string, handOverPath?: string): Promise<string> {
    await this.call({ op: 'listen-unix', path, sandboxId, ...(handOverPath ? { handOverPath } : {}) });
    this.listening.set(path, { kind: 'unix', path, sandboxId, ...(handOverPath ? { handOverPath } : {}) });
    return path;
  }

  /** Serves `sandboxId` on host:port (0 picks one); returns the port. */
  async listenTcp(host: string, port: number, sandboxId: string): Promise<number> {
    const r = await this.call({ op: 'listen-tcp', host, port, sandboxId });
    this.listening.set(`tcp:${r.port}`, { kind: 'tcp', host, port: r.port!, sandboxId });
    return r.port!;
  }

  async closeListener(address: string | number): Promise<void> {
    this.listening.delete(typeof address === 'number' ? `tcp:${address}` : address);
    await this.call({ op: 'close-listener', address });
  }

  /** From now on `token` is `agent`'s; resolves once the gateway holds it (before the agent's CLI starts). */
  async admit(token: string, agent: GatewayAgent): Promise<void> {
    this.admitted.set(token, { ...agent });
    await this.call({ op: 'admit', token, agent });
  }

  /** The agent ended: its token is refused from now on. */
  dismiss(token: string): void {
    this.admitted.delete(token);
    this.post({ op: 'dismiss', token });
  }

  /** A label's or swarm's budget the agent spends against is spent (why), or no longer (undefined). */
  scopeRefusal(agentId: string, why: string | undefined): void {
    for (const a of this.admitted.values()) {
      if (a.agentId !== agentId) continue;
      if (why) a.scopeRefusal = why;
      else delete a.scopeRefusal;
    }
    this.post({ op: 'scope-refusal', agentId, ...(why ? { why } : {}) });
  }

  /** Closes every listener and upstream call, and ends the thread. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    if (this.worker) {
      const w = this.worker;
      await this.call({ op: 'close' }).catch((err: unknown) => this.log.warn({ err: errorMessage(err) }, 'the model gateway did not close cleanly'));
      // A thread that does not end by itself (a handle left open) does not hold the daemon's stop up.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_GRACE_MS); })]);
      clearTimeout(timer);
      if (this.worker === w) await w.terminate();
    }
  }

  private call(req: Request): Promise<ThreadReply> {
    const w = this.worker;
    if (!w) return Promise.reject(new Error(this.closing ? 'the model gateway is closed' : 'the model gateway\'s thread is restarting'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: (r) => (r.error === undefined ? resolve(r) : reject(new Error(r.error))),
        reject,
      });
      w.postMessage({ ...req, id } as ThreadRequest);
    });
  }

  /** A request whose answer nobody waits for; a thread that is down gets it in the replay. */
  private post(req: Request): void {
    this.call(req).catch((err: unknown) => this.log.debug({ op: req.op, err: errorMessage(err) }, 'model gateway request not taken'));
  }

  private message(m: ThreadMessage): void {
    if ('tid' in m) {
      // Not lowered with the daemon's helper threads (daemon/threads.ts): it is an event loop serving
      // agents' calls, and starts at the main thread's priority, as every thread it makes does.
      this.tid = m.tid;
      this.log.info({ tid: m.tid }, 'the model gateway\'s thread runs');
      this.onTid?.();
      this.onTid = undefined;
      return;
    }
    if ('reply' in m) {
      const p = this.pending.get(m.reply);
      this.pending.delete(m.reply);
      p?.resolve(m);
      return;
    }
    for (const r of m.reports) this.take(r);
  }

  private take(r: ThreadReport): void {
    try {
      switch (r.report) {
        case 'usage': {
          for (const a of this.admitted.values()) if (a.agentId === r.agentId) a.spentUsd += r.usage.costUsd;
          this.reports.record(r.agentId, r.model, r.usage);
          break;
        }
        case 'refused': this.reports.refused(r.agentId, r.why); break;
        case 'wrong-sandbox': this.reports.wrongSandbox(r.agentId, r.sandboxId); break;
        case 'count-request': this.counters.request(r.api, r.status); break;
        case 'count-connection': this.counters.connection(r.via); break;
        case 'count-usage': this.counters.usage(r.model, r.template, r.tokens, r.costUsd); break;
      }
    } catch (err) {
      this.log.error({ err, report: r.report }, 'the agent manager failed to take a model gateway report');
    }
  }

  private exit(w: Worker, code: number): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    const cut = new Error(`the model gateway's thread exited (code ${code})`);
    for (const p of this.pending.values()) p.reject(cut);
    this.pending.clear();
    if (this.closing) return;
    if (Date.now() - this.startedAt > RESTART_RESET_MS) this.restartDelay = RESTART_FIRST_MS;
    this.log.error({ code, restartInMs: this.restartDelay }, 'the model gateway\'s thread stopped; starting it again');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.closing || this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restart();
    }, this.restartDelay);
    this.restartDelay = Math.min(this.restartDelay * 2, RESTART_MAX_MS);
  }

  /** A new thread, told all the old one held. */
  private async restart(): Promise<void> {
    if (this.closing) return;
    try {
      await this.start();
      const calls: Array<Promise<unknown>> = [];
      // Tokens first (the thread takes requests in order): a listener is never open to a call whose
      // token the new thread does not know yet, which the CLI would take as final.
      for (const [token, agent] of this.admitted) calls.push(this.call({ op: 'admit', token, agent }));
      for (const l of this.listening.values()) {
        calls.push(l.kind === 'unix'
          ? this.call({ op: 'listen-unix', path: l.path, sandboxId: l.sandboxId, ...(l.handOverPath ? { handOverPath: l.handOverPath } : {}) })
          : this.call({ op: 'listen-tcp', host: l.host, port: l.port, sandboxId: l.sandboxId }));
      }
      const failed = (await Promise.allSettled(calls)).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (const f of failed) this.log.error({ err: errorMessage(f.reason) }, 'the model gateway\'s new thread could not take back what the old one held');
      this.log.info({ listeners: this.listening.size, agents: this.admitted.size }, 'the model gateway\'s thread runs again');
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, 'the model gateway\'s thread could not start again');
      if (!this.worker) this.scheduleRestart();
    }
  }
}
