// The model gateway's counters, registered in the daemon's registry (`new GatewayMetrics(metrics.registry)`).
// Labels are bounded sets: a model is the price table's name for it ("unpriced" otherwise, so that an agent
// cannot grow the series by inventing names), a template is the daemon's, a route and a status are few.
// Never an agent or sandbox id.
import { Counter, type Registry } from 'prom-client';
import type { TokenCounts } from './config.js';

/** What the gateway counts as it works (GatewayMetrics here; on the gateway's thread, reports to it). */
export interface GatewayCounters {
  request(api: string, status: number): void;
  connection(via: 'handed' | 'socket' | 'tcp'): void;
  usage(model: string, template: string, t: TokenCounts, costUsd: number): void;
}

export class GatewayMetrics implements GatewayCounters {
  private readonly tokens: Counter<'model' | 'template' | 'kind'>;
  private readonly cost: Counter<'model' | 'template'>;
  private readonly requests: Counter<'api' | 'status'>;
  private readonly connections: Counter<'via'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.tokens = new Counter({ name: 'godel_model_tokens_total', help: 'Tokens reported by model upstreams, by priced model, template and kind (input, output, cache_read, cache_write)', labelNames: ['model', 'template', 'kind'], registers });
    this.cost = new Counter({ name: 'godel_model_cost_usd_total', help: 'USD spent on model calls through the gateway, priced from the models table, by model and template', labelNames: ['model', 'template'], registers });
    this.connections = new Counter({ name: 'godel_model_gateway_connections_total', help: 'Connections the model gateway accepted, by the way they came (handed: on a process sandbox\'s loopback listener its forwarder handed over; socket: on a sandbox\'s Unix socket, carried by a forwarder or a VM\'s port channel; tcp: a host-network sandbox\'s port)', labelNames: ['via'], registers });
    this.requests = new Counter({ name: 'godel_model_requests_total', help: 'Requests to the model gateway by route (anthropic-messages, openai-chat, openai-responses, models, count-tokens, unknown) and HTTP status answered', labelNames: ['api', 'status'], registers });
  }

  request(api: string, status: number): void {
    this.requests.inc({ api, status: String(status) });
  }

  connection(via: 'handed' | 'socket' | 'tcp'): void {
    this.connections.inc({ via });
  }

  usage(model: string, template: string, t: TokenCounts, costUsd: number): void {
    const add = (kind: string, n: number): void => {
      if (n > 0) this.tokens.inc({ model, template, kind }, n);
    };
    add('input', t.inputTokens);
    add('output', t.outputTokens);
    add('cache_read', t.cacheReadTokens);
    add('cache_write', t.cacheWriteTokens);
    if (costUsd > 0) this.cost.inc({ model, template }, costUsd);
  }
}
