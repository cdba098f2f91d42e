// A provider boots, adopts, runs commands in and destroys sandboxes of one kind. It owns the outside
// world (processes, VMs, files on the host); the sandbox manager owns the records and the lifecycle.
import type { Readable, Writable } from 'node:stream';
import type { TemplateSpec } from '../config/config.js';
import type { ProviderHandle } from '../store/store.js';

export type Capability = 'exec' | 'filesystem-snapshot' | 'memory-snapshot' | 'pause';

/**
 * How much a boot is wanted now. `normal`: a client waits for it (a cold create), or its pool fell below
 * its reserve. `low` and `idle`: a pool refill nobody waits for yet (until handedOut), with a moderate
 * share of the CPU, or only the CPU that requests being served and claimed sandboxes leave.
 */
export type BootPriority = 'normal' | 'low' | 'idle';

export interface BootRequest {
  id: string;
  spec: TemplateSpec;
  priority: BootPriority;
  /** Boot-time changes for one sandbox (a git workspace): never used for pool sandboxes. */
  overrides?: BootOverrides;
  /** A machine capture (captureMachine) to bring back, running, instead of booting: never for the pool. */
  restoreFrom?: string;
  /** Booted for a client who waits for it (a cold create), not to sit idle in the pool. */
  claimed?: boolean;
}

export interface BootOverrides {
  /** Host uid/gid the sandbox runs as instead of the configured sandbox user. */
  hostUid: number;
  hostGid: number;
  /** Host directories bound read-write at the same path inside the sandbox. */
  binds: string[];
}

