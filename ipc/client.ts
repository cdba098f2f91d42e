// The typed client library for godeld. godelctl uses it; other Node programs can import it as
// `godel/client`. Unary calls return promises; streams are grpc-js readable streams of typed events.
import { closeSync, constants as fsConstants, createReadStream, createWriteStream, fstatSync, futimesSync, openSync, statSync, utimesSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { loadApi } from './proto.js';
import { ERROR_CODE_METADATA_KEY } from './errors.js';
import { clientSocketPath } from './socket-path.js';
import { descriptorRequest, parseDescriptorReply } from './descriptor-protocol.js';
import { unixAddonIfBuilt } from './unix-addon.js';
import { COPY_BUFFER_BYTES, copyFile } from './fd-copy.js';
import type { SandboxesClient } from './generated/godel/v1/Sandboxes.js';
import type { ExecClient } from './generated/godel/v1/Exec.js';
import type { PoolsClient } from './generated/godel/v1/Pools.js';
import type { SystemClient } from './generated/godel/v1/System.js';
import type { FilesClient } from './generated/godel/v1/Files.js';
import type { SnapshotsClient } from './generated/godel/v1/Snapshots.js';
import type { Snapshot__Output } from './generated/godel/v1/Snapshot.js';
import type { CreateSnapshotRequest } from './generated/godel/v1/CreateSnapshotRequest.js';
import type { ListSnapshotsRequest } from './generated/godel/v1/ListSnapshotsRequest.js';
import type { ListSnapshotsResponse__Output } from './generated/godel/v1/ListSnapshotsResponse.js';
import type { RestoreSnapshotRequest } from './generated/godel/v1/RestoreSnapshotRequest.js';
import type { ForkRequest } from './generated/godel/v1/ForkRequest.js';
import type { ForkResponse__Output } from './generated/godel/v1/ForkResponse.js';
import type { FileChunk__Output } from './generated/godel/v1/FileChunk.js';
import type { FileInfo__Output } from './generated/godel/v1/FileInfo.js';
import type { WriteFileHeader } from './generated/godel/v1/WriteFileHeader.js';
import type { OpenFileHeader } from './generated/godel/v1/OpenFileHeader.js';
import type { OpenFileResponse__Output } from './generated/godel/v1/OpenFileResponse.js';
import type { ListFilesRequest } from './generated/godel/v1/ListFilesRequest.js';
import type { ListFilesResponse__Output } from './generated/godel/v1/ListFilesResponse.js';
import type { CreateSandboxRequest } from './generated/godel/v1/CreateSandboxRequest.js';
import type { ListSandboxesRequest } from './generated/godel/v1/ListSandboxesRequest.js';
import type { WatchSandboxesRequest } from './generated/godel/v1/WatchSandboxesRequest.js';
import type { EventsRequest } from './generated/godel/v1/EventsRequest.js';
import type { Sandbox__Output } from './generated/godel/v1/Sandbox.js';
import type { SandboxEvent__Output } from './generated/godel/v1/SandboxEvent.js';
import type { RunRequest } from './generated/godel/v1/RunRequest.js';
import type { ExecEvent__Output } from './generated/godel/v1/ExecEvent.js';
import type { Pool__Output } from './generated/godel/v1/Pool.js';
import type { ListPoolsResponse__Output } from './generated/godel/v1/ListPoolsResponse.js';
import type { ListSandboxesResponse__Output } from './generated/godel/v1/ListSandboxesResponse.js';
import type { SetPoolRequest } from './generated/godel/v1/SetPoolRequest.js';
import type { InfoResponse__Output } from './generated/godel/v1/InfoResponse.js';
import type { SessionInput } from './generated/godel/v1/SessionInput.js';
import type { SessionInfo__Output } from './generated/godel/v1/SessionInfo.js';
import type { ListSessionsRequest } from './generated/godel/v1/ListSessionsRequest.js';
import type { ListSessionsResponse__Output } from './generated/godel/v1/ListSessionsResponse.js';
import type { SignalRequest } from './generated/godel/v1/SignalRequest.js';
import type { VersionResponse__Output } from './generated/godel/v1/VersionResponse.js';
import type { SwarmClient } from './generated/godel/v1/Swarm.js';
import type { NodeInfo__Output } from './generated/godel/v1/NodeInfo.js';
import type { NodesResponse__Output } from './generated/godel/v1/NodesResponse.js';
import type { SpawnSwarmRequest } from './generated/godel/v1/SpawnSwarmRequest.js';
import type { SpawnSwarmEvent__Output } from './generated/godel/v1/SpawnSwarmEvent.js';
import type { ListSwarmsResponse__Output } from './generated/godel/v1/ListSwarmsResponse.js';
import type { DeleteSwarmResponse__Output } from './generated/godel/v1/DeleteSwarmResponse.js';
import type { SwarmExecRequest } from './generated/godel/v1/SwarmExecRequest.js';
import type { SwarmExecEvent__Output } from './generated/godel/v1/SwarmExecEvent.js';
import type { ListPoolsRequest } from './generated/godel/v1/ListPoolsRequest.js';
import type { AgentsClient } from './generated/godel/v1/Agents.js';
import type { Agent__Output } from './generated/godel/v1/Agent.js';
import type { AgentEvent__Output } from './generated/godel/v1/AgentEvent.js';
import type { RunAgentRequest } from './generated/godel/v1/RunAgentRequest.js';
import type { AttachAgentRequest } from './generated/godel/v1/AttachAgentRequest.js';
import type { ListAgentsRequest } from './generated/godel/v1/ListAgentsRequest.js';
import type { ListAgentsResponse__Output } from './generated/godel/v1/ListAgentsResponse.js';
import type { UsageRequest } from './generated/godel/v1/UsageRequest.js';
import type { UsageResponse__Output } from './generated/godel/v1/UsageResponse.js';
import type { SetBudgetRequest } from './generated/godel/v1/SetBudgetRequest.js';
import type { Budget__Output } from './generated/godel/v1/Budget.js';

export type { Sandbox__Output as Sandbox } from './generated/godel/v1/Sandbox.js';
export type { SandboxEvent__Output as SandboxEvent } from './generated/godel/v1/SandboxEvent.js';
export type { ExecEvent__Output as ExecEvent } from './generated/godel/v1/ExecEvent.js';
export type { Pool__Output as Pool } from './generated/godel/v1/Pool.js';
export type { InfoResponse__Output as InfoResponse } from './generated/godel/v1/InfoResponse.js';
export type { VersionResponse__Output as VersionResponse } from './generated/godel/v1/VersionResponse.js';
export type { SessionInfo__Output as SessionInfo } from './generated/godel/v1/SessionInfo.js';
export type { FileInfo__Output as FileInfo } from './generated/godel/v1/FileInfo.js';
export type { FileEvent__Output as FileEvent } from './generated/godel/v1/FileEvent.js';
export type { FileChunk__Output as FileChunk } from './generated/godel/v1/FileChunk.js';
export type { OpenFileHeader, WriteFileHeader };
export type { Snapshot__Output as Snapshot } from './generated/godel/v1/Snapshot.js';
export type { NodeInfo__Output as NodeInfo } from './generated/godel/v1/NodeInfo.js';
export type { SpawnSwarmEvent__Output as SpawnSwarmEvent } from './generated/godel/v1/SpawnSwarmEvent.js';
export type { SwarmExecEvent__Output as SwarmExecEvent } from './generated/godel/v1/SwarmExecEvent.js';
export type { SwarmInfo__Output as SwarmInfo } from './generated/godel/v1/SwarmInfo.js';
export type { SpawnSwarmRequest, SwarmExecRequest };
export type { Agent__Output as Agent } from './generated/godel/v1/Agent.js';
export type { AgentEvent__Output as AgentEvent } from './generated/godel/v1/AgentEvent.js';
export type { UsageResponse__Output as UsageResponse } from './generated/godel/v1/UsageResponse.js';
export type { RunAgentRequest };
export type { CreateSandboxRequest, EventsRequest, ListSandboxesRequest, RunRequest, SessionInput, SetPoolRequest, SignalRequest, WatchSandboxesRequest };

/** A failed call: the gRPC status, the daemon's stable `godel-error-code`, and its message. */
export class GodelClientError extends Error {
  constructor(
    message: string,
    /** The daemon's godel-error-code, or DAEMON_UNREACHABLE when no daemon answered on the socket. */
    readonly code: string,
    readonly grpcCode: grpc.status,
  ) {
    super(message);
    this.name = 'GodelClientError';
  }
}

export function toClientError(err: unknown, socket: string): GodelClientError {
  if (err instanceof GodelClientError) return err;
  const e = err as grpc.ServiceError;
  const code = e.metadata?.get(ERROR_CODE_METADATA_KEY)?.[0];
  if (typeof code === 'string') return new GodelClientError(e.details || e.message, code, e.code);
  if (e.code === grpc.status.UNAVAILABLE) {
    return new GodelClientError(`no godeld is answering on ${socket} (is it running? set --socket or GODEL_SOCKET)`,
      'DAEMON_UNREACHABLE', e.code);
  }
  return new GodelClientError(e.details || e.message || String(err), grpc.status[e.code] ?? 'UNKNOWN', e.code ?? grpc.status.UNKNOWN);
}

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
  signal: string;
  timedOut: boolean;
  pid: number;
}

