// The E2B-compatible endpoint (e2b.listen): one plain-HTTP port that serves both what the SDK's
// E2B_API_URL points at (the control plane, X-API-KEY) and what its E2B_SANDBOX_URL points at (envd,
// routed by the E2b-Sandbox-Id header, X-Access-Token). It calls godel's managers in-process, as the
// gRPC handlers do; it owns its listener and the connections on it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type { E2bConfig } from '../config/config.js';
import { GodelError, errorMessage } from '../errors.js';
import type { ExecManager } from '../exec/exec-manager.js';
import type { FileManager } from '../files/file-manager.js';
import type { SandboxManager } from '../sandboxes/manager.js';
import type { SnapshotManager } from '../snapshots/snapshot-manager.js';
import type { Observer } from '../server/observer.js';
import { E2bAuth, OWNER_LABEL, type Caller } from './auth.js';
import { ControlPlane, type Reply } from './control-plane.js';
import { getFile, postFiles } from './envd-files.js';
import { filesystemService } from './envd-filesystem.js';
import { processService } from './envd-process.js';
import { userOf } from './envd-call.js';
import { E2bHttpError, httpErrorOf } from './errors.js';
import { Filesystem } from './generated/filesystem/filesystem_pb.js';
import { Process } from './generated/process/process_pb.js';

/** Largest JSON body the control plane reads. */
export const MAX_JSON_BYTES = 1024 * 1024;
/** Largest Connect message envd's services read (stdin chunks, paths). */
/** How much of a too-large JSON body is read (and dropped) before the connection is cut. */
const DRAIN_LIMIT_BYTES = 16 * MAX_JSON_BYTES;
const MAX_RPC_BYTES = 4 * 1024 * 1024;
const SANDBOX_ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface E2bDeps {
  sandboxes: SandboxManager;
  snapshots: SnapshotManager;
  exec: ExecManager;
  files: FileManager;
  config: E2bConfig;
  node: string;
  stateDir: string;
  obs: Observer;
}

