// Adding up model usage: an agent's calls, a label's or swarm's agents, and every node's part of them.
import type { UsageTotals } from '../store/store.js';

export function emptyTotals(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, requests: 0 };
}

export function addTotals(into: UsageTotals, u: UsageTotals): void {
  into.inputTokens += u.inputTokens;
  into.outputTokens += u.outputTokens;
  into.cacheReadTokens += u.cacheReadTokens;
  into.cacheWriteTokens += u.cacheWriteTokens;
  into.costUsd += u.costUsd;
  into.requests += u.requests;
}
