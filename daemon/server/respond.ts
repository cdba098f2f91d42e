// Turns handler outcomes into gRPC responses: a GodelError becomes its status plus the `godel-error-code`
// trailer; anything else is logged in full and answered INTERNAL without details. One log line per request.
import * as grpc from '@grpc/grpc-js';
import { ERROR_CODE_METADATA_KEY } from '../../ipc/errors.js';
import { GodelError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Observer } from './observer.js';
import type { Peer } from './peers.js';

export function toServiceError(err: unknown, log: Logger, method: string): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (err instanceof GodelError) {
    metadata.set(ERROR_CODE_METADATA_KEY, err.code);
    return { code: err.grpcStatus, details: err.message, metadata };
  }
  // A disk that fills up under the state dir can hit any write the daemon makes (a pid file, a
  // workspace directory): that is the operator's to fix, not a bug, and the answer says so.
  const sys = (err as NodeJS.ErrnoException | undefined)?.code;
  if (sys === 'ENOSPC' || sys === 'EDQUOT') {
    log.warn({ method, err: (err as Error).message }, 'the disk under the state dir is full');
    return toServiceError(new GodelError('DISK_FULL', `the disk under godeld's state dir is full (${(err as Error).message}); free space there and retry`), log, method);
  }
  log.error({ method, err }, 'unexpected failure');
  metadata.set(ERROR_CODE_METADATA_KEY, 'INTERNAL');
  return { code: grpc.status.INTERNAL, details: 'internal error in godeld; see its log', metadata };
}

interface RequestLog {
  method: string;
  started: number;
  sandbox?: string;
  peer?: Peer;
}

function logRequest(obs: Observer, r: RequestLog, code: grpc.status, godelCode?: string): void {
  obs.request({ method: r.method, sandbox: r.sandbox, peer: r.peer, ms: Date.now() - r.started, status: grpc.status[code] ?? String(code), code: godelCode });
}

function godelCodeOf(err: Partial<grpc.StatusObject>): string | undefined {
  return err.metadata?.get(ERROR_CODE_METADATA_KEY)[0] as string | undefined;
}

/** A unary handler: validate, call a manager, map errors. `sandboxOf` names the sandbox in the log line. */
export function unary<Req, Res>(
  obs: Observer,
  method: string,
  fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
  sandboxOf?: (req: Req, res?: Res) => string | undefined,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const r: RequestLog = { method, started: Date.now(), peer: obs.peerOf(call) };
    obs.inFlight.track(fn(call.request, call)).then(
      (res) => {
        r.sandbox = sandboxOf?.(call.request, res);
        logRequest(obs, r, grpc.status.OK);
        callback(null, res);
      },
      (err: unknown) => {
        r.sandbox = sandboxOf?.(call.request);
        const e = toServiceError(err, obs.log, method);
        logRequest(obs, r, e.code!, godelCodeOf(e));
        callback(e, null);
      },
    );
  };
}

/** A server-streaming handler; `fn` writes events and resolves when the stream is complete. */
export function serverStream<Req, Res>(
  obs: Observer,
  method: string,
  fn: (call: grpc.ServerWritableStream<Req, Res>) => Promise<void>,
  sandboxOf?: (req: Req) => string | undefined,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    const r: RequestLog = { method, started: Date.now(), sandbox: sandboxOf?.(call.request), peer: obs.peerOf(call) };
    obs.inFlight.track(fn(call)).then(
      () => {
        logRequest(obs, r, call.cancelled ? grpc.status.CANCELLED : grpc.status.OK);
        if (!call.cancelled) call.end();
      },
      (err: unknown) => {
        const e = toServiceError(err, obs.log, method);
        logRequest(obs, r, e.code!, godelCodeOf(e));
        if (!call.cancelled) call.emit('error', e);
      },
    );
  };
}

/** Writes one message, waiting for the client to drain when its buffer is full. False if the call ended. */
export function writeWithBackpressure<Res>(call: grpc.ServerWritableStream<unknown, Res>, msg: Res): Promise<boolean> | boolean {
  if (call.cancelled) return false;
  if (call.write(msg)) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      call.off('drain', onDrain);
      call.off('cancelled', onCancel);
      resolve(ok);
    };
    const onDrain = (): void => done(true);
    const onCancel = (): void => done(false);
    call.on('drain', onDrain);
    call.on('cancelled', onCancel);
  });
}