/** A file of a sandbox lent to this process (Files.Open): its open descriptor, and the end of the loan. */
export interface LentFile {
  /** The open file itself (read-only or write-only as opened). `close` closes it: do not close it yourself. */
  fd: number;
  /** Its size when it was opened. */
  size: number;
  /**
   * Closes `fd` and ends the loan. A write is kept with `commit` (the default; an atomic write is put in
   * place then), with `modifiedAt` as its modification time when given. Resolves with the file's size.
   */
  close(commit?: boolean, modifiedAt?: Date): Promise<number>;
}

/** How a file moved between the host and a sandbox: "lent" (its descriptor, no copy through gRPC) or "streamed". */
export type TransferPath = 'lent' | 'streamed';

export interface TransferOptions {
  /** Hears of each piece of the file as it is copied. */
  onProgress?(bytes: number): void;
  /** Stream through gRPC even where the file could be lent. */
  stream?: boolean;
}

/** How long the daemon may take to answer a descriptor request (it answers at once unless overloaded). */
const DESCRIPTOR_TIMEOUT_MS = 10_000;

export interface ClientOptions {
  /** Socket path; defaults to GODEL_SOCKET, then the per-user or system socket. */
  socket?: string;
}

type HealthClient = grpc.Client & {
  check(req: { service: string }, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
};

export class GodelClient {
  readonly socket: string;
  readonly sandboxes: SandboxesClient;
  readonly exec: ExecClient;
  readonly pools: PoolsClient;
  readonly system: SystemClient;
  readonly files: FilesClient;
  readonly snapshots: SnapshotsClient;
  readonly swarm: SwarmClient;
  readonly agents: AgentsClient;
  private readonly health: HealthClient;

  constructor(options: ClientOptions = {}) {
    this.socket = clientSocketPath(options.socket);
    const api = loadApi().godel.v1;
    const target = `unix:${this.socket}`;
    const creds = grpc.credentials.createInsecure();
    const channelOptions: grpc.ChannelOptions = {
      // One channel for all four services: the stubs share the connection.
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
      // A larger HTTP/2 receive window than the 64 KiB default, so downloads (file reads, archives,
      // large outputs) are not stalled waiting for window updates.
      'grpc-node.flow_control_window': 8 * 1024 * 1024,
    };
    this.sandboxes = new api.Sandboxes(target, creds, channelOptions);
    const channel = this.sandboxes.getChannel();
    this.exec = new api.Exec(target, creds, { ...channelOptions, channelOverride: channel });
    this.pools = new api.Pools(target, creds, { ...channelOptions, channelOverride: channel });
    this.system = new api.System(target, creds, { ...channelOptions, channelOverride: channel });
    this.files = new api.Files(target, creds, { ...channelOptions, channelOverride: channel });
    this.snapshots = new api.Snapshots(target, creds, { ...channelOptions, channelOverride: channel });
    this.swarm = new api.Swarm(target, creds, { ...channelOptions, channelOverride: channel });
    this.agents = new api.Agents(target, creds, { ...channelOptions, channelOverride: channel });
    const healthDef = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String, defaults: true });
    const healthPkg = grpc.loadPackageDefinition(healthDef) as unknown as {
      grpc: { health: { v1: { Health: new (t: string, c: grpc.ChannelCredentials, o: grpc.ChannelOptions) => HealthClient } } };
    };
    this.health = new healthPkg.grpc.health.v1.Health(target, creds, { channelOverride: channel });
  }

  close(): void {
    this.sandboxes.close();
  }

  private unary<Req, Res>(
    fn: (req: Req, md: grpc.Metadata, opts: grpc.CallOptions, cb: grpc.requestCallback<Res>) => unknown,
    req: Req,
    deadlineMs?: number,
  ): Promise<Res> {
    const opts: grpc.CallOptions = deadlineMs ? { deadline: Date.now() + deadlineMs } : {};
    return new Promise((resolve, reject) => {
      fn(req, new grpc.Metadata(), opts, (err, res) => {
        if (err) reject(toClientError(err, this.socket));
        else resolve(res as Res);
      });
    });
  }

  createSandbox(req: CreateSandboxRequest = {}): Promise<Sandbox__Output> {
    return this.unary(this.sandboxes.create.bind(this.sandboxes), req);
  }

  getSandbox(id: string): Promise<Sandbox__Output> {
    return this.unary(this.sandboxes.get.bind(this.sandboxes), { id });
  }

  async listSandboxes(req: ListSandboxesRequest = {}): Promise<Sandbox__Output[]> {
    const res = await this.unary<ListSandboxesRequest, ListSandboxesResponse__Output>(this.sandboxes.list.bind(this.sandboxes), req);
    return res.sandboxes;
  }

  /** Sandboxes of the whole federation (or of `req.node`), with the peers whose part is missing. */
  listSandboxesWithNodes(req: ListSandboxesRequest = {}): Promise<ListSandboxesResponse__Output> {
    return this.unary(this.sandboxes.list.bind(this.sandboxes), req);
  }

  /** The members of this daemon's federation, itself first. */
  async nodes(): Promise<NodeInfo__Output[]> {
    const res = await this.unary<object, NodesResponse__Output>(this.system.nodes.bind(this.system), {});
    return res.nodes;
  }

  /** Places a swarm; streams each sandbox as it is placed, then `done`. */
  spawnSwarm(req: SpawnSwarmRequest): grpc.ClientReadableStream<SpawnSwarmEvent__Output> {
    return this.swarm.spawn(req);
  }

  /** Places a swarm and waits for all of it: the members, and the summary. */
  spawnSwarmCollect(req: SpawnSwarmRequest): Promise<{ sandboxes: Sandbox__Output[]; done: NonNullable<SpawnSwarmEvent__Output['done']> }> {
    return new Promise((resolve, reject) => {
      const sandboxes: Sandbox__Output[] = [];
      let done: SpawnSwarmEvent__Output['done'];
      const s = this.spawnSwarm(req);
      s.on('data', (e: SpawnSwarmEvent__Output) => {
        if (e.placed) sandboxes.push(e.placed);
        if (e.done) done = e.done;
      });
      s.on('end', () => resolve({ sandboxes, done: done! }));
      s.on('error', (err) => reject(toClientError(err, this.socket)));
    });
  }

  /** Starts an agent and streams its events (started first, end last). Cancelling the call leaves the agent running. */
  runAgent(req: RunAgentRequest): grpc.ClientReadableStream<AgentEvent__Output> {
    return this.agents.run(req);
  }

  attachAgent(req: AttachAgentRequest): grpc.ClientReadableStream<AgentEvent__Output> {
    return this.agents.attach(req);
  }

  /** Collects a stream of agent events to its end. */
  collectAgentEvents(s: grpc.ClientReadableStream<AgentEvent__Output>): Promise<AgentEvent__Output[]> {
    return new Promise((resolve, reject) => {
      const events: AgentEvent__Output[] = [];
      s.on('data', (e: AgentEvent__Output) => events.push(e));
      s.on('end', () => resolve(events));
      s.on('error', (err) => reject(toClientError(err, this.socket)));
    });
  }

  sendAgent(agentId: string, prompt: string): Promise<Agent__Output> {
    return this.unary(this.agents.send.bind(this.agents), { agentId, prompt });
  }

  abortAgent(agentId: string): Promise<Agent__Output> {
    return this.unary(this.agents.abort.bind(this.agents), { agentId });
  }

  getAgent(agentId: string): Promise<Agent__Output> {
    return this.unary(this.agents.get.bind(this.agents), { agentId });
  }

  async listAgents(req: ListAgentsRequest = {}): Promise<Agent__Output[]> {
    return (await this.unary<ListAgentsRequest, ListAgentsResponse__Output>(this.agents.list.bind(this.agents), req)).agents;
  }

  usage(req: UsageRequest = {}): Promise<UsageResponse__Output> {
    return this.unary(this.agents.usage.bind(this.agents), req);
  }

  setBudget(req: SetBudgetRequest): Promise<Budget__Output> {
    return this.unary(this.agents.setBudget.bind(this.agents), req);
  }

  listSwarms(): Promise<ListSwarmsResponse__Output> {
    return this.unary(this.swarm.list.bind(this.swarm), {});
  }

  deleteSwarm(swarmId: string): Promise<DeleteSwarmResponse__Output> {
    return this.unary(this.swarm.delete.bind(this.swarm), { swarmId });
  }

  /** Runs a command in every member of a swarm; each event names its sandbox. */
  swarmExec(req: SwarmExecRequest): grpc.ClientReadableStream<SwarmExecEvent__Output> {
    return this.swarm.exec(req);
  }

  /** Moves the sandbox's TTL deadline to `ttlSeconds` from now; 0 removes it. */
  setTtl(id: string, ttlSeconds: number): Promise<Sandbox__Output> {
    return this.unary(this.sandboxes.setTtl.bind(this.sandboxes), { id, ttlSeconds });
  }

  /** Stops every vCPU of a sandbox whose provider can (microvm); `resumeSandbox` lets it run again. */
  pauseSandbox(id: string): Promise<Sandbox__Output> {
    return this.unary(this.sandboxes.pause.bind(this.sandboxes), { id });
  }

  resumeSandbox(id: string): Promise<Sandbox__Output> {
    return this.unary(this.sandboxes.resume.bind(this.sandboxes), { id });
  }

  async deleteSandbox(id: string): Promise<void> {
    await this.unary(this.sandboxes.delete.bind(this.sandboxes), { id });
  }

  watch(req: WatchSandboxesRequest = {}): grpc.ClientReadableStream<SandboxEvent__Output> {
    return this.sandboxes.watch(req);
  }

  /** Stored history (lifecycle events and audit records), then, with `follow`, new ones as they happen. */
  events(req: EventsRequest = {}): grpc.ClientReadableStream<SandboxEvent__Output> {
    return this.sandboxes.events(req);
  }

  /** The stored history, collected: the newest `limit` (default 100) events, oldest first. */
  listEvents(req: Omit<EventsRequest, 'follow'> = {}): Promise<SandboxEvent__Output[]> {
    return new Promise((resolve, reject) => {
      const out: SandboxEvent__Output[] = [];
      const s = this.events({ ...req, follow: false });
      s.on('data', (e: SandboxEvent__Output) => out.push(e));
      s.on('end', () => resolve(out));
      s.on('error', (err) => reject(toClientError(err, this.socket)));
    });
  }

  /** Starts a command and returns its event stream (started, stdout, stderr, exited). */
  run(req: RunRequest): grpc.ClientReadableStream<ExecEvent__Output> {
    return this.exec.run(req);
  }

  /** Runs a command to completion and collects its output. */
  runCollect(req: RunRequest): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let pid = 0;
      let exited: RunResult | undefined;
      const stream = this.run(req);
      stream.on('data', (ev: ExecEvent__Output) => {
        if (ev.started) pid = ev.started.pid;
        else if (ev.stdout) out.push(ev.stdout);
        else if (ev.stderr) err.push(ev.stderr);
        else if (ev.exited) {
          exited = {
            stdout: Buffer.concat(out), stderr: Buffer.concat(err), pid,
            exitCode: ev.exited.exitCode, signal: ev.exited.signal, timedOut: ev.exited.timedOut,
          };
        }
      });
      stream.on('error', (e) => reject(toClientError(e, this.socket)));
      stream.on('end', () => {
        if (exited) resolve(exited);
        else reject(new GodelClientError('the command stream ended without an exit status', 'INTERNAL', grpc.status.INTERNAL));
      });
    });
  }

  /** Starts an interactive session: write `{ start }` first, then stdin, resize, signal, closeStdin. */
  session(): grpc.ClientDuplexStream<SessionInput, ExecEvent__Output> {
    return this.exec.session();
  }

  /** Re-attaches to a session: write `{ attach }` first; later writes are input as in `session`. */
  attach(): grpc.ClientDuplexStream<SessionInput, ExecEvent__Output> {
    return this.exec.attach();
  }

  async listSessions(sandboxId: string): Promise<SessionInfo__Output[]> {
    const res = await this.unary<ListSessionsRequest, ListSessionsResponse__Output>(this.exec.listSessions.bind(this.exec), { sandboxId });
    return res.sessions;
  }

  async signalSession(req: SignalRequest): Promise<void> {
    await this.unary(this.exec.signal.bind(this.exec), req);
  }

  /** Reads a whole file (or a range of it). For large files, stream with `files.read`. */
  readFile(sandboxId: string, path: string, offset = 0, length = 0): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const s = this.files.read({ sandboxId, path, offset, length });
      s.on('data', (c: FileChunk__Output) => chunks.push(c.data));
      s.on('error', (e) => reject(toClientError(e, this.socket)));
      s.on('end', () => resolve(Buffer.concat(chunks)));
    });
  }

  /** Writes a file from a buffer or a stream of buffers. */
  writeFile(header: WriteFileHeader, data: Buffer | AsyncIterable<Buffer>): Promise<number> {
    return new Promise((resolve, reject) => {
      const call = this.files.write((err, res) => (err ? reject(toClientError(err, this.socket)) : resolve(Number(res!.bytesWritten))));
      call.write({ header });
      void (async () => {
        const chunks = Buffer.isBuffer(data) ? chunksOf(data) : data;
        for await (const chunk of chunks) {
          if (!call.write({ data: chunk })) await new Promise((r) => call.once('drain', r));
        }
        call.end();
      })().catch((err: unknown) => { call.cancel(); reject(err); });
    });
  }

  /**
   * Borrows a regular file of a sandbox (Files.Open): its own descriptor, which this process reads or
   * writes with no copy through gRPC. Needs the godel-unix addon (built with godel) and a provider that
   * lends files; NOT_SUPPORTED otherwise, and then Files.Read and Files.Write do the same work.
   */
  async openFile(header: OpenFileHeader): Promise<LentFile> {
    const addon = unixAddonIfBuilt();
    if (!addon) {
      throw new GodelClientError('this client cannot receive file descriptors: the godel-unix addon is not built (npm run build)', 'NOT_SUPPORTED', grpc.status.FAILED_PRECONDITION);
    }
    const call = this.files.open();
    const responses = call[Symbol.asyncIterator]() as AsyncIterator<OpenFileResponse__Output>;
    const next = async (want: 'ticket' | 'closed'): Promise<OpenFileResponse__Output> => {
      const r = await responses.next().catch((err: unknown) => { throw toClientError(err, this.socket); });
      if (r.done || r.value.part !== want) throw new GodelClientError(`godeld ended Files.Open without ${want === 'ticket' ? 'a ticket' : 'closing the file'}`, 'INTERNAL', grpc.status.INTERNAL);
      return r.value;
    };
    call.write({ header });
    let fd = -1;
    try {
      const { ticket } = await next('ticket');
      const got = await addon.receiveDescriptor(this.socket, descriptorRequest(ticket!.ticket), DESCRIPTOR_TIMEOUT_MS).catch((err: Error) => {
        throw new GodelClientError(`cannot collect the lent file on ${this.socket}: ${err.message}`, 'DAEMON_UNREACHABLE', grpc.status.UNAVAILABLE);
      });
      fd = got.fd;
      const reply = parseDescriptorReply(got.reply);
      if (!reply.ok) throw new GodelClientError(reply.message, reply.code, grpc.status.FAILED_PRECONDITION);
      if (fd < 0) throw new GodelClientError('godeld answered OK without a descriptor', 'INTERNAL', grpc.status.INTERNAL);
      const lentFd = fd;
      let closed = false;
      return {
        fd: lentFd,
        size: Number(ticket!.size),
        close: async (commit = true, modifiedAt?: Date) => {
          if (closed) throw new Error('the lent file is closed already');
          closed = true;
          closeSync(lentFd);
          const ms = modifiedAt?.getTime();
          call.write({ close: { commit, modifiedAt: ms === undefined ? null : { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } } });
          call.end();
          return Number((await next('closed')).closed!.size);
        },
      };
    } catch (err) {
      if (fd >= 0) closeSync(fd);
      call.cancel();
      throw err;
    }
  }

  /**
   * Copies a host file into a sandbox: lent (Files.Open) where it can be, else streamed (Files.Write).
   * Resolves with the bytes copied and the path they took.
   */
  async uploadFile(hostPath: string, header: WriteFileHeader, options: TransferOptions = {}): Promise<{ bytes: number; path: TransferPath }> {
    const mtime = statSync(hostPath).mtime;
    const lent = options.stream ? undefined : await this.openFile({ ...header, access: 'WRITE' }).catch(unlessNotSupported);
    let bytes = 0;
    const count = (n: number): void => { bytes += n; options.onProgress?.(n); };
    if (!lent) {
      await this.writeFile(header, counted(createReadStream(hostPath, { highWaterMark: COPY_BUFFER_BYTES }), count));
      return { bytes, path: 'streamed' };
    }
    let commit = false;
    try {
      const source = openSync(hostPath, 'r');
      try {
        await copyFile(source, lent.fd, count);
      } finally {
        closeSync(source);
      }
      commit = true;
    } finally {
      await lent.close(commit, mtime);
    }
    return { bytes, path: 'lent' };
  }

  /**
   * Copies a regular file of a sandbox to a host file (created with the file's permission bits and
   * modification time; a symlink at `hostPath` is not followed, ELOOP): lent (Files.Open) where it can
   * be, else streamed (Files.Read).
   */
  async downloadFile(sandboxId: string, path: string, hostPath: string, options: TransferOptions = {}): Promise<{ bytes: number; path: TransferPath }> {
    const lent = options.stream ? undefined : await this.openFile({ sandboxId, path, access: 'READ' }).catch(unlessNotSupported);
    let bytes = 0;
    const count = (n: number): void => { bytes += n; options.onProgress?.(n); };
    if (!lent) {
      const info = await this.stat(sandboxId, path);
      const chunks = (async function* (s: AsyncIterable<FileChunk__Output>) {
        for await (const ch of s) yield ch.data;
      })(this.files.read({ sandboxId, path, offset: 0, length: 0 }));
      await pipeline(counted(chunks, count), createWriteStream('', { fd: openForCopy(hostPath, info.mode) })).catch((err: unknown) => { throw toClientError(err, this.socket); });
      const mtime = new Date(Number(info.modifiedAt?.seconds ?? 0) * 1000);
      utimesSync(hostPath, mtime, mtime);
      return { bytes, path: 'streamed' };
    }
    try {
      const st = fstatSync(lent.fd);
      const target = openForCopy(hostPath, st.mode);
      try {
        await copyFile(lent.fd, target, count, 0);
        futimesSync(target, st.atime, st.mtime);
      } finally {
        closeSync(target);
      }
    } finally {
      await lent.close(false);
    }
    return { bytes, path: 'lent' };
  }

  /** Unpacks a tar stream into a directory of the sandbox. */
  putArchive(sandboxId: string, path: string, tar: AsyncIterable<Buffer>): Promise<{ entries: number; bytes: number }> {
    return new Promise((resolve, reject) => {
      const call = this.files.putArchive((err, res) => (err ? reject(toClientError(err, this.socket))
        : resolve({ entries: Number(res!.entries), bytes: Number(res!.bytes) })));
      call.write({ header: { sandboxId, path } });
      void (async () => {
        for await (const chunk of tar) {
          if (!call.write({ data: chunk })) await new Promise((r) => call.once('drain', r));
        }
        call.end();
      })().catch((err: unknown) => { call.cancel(); reject(err); });
    });
  }

  stat(sandboxId: string, path: string): Promise<FileInfo__Output> {
    return this.unary(this.files.stat.bind(this.files), { sandboxId, path });
  }

  async listFiles(sandboxId: string, path: string, depth = 1): Promise<FileInfo__Output[]> {
    const res = await this.unary<ListFilesRequest, ListFilesResponse__Output>(this.files.list.bind(this.files), { sandboxId, path, depth });
    return res.entries;
  }

  async makeDir(sandboxId: string, path: string, parents = false, permissions = 0): Promise<void> {
    await this.unary(this.files.makeDir.bind(this.files), { sandboxId, path, parents, permissions });
  }

  async removeFile(sandboxId: string, path: string, recursive = false): Promise<void> {
    await this.unary(this.files.remove.bind(this.files), { sandboxId, path, recursive });
  }

  async moveFile(sandboxId: string, from: string, to: string, overwrite = false): Promise<void> {
    await this.unary(this.files.move.bind(this.files), { sandboxId, from, to, overwrite });
  }

  createSnapshot(req: CreateSnapshotRequest): Promise<Snapshot__Output> {
    return this.unary(this.snapshots.create.bind(this.snapshots), req);
  }

  getSnapshot(id: string): Promise<Snapshot__Output> {
    return this.unary(this.snapshots.get.bind(this.snapshots), { id });
  }

  async listSnapshots(req: ListSnapshotsRequest = {}): Promise<Snapshot__Output[]> {
    const res = await this.unary<ListSnapshotsRequest, ListSnapshotsResponse__Output>(this.snapshots.list.bind(this.snapshots), req);
    return res.snapshots;
  }

  async deleteSnapshot(id: string): Promise<void> {
    await this.unary(this.snapshots.delete.bind(this.snapshots), { id });
  }

  restoreSnapshot(req: RestoreSnapshotRequest): Promise<Sandbox__Output> {
    return this.unary(this.snapshots.restore.bind(this.snapshots), req);
  }

  fork(req: ForkRequest): Promise<ForkResponse__Output> {
    return this.unary(this.snapshots.fork.bind(this.snapshots), req);
  }

  listPoolsWithNodes(req: ListPoolsRequest = {}): Promise<ListPoolsResponse__Output> {
    return this.unary(this.pools.list.bind(this.pools), req);
  }

  async listPools(): Promise<Pool__Output[]> {
    const res = await this.unary<object, ListPoolsResponse__Output>(this.pools.list.bind(this.pools), {});
    return res.pools;
  }

  setPool(req: SetPoolRequest): Promise<Pool__Output> {
    return this.unary(this.pools.set.bind(this.pools), req);
  }

  info(): Promise<InfoResponse__Output> {
    return this.unary(this.system.info.bind(this.system), {});
  }

  version(): Promise<VersionResponse__Output> {
    return this.unary(this.system.version.bind(this.system), {});
  }

  /** The standard grpc.health.v1 check; "" is the daemon as a whole. */
  healthCheck(service = '', deadlineMs = 2000): Promise<string> {
    return new Promise((resolve, reject) => {
      this.health.check({ service }, { deadline: Date.now() + deadlineMs }, (err, res) => {
        if (err) reject(toClientError(err, this.socket));
        else resolve(res?.status ?? 'UNKNOWN');
      });
    });
  }
}

/** Splits a buffer into chunks below the transport's message limit. */
/** Opens (creating or truncating) the host file a copy goes to; a symlink there is not followed. */
function openForCopy(path: string, mode: number): number {
  return openSync(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_NOFOLLOW, mode & 0o777);
}

/** Passes a stream's buffers on, telling `count` the size of each. */
async function* counted(source: AsyncIterable<Buffer>, count: (bytes: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    count(chunk.length);
    yield chunk;
  }
}

/** For a fallback: undefined when the failure is NOT_SUPPORTED, the failure itself otherwise. */
function unlessNotSupported(err: unknown): undefined {
  if (err instanceof GodelClientError && err.code === 'NOT_SUPPORTED') return undefined;
  throw err;
}

function* chunksOf(data: Buffer, size = 1024 * 1024): Generator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
