// What the daemon's event loop and the model gateway's thread (thread.ts, thread-main.ts) say to each
// other. The gateway runs on its own thread so that a model call's first bytes never wait behind the
// daemon's other work (a burst of handoffs, a store flush, a log line): the daemon tells it which
// agents may call and what they may spend, and it reports back what each call used.
import type { TokenCounts } from './config.js';
import type { Usage } from '../types.js';

/** What the gateway holds of one running agent: enough to decide a call without asking the daemon. */
export interface GatewayAgent {
  agentId: string;
  /** The sandbox whose listeners the agent's token is good on. */
  sandboxId: string;
  model: string;
  template: string;
  /** The agent's own budget (0: none) and what it has spent, which the gateway adds to as it meters. */
  budgetUsd: number;
  spentUsd: number;
  /** Set while a label's or swarm's budget the agent spends against is spent: why. */
  scopeRefusal?: string;
}

/** The daemon's requests; each is answered with a ThreadReply of the same id. */
export type ThreadRequest = { id: number } & (
  | { op: 'listen-unix'; path: string; sandboxId: string; handOverPath?: string }
  | { op: 'listen-tcp'; host: string; port: number; sandboxId: string }
  | { op: 'close-listener'; address: string | number }
  | { op: 'admit'; token: string; agent: GatewayAgent }
  | { op: 'dismiss'; token: string }
  /** A label's or swarm's budget that the agent spends against is spent (why), or no longer (undefined). */
  | { op: 'scope-refusal'; agentId: string; why?: string }
  | { op: 'close' }
);

export interface ThreadReply {
  reply: number;
  error?: string;
  /** listen-tcp: the port bound. */
  port?: number;
}

/** What the gateway reports; sent in batches (one message per turn of its event loop). */
export type ThreadReport =
  | { report: 'usage'; agentId: string; model: string; usage: Usage }
  | { report: 'refused'; agentId: string; why: string }
  | { report: 'wrong-sandbox'; agentId: string; sandboxId: string }
  | { report: 'count-request'; api: string; status: number }
  | { report: 'count-connection'; via: 'handed' | 'socket' | 'tcp' }
  | { report: 'count-usage'; model: string; template: string; tokens: TokenCounts; costUsd: number };

/** `tid`: the thread's own id, sent once as it starts. */
export type ThreadMessage = ThreadReply | { reports: ThreadReport[] } | { tid: number };