export class E2bEndpoint {
  private readonly server: Server;
  private readonly auth: E2bAuth;
  private readonly control: ControlPlane;
  private readonly rpc: ReturnType<typeof connectNodeAdapter>;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly deps: E2bDeps) {
    this.auth = E2bAuth.open(deps.config.apiKeys, deps.stateDir);
    this.control = new ControlPlane(deps.sandboxes, deps.snapshots, this.auth, deps.config, deps.node);
    const onCall = (method: string, sandboxId: string, err?: unknown): void => this.record(`E2b.${method}`, Date.now(), err, sandboxId);
    this.rpc = connectNodeAdapter({
      routes: (router) => {
        router.service(Process, processService(deps.exec, onCall));
        router.service(Filesystem, filesystemService(deps.files, onCall));
      },
      readMaxBytes: MAX_RPC_BYTES,
      // Only what envd speaks: the Connect protocol (its JSON codec is what the SDK sends).
      grpc: false,
      grpcWeb: false,
    });
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Listens on e2b.listen; resolves with the address it got (a port of 0 picks one). */
  listen(): Promise<string> {
    const i = this.deps.config.listen.lastIndexOf(':');
    const host = this.deps.config.listen.slice(0, i).replace(/^\[|\]$/g, '');
    const port = Number(this.deps.config.listen.slice(i + 1));
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const a = this.server.address() as AddressInfo;
        resolve(`${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
      });
    });
  }

  /** Stops listening and ends every connection (streams included): their processes run on as sessions. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://e2b');
    const sandboxHeader = req.headers['e2b-sandbox-id'];
    const envdPath = url.pathname === '/files' || url.pathname.startsWith('/process.Process/') || url.pathname.startsWith('/filesystem.Filesystem/');
    if (sandboxHeader !== undefined || envdPath) {
      this.envd(req, res, url, typeof sandboxHeader === 'string' ? sandboxHeader : this.signedFor(req, url));
      return;
    }
    const started = Date.now();
    let caller: Caller | undefined;
    this.controlRoute(req, url, (c) => { caller = c; }).then(
      (reply) => {
        this.record(`E2b.${routeName(req.method, url.pathname)}`, started, undefined, sandboxOfPath(url.pathname), caller);
        send(res, reply);
      },
      (err: unknown) => {
        this.record(`E2b.${routeName(req.method, url.pathname)}`, started, err, sandboxOfPath(url.pathname), caller);
        sendError(res, err);
      },
    );
  }

  private async controlRoute(req: IncomingMessage, url: URL, identified: (c: Caller) => void): Promise<Reply> {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (method === 'GET' && path === '/health') return { status: 200, body: { status: 'ok' } };
    const key = req.headers['x-api-key'];
    const caller = this.auth.caller(typeof key === 'string' ? key : undefined);
    if (!caller) {
      req.resume();
      throw new E2bHttpError(401, key ? 'Invalid API key' : 'missing X-API-KEY header');
    }
    identified(caller);
    const body = method === 'POST' ? await readJson(req) : (req.resume(), {});
    const c = this.control;
    if (method === 'POST' && (path === '/sandboxes' || path === '/v2/sandboxes')) return c.create(caller, body);
    if (method === 'GET' && path === '/sandboxes') return c.list(caller, url.searchParams, false);
    if (method === 'GET' && path === '/v2/sandboxes') return c.list(caller, url.searchParams, true);
    if (method === 'GET' && path === '/snapshots') return c.listSnapshots(caller, url.searchParams);
    const tpl = /^\/templates\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && tpl) return c.deleteSnapshot(caller, decodeURIComponent(tpl[1]!));
    const m = /^(?:\/v2)?\/sandboxes\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      const action = m[2] ?? '';
      if (!SANDBOX_ID_RE.test(id)) throw new E2bHttpError(404, `sandbox "${id.slice(0, 80)}" doesn't exist or you don't have access to it`);
      if (method === 'GET' && action === '') return c.get(caller, id);
      if (method === 'DELETE' && action === '') return c.kill(caller, id);
      if (method === 'POST' && action === 'timeout') return c.setTimeout(caller, id, body);
      if (method === 'POST' && (action === 'connect' || action === 'resume')) return c.connect(caller, id, body);
      if (method === 'POST' && action === 'pause') return c.pause(caller, id);
      if (method === 'GET' && action === 'metrics') return c.metrics(caller, id, url.searchParams);
      if (method === 'POST' && action === 'snapshots') return c.snapshot(caller, id, body);
      if (method === 'POST' && action === 'fork') return c.fork(caller, id, body);
      if (['refreshes', 'logs'].includes(action)) {
        throw new E2bHttpError(501, `${action} is not served by this godel endpoint`);
      }
    }
    throw new E2bHttpError(404, `no route ${method} ${path}`);
  }

  /** envd's routes for one sandbox: the Connect services, /files and /health. */
  private envd(req: IncomingMessage, res: ServerResponse, url: URL, sandboxId: string): void {
    const started = Date.now();
    const fail = (err: unknown, method: string): void => {
      req.resume();
      this.record(`E2b.${method}`, started, err, sandboxId || undefined);
      sendError(res, err);
    };
    if (!sandboxId) {
      fail(url.searchParams.has('signature')
        ? new E2bHttpError(401, 'the signature is not valid for any sandbox (or it has expired)')
        : new E2bHttpError(400, 'envd calls need the E2b-Sandbox-Id header'), 'envd');
      return;
    }
    // E2B's proxy answers 502 for a sandbox it cannot reach; the SDK reads that as a sandbox that timed out.
    const rec = SANDBOX_ID_RE.test(sandboxId) ? this.findSandbox(sandboxId) : undefined;
    if (!rec || rec.state !== 'READY') {
      fail(new E2bHttpError(502, `The sandbox ${sandboxId.slice(0, 80)} was not found${rec ? ` running (it is ${rec.state})` : ''}`), 'envd');
      return;
    }
    if (url.pathname === '/health' && req.method === 'GET') {
      req.resume();
      res.writeHead(204).end();
      return;
    }
    const token = req.headers['x-access-token'];
    const signature = url.searchParams.get('signature');
    const operation = req.method === 'POST' ? 'write' : 'read';
    const allowed = typeof token === 'string'
      ? this.auth.tokenMatches(sandboxId, token)
      : url.pathname === '/files' && signature !== null && this.auth.signatureMatches(sandboxId, {
        path: url.searchParams.get('path') ?? '', operation, user: url.searchParams.get('username') ?? '', signature,
        ...(url.searchParams.has('signature_expiration') ? { expiration: url.searchParams.get('signature_expiration')! } : {}),
      });
    if (!allowed) {
      fail(new E2bHttpError(401, typeof token === 'string' || signature ? 'invalid access token or signature' : 'missing X-Access-Token header'), 'envd');
      return;
    }
    if (url.pathname === '/files') {
      try {
        const user = url.searchParams.get('username');
        if (user) userOf(`Basic ${Buffer.from(`${user}:`).toString('base64')}`);
      } catch (err) {
        fail(err, 'envd');
        return;
      }
      const method = req.method === 'POST' ? 'files.Write' : 'files.Read';
      const run = req.method === 'POST' ? postFiles : req.method === 'GET' ? getFile : undefined;
      if (!run) {
        fail(new E2bHttpError(405, `${req.method} /files is not a route`), method);
        return;
      }
      run(this.deps.files, sandboxId, req, res, url.searchParams).then(
        () => this.record(`E2b.${method}`, started, undefined, sandboxId),
        (err: unknown) => {
          if (res.headersSent) {
            this.record(`E2b.${method}`, started, err, sandboxId);
            res.destroy();
          } else {
            fail(err, method);
          }
        },
      );
      return;
    }
    this.rpc(req, res);
  }

  /**
   * The sandbox a signed /files URL is for. With one sandbox URL for all sandboxes, the SDK's upload and
   * download URLs carry no sandbox id (E2B's carry it in the host name); the signature binds the URL to one
   * sandbox's access token, so the sandbox is the one whose token it verifies with. '' when none.
   */
  private signedFor(req: IncomingMessage, url: URL): string {
    const signature = url.searchParams.get('signature');
    if (url.pathname !== '/files' || !signature?.startsWith('v1_')) return '';
    const q = {
      path: url.searchParams.get('path') ?? '', operation: req.method === 'POST' ? 'write' as const : 'read' as const,
      user: url.searchParams.get('username') ?? '', signature,
      ...(url.searchParams.has('signature_expiration') ? { expiration: url.searchParams.get('signature_expiration')! } : {}),
    };
    for (const rec of this.deps.sandboxes.list({}, '')) {
      if (rec.labels[OWNER_LABEL] && this.auth.signatureMatches(rec.id, q)) return rec.id;
    }
    return '';
  }

  private findSandbox(id: string): { state: string } | undefined {
    try {
      return this.deps.sandboxes.get(id);
    } catch (err) {
      if (err instanceof GodelError && err.code === 'SANDBOX_NOT_FOUND') return undefined;
      throw err;
    }
  }

  private ownerOf(id: string): string | undefined {
    try {
      return this.deps.sandboxes.get(id).labels[OWNER_LABEL];
    } catch {
      return undefined; // Deleted meanwhile (a kill): the record has nobody to name.
    }
  }

  /** One log line, the request metrics and an audit record per call, as the gRPC handlers give. */
  private record(method: string, started: number, err: unknown, sandbox?: string, caller?: Caller): void {
    const e = err === undefined ? undefined : httpErrorOf(err);
    // An envd call is made with a sandbox's token, so it is its owner's (unless it was refused).
    const apiKey = caller?.fingerprint ?? (sandbox && e?.status !== 401 && e?.status !== 502 ? this.ownerOf(sandbox) : undefined);
    if (e?.status === 500) this.deps.obs.log.error({ method, err: errorMessage(err) }, 'unexpected failure');
    this.deps.obs.request({
      method, ms: Date.now() - started, status: e ? statusName(e.status) : 'OK', ...(e?.code ? { code: e.code } : {}),
      ...(sandbox ? { sandbox } : {}), ...(apiKey ? { apiKey } : {}),
    });
  }
}

function routeName(method: string | undefined, path: string): string {
  const shape = path.replace(/\/sandboxes\/[^/]+/, '/sandboxes/{id}');
  return `${method ?? 'GET'} ${shape}`;
}

function sandboxOfPath(path: string): string | undefined {
  return /\/sandboxes\/([a-z0-9-]{1,64})/.exec(path)?.[1];
}

/** The gRPC-style status name the request metrics and the audit log use for an HTTP status. */
function statusName(status: number): string {
  const names: Record<number, string> = {
    400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 405: 'UNIMPLEMENTED', 409: 'FAILED_PRECONDITION',
    413: 'RESOURCE_EXHAUSTED', 429: 'RESOURCE_EXHAUSTED', 501: 'UNIMPLEMENTED', 502: 'UNAVAILABLE', 503: 'UNAVAILABLE', 507: 'RESOURCE_EXHAUSTED',
  };
  return names[status] ?? 'INTERNAL';
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    // The rest of a body that is too large is read and dropped, so that the client can read the 413; one
    // that goes on far beyond the limit has its connection cut.
    if (size > DRAIN_LIMIT_BYTES) {
      req.destroy();
      break;
    }
    if (size <= MAX_JSON_BYTES) chunks.push(c);
  }
  if (size > MAX_JSON_BYTES) throw new E2bHttpError(413, `request body is larger than ${MAX_JSON_BYTES} bytes`);
  if (size === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new E2bHttpError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new E2bHttpError(400, 'request body must be a JSON object');
  return v as Record<string, unknown>;
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.body === undefined) {
    res.writeHead(reply.status, reply.headers).end();
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body));
}

/** E2B's error body: {code, message}; the SDK reads the code from it. */
function sendError(res: ServerResponse, err: unknown): void {
  const { status, message } = httpErrorOf(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', connection: status === 413 ? 'close' : 'keep-alive' }).end(JSON.stringify({ code: status, message }));
}
