// Output helpers for godelctl: aligned tables for people, parsing of KEY=VALUE flags.
import type { Timestamp__Output } from '../ipc/generated/google/protobuf/Timestamp.js';

export type OutputFormat = 'table' | 'json';

export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('   ');
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
}

export function formatTime(ts: Timestamp__Output | null | undefined): string {
  if (!ts) return '-';
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6)).toISOString();
}

/** Parses repeated KEY=VALUE flags; the value may contain '='. */
export function parsePairs(items: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const i = item.indexOf('=');
    if (i <= 0) throw new Error(`${flag} takes KEY=VALUE, not "${item}"`);
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}