export interface ExecRequest {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** Run on a pseudo-terminal of this size (stdout then carries the terminal's output; there is no stderr). */
  tty?: { cols: number; rows: number };
}

/** A command running inside a sandbox. The provider kills it with the whole tree it started. */
export interface RunningCommand {
  readonly stdout: Readable;
  /** Null on a terminal, where both streams are one. */
  readonly stderr: Readable | null;
  readonly stdin: Writable;
  /** Resolves with the pid inside the sandbox; 0 when the command ended (within about a millisecond) before it could be read. */
  readonly pid: Promise<number>;
  /** Resolves once the command has ended and its output streams are drained. */
  readonly exited: Promise<{ exitCode: number; signal: string }>;
  /** Signals the command's whole process group (timeouts, cancellation). */
  kill(signal?: NodeJS.Signals): void;
  /** Signals the command itself. */
  signal(signal: NodeJS.Signals): void;
  /** Changes the terminal size; no effect without a terminal. */
  resize(cols: number, rows: number): void;
}

export interface FileWriteSpec {
  path: string;
  mode: 'TRUNCATE' | 'CREATE' | 'APPEND';
  permissions: number;
  atomic: boolean;
}

/** Something a sandbox's limits did to it: an OOM kill, a fork refused at its process limit. */
export interface ResourceEvent {
  sandboxId: string;
  type: 'oom-kill' | 'pids-limit';
  message: string;
}

/** What a sandbox uses at one moment, measured by its provider. */
export interface SandboxUsage {
  /** CPU cores busy on average over a short window just before `at` (1.5: one and a half cores). */
  cpuCores: number;
  /** Memory its processes hold, without the page cache; and the page cache they hold. */
  memUsedBytes: number;
  memCacheBytes: number;
  /** Its disk (the workspace): bytes used, and the bytes it may use in all. */
  diskUsedBytes: number;
  diskTotalBytes: number;
  /** When it was measured (ms since the epoch). */
  at: number;
  /** The CPUs and memory it has, when the provider knows them better than its template's limits (a sandbox far away). */
  cpuCount?: number;
  memTotalBytes?: number;
}

export interface ProviderStatus {
  available: boolean;
  message: string;
}

export interface Provider {
  readonly name: string;
  readonly capabilities: readonly Capability[];
  /** Whether this host can run the provider's sandboxes, and why not. */
  status(): ProviderStatus;
  /**
   * Runs once before the daemon reconciles its store, for a provider that must learn what exists
   * (a cluster's pods) before isAlive can answer. Must not fail the daemon for an unreachable backend.
   */
  discover?(): Promise<void>;
  /** Why a sandbox that isAlive says is gone went (a pod evicted or deleted behind the daemon's back). */
  deathReason?(handle: ProviderHandle): string | undefined;
  /** Boots a sandbox to ready. On failure nothing is left behind. */
  boot(req: BootRequest): Promise<ProviderHandle>;
  /** Whether the sandbox behind a handle still runs (used at adoption and before each use). */
  isAlive(handle: ProviderHandle): boolean;
  exec(handle: ProviderHandle, req: ExecRequest): RunningCommand;
  /** Kills every process of the sandbox but keeps its files (the STOP expiry policy). Idempotent. */
  stop(id: string, handle: ProviderHandle | undefined): Promise<void>;
  /** Kills every process of the sandbox and removes its files. Idempotent. */
  destroy(id: string, handle: ProviderHandle | undefined): Promise<void>;
  /**
   * Copies the sandbox's filesystem into `dest` (which must not exist) at one consistent point in time.
   * Providers with the "filesystem-snapshot" capability implement it.
   */
  captureFilesystem?(id: string, handle: ProviderHandle, dest: string): Promise<{ frozenMs: number }>;
  /**
   * Opens a file for reading as the sandbox's user would (the path resolved inside the sandbox) and
   * returns a host file descriptor of it, which the caller closes. Lets large reads skip a pipe.
   */
  openFile?(id: string, handle: ProviderHandle, path: string): Promise<number>;
  /**
   * Opens a file for writing as the sandbox's user would and returns a host file descriptor to write to;
   * `finish(true)` completes the write (for an atomic one, renames it into place), `finish(false)`
   * abandons it. Lets large writes skip a pipe.
   */
  openFileForWrite?(id: string, handle: ProviderHandle, spec: FileWriteSpec): Promise<{ fd: number; finish(commit: boolean): Promise<void> }>;
  /** The host directory behind /workspace, for providers whose workspace lives on the host. */
  workspacePath?(id: string): string;
  /**
   * Saves the whole machine (memory, devices and disk) into `dest` at one point in time, for a restore
   * with its processes running (the "memory-snapshot" capability). The sandbox runs on afterwards.
   */
  captureMachine?(id: string, handle: ProviderHandle, dest: string): Promise<{ frozenMs: number }>;
  /** Stops and restarts every vCPU (the "pause" capability). */
  pause?(id: string, handle: ProviderHandle): Promise<void>;
  resume?(id: string, handle: ProviderHandle): Promise<void>;
  /** Fills a freshly booted sandbox's filesystem from a capture. */
  restoreFilesystem?(id: string, handle: ProviderHandle, src: string): Promise<void>;
  /**
   * Called as an idle pool sandbox is taken for a client, before anything else: a provider whose idle
   * sandboxes others can take too (pods in a namespace that two daemons share) claims it atomically
   * there. A failure drops the sandbox (it is someone else's, or unusable) and the next idle one is tried.
   */
  claim?(id: string, handle: ProviderHandle): Promise<void>;
  /**
   * For a provider with `claim`: what its side says of a sandbox's claim, read as the daemon adopts the
   * sandbox after a restart. The claim runs beside the store's write of it, so a crash can leave the two
   * apart: `claimed` (by this daemon), `idle`, `taken` (by someone else), or undefined when it cannot tell.
   */
  claimState?(handle: ProviderHandle): 'claimed' | 'idle' | 'taken' | undefined;
  /** Undoes a claim this daemon made but never stored (a crash between the two): the sandbox is idle again. */
  unclaim?(id: string, handle: ProviderHandle): Promise<void>;
  /**
   * Called as an idle pool sandbox is handed to a client, once its claim is stored and before the client
   * hears of it: a sandbox booted in the background gets its full priority back, a VM cloned from one
   * saved state its own clock and entropy. What must come before anything the client does next happens
   * before it returns (a VM's clock sync is queued to its agent); the promise, which the handoff does not
   * wait for, is the rest (the priority change). A failure marks the sandbox FAILED.
   */
  handedOut?(id: string, handle: ProviderHandle): Promise<void>;
  /**
   * A refill under way at `idle` is wanted more than when it started (its pool fell below its reserve, or
   * it waited too long behind other work): `low` from here on.
   */
  promote?(id: string): Promise<void>;
  /** Lets go of what the provider holds for the daemon's lifetime (its launch helper). Sandboxes run on. */
  close?(): Promise<void>;
  /**
   * Measures what the sandbox uses now (CPU over a short window, memory, disk), for providers that can;
   * undefined when there is no measurement yet (a far side that samples only every few seconds).
   */
  usage?(id: string, handle: ProviderHandle): Promise<SandboxUsage | undefined>;
  /**
   * For a sandbox with no host path the model gateway's sockets can be bound at (a VM): carries its
   * agents' loopback gateway ports to the sockets in `dir` (GATEWAY_PORT/N.sock), from now until the
   * sandbox goes. Idempotent. Process sandboxes need none: the directory is bound into them at boot.
   */
  connectGateway?(id: string, handle: ProviderHandle, dir: string): Promise<void>;
  /** Reports what limits do to sandboxes as it happens; returns a function that stops the reports. */
  watchResources?(listener: (e: ResourceEvent) => void): () => void;
  /** Kills sandboxes and removes files that belong to no known id (left by a crash). */
  reapOrphans(knownIds: ReadonlySet<string>): Promise<string[]>;
}
