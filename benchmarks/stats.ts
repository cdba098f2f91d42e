// Summaries of latency samples (the median and tail that benchmarks/README.md quotes) and a description
// of the machine they were measured on.
import { cpus, totalmem, release } from 'node:os';
import { readFileSync } from 'node:fs';

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samplesMs: number[]): Summary {
  const s = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    n: s.length, p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(s[s.length - 1]!),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

export function machine(): Record<string, unknown> {
  let distro = 'unknown';
  try {
    distro = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? distro;
  } catch {
    distro = 'unknown'; // Not every system has /etc/os-release.
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(), distro, node: process.version, date: new Date().toISOString(),
  };
}
