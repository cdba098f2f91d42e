// The model gateway's thread (started by thread.ts): the gateway, its listeners and its upstream
// connections live here, with the token table it decides calls by. Requests from the daemon come in
// order and are answered in order; reports go back in one message per turn of the event loop.
import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../errors.js';
import { createLogger } from '../../log.js';
import type { ModelsConfig } from './config.js';
import { ModelGateway } from './gateway.js';
import type { GatewayCounters } from './metrics.js';
import type { ThreadMessage, ThreadReply, ThreadReport, ThreadRequest } from './thread-protocol.js';
import { TokenTable } from './token-table.js';

export interface ThreadData {
  models: ModelsConfig;
  logLevel: string;
}

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('thread-main.js runs as the model gateway\'s worker thread (thread.ts starts it)');
  const data = workerData as ThreadData;
  const log = createLogger(data.logLevel);
  // As in the daemon's main thread: a stray rejection is logged, not the end of every call in flight.
  process.on('unhandledRejection', (err) => log.error({ err }, 'model gateway: unhandled rejection'));

  let queued: ThreadReport[] = [];
  const report = (r: ThreadReport): void => {
    if (queued.push(r) === 1) {
      setImmediate(() => {
        // A reply may have taken them first (below): then there is nothing left to send.
        if (queued.length === 0) return;
        const reports = queued;
        queued = [];
        port.postMessage({ reports } satisfies ThreadMessage);
      });
    }
  };
  const counters: GatewayCounters = {
    request: (api, status) => report({ report: 'count-request', api, status }),
    connection: (via) => report({ report: 'count-connection', via }),
    usage: (model, template, tokens, costUsd) => report({ report: 'count-usage', model, template, tokens, costUsd }),
  };
  const table = new TokenTable({
    usage: (agentId, model, usage) => report({ report: 'usage', agentId, model, usage }),
    refused: (agentId, why) => report({ report: 'refused', agentId, why }),
    wrongSandbox: (agentId, sandboxId) => report({ report: 'wrong-sandbox', agentId, sandboxId }),
  });
  const gateway = new ModelGateway(data.models, table, log, counters);
  // /proc/thread-self is /proc/PID/task/TID: which of the daemon's threads this is.
  port.postMessage({ tid: Number(readlinkSync('/proc/thread-self').split('/').pop()) } satisfies ThreadMessage);

  const handle = async (req: ThreadRequest): Promise<Omit<ThreadReply, 'reply'>> => {
    switch (req.op) {
      case 'listen-unix': await gateway.listenUnix(req.path, req.sandboxId, req.handOverPath); return {};
      case 'listen-tcp': return { port: await gateway.listenTcp(req.host, req.port, req.sandboxId) };
      case 'close-listener': await gateway.closeListener(req.address); return {};
      case 'admit': table.admit(req.token, req.agent); return {};
      case 'dismiss': table.dismiss(req.token); return {};
      case 'scope-refusal': table.scopeRefusal(req.agentId, req.why); return {};
      case 'close': await gateway.close(); return {};
    }
  };
  // In order, as the daemon sent them: a restart's replay admits the tokens before it opens the listeners.
  let chain = Promise.resolve();
  port.on('message', (req: ThreadRequest) => {
    chain = chain.then(async () => {
      let reply: ThreadReply;
      try {
        reply = { reply: req.id, ...(await handle(req)) };
      } catch (err) {
        reply = { reply: req.id, error: errorMessage(err) };
      }
      // What was reported before the reply goes first: an agent's last usage before the reply to the
      // closing of its listener, which its end's totals are written after.
      if (queued.length) port.postMessage({ reports: queued.splice(0) } satisfies ThreadMessage);
      port.postMessage(reply satisfies ThreadMessage);
      if (req.op === 'close') {
        log.flush();
        port.close(); // Nothing else holds the thread: it ends.
      }
    });
  });
}

main();
