// Records to API messages. Environment values never leave the daemon: a Sandbox lists only their names.
import type { Sandbox } from '../../ipc/generated/godel/v1/Sandbox.js';
import type { Pool } from '../../ipc/generated/godel/v1/Pool.js';
import type { Timestamp } from '../../ipc/generated/google/protobuf/Timestamp.js';
import type { PoolStatus } from '../pool/warm-pool.js';
import type { SandboxRecord } from '../store/store.js';
import { isAllowList } from '../egress/policy.js';

export function timestamp(ms: number | undefined): Timestamp | null {
  if (ms === undefined) return null;
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

/** Milliseconds since the epoch of a Timestamp; undefined when it is not set. */
export function millisOf(t: { seconds: number; nanos: number } | null | undefined): number | undefined {
  if (!t) return undefined;
  return t.seconds * 1000 + Math.floor(t.nanos / 1e6);
}

export function toSandbox(rec: SandboxRecord): Sandbox {
  return {
    id: rec.id,
    template: rec.template,
    state: rec.state,
    provider: rec.provider,
    node: rec.node,
    fromWarmPool: rec.fromWarmPool,
    labels: rec.labels,
    createdAt: timestamp(rec.createdAt),
    claimedAt: timestamp(rec.claimedAt),
    expiresAt: timestamp(rec.expiresAt),
    envNames: Object.keys(rec.env).sort(),
    statusMessage: rec.statusMessage ?? '',
    idleTimeoutSeconds: rec.idleTimeoutSeconds ?? 0,
    maxLifetimeAt: timestamp(rec.maxLifetimeAt),
    expiryPolicy: rec.expiryPolicy ?? 'DELETE',
    network: isAllowList(rec.network)
      ? { mode: 'allow', allow: rec.network.allow, deny: rec.network.deny, maxConnections: rec.network.maxConnections }
      : { mode: rec.network ?? '', allow: [], deny: [], maxConnections: 0 },
    // What the provider recorded at boot; a sandbox booted before filters existed has none to show.
    seccomp: typeof rec.handle?.seccomp === 'string' ? rec.handle.seccomp : '',
    nestedUserNamespaces: rec.handle?.nestedUserNamespaces === true,
  };
}

export function toPool(s: PoolStatus, claimed: number): Pool {
  return {
    template: s.template.name,
    provider: s.template.spec.provider,
    minIdle: s.targets.minIdle,
    maxTotal: s.targets.maxTotal,
    maxAgeSeconds: s.targets.maxAgeSeconds,
    idle: s.idle,
    booting: s.booting,
    claimed,
    health: s.health,
    lastError: s.lastError,
    lastErrorAt: timestamp(s.lastErrorAt),
    consecutiveFailures: s.consecutiveFailures,
    specHash: s.template.specHash,
  };
}
