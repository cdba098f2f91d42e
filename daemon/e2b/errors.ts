// How godel's errors look to the e2b SDK: the control plane and envd's HTTP routes answer E2B's JSON body
// {code, message} with the HTTP status E2B uses (the SDK picks its error class from the status), and envd's
// Connect services a Connect code (the SDK maps NotFound to NotFoundError, Unavailable to TimeoutError...).
import { Code, ConnectError } from '@connectrpc/connect';
import type { ErrorCode } from '../../ipc/errors.js';
import { GodelError } from '../errors.js';

/** A failure the endpoint answers itself (bad JSON, a wrong key), with E2B's status and a message. */
export class E2bHttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'E2bHttpError';
  }
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  SANDBOX_NOT_FOUND: 404, TEMPLATE_NOT_FOUND: 404, SESSION_NOT_FOUND: 404, FILE_NOT_FOUND: 404, SNAPSHOT_NOT_FOUND: 404,
  FILE_EXISTS: 409, SESSION_TAG_IN_USE: 409,
  PATH_OUTSIDE_SANDBOX: 403, FILE_PERMISSION_DENIED: 403, READ_ONLY_PATH: 403,
  POOL_EXHAUSTED: 429, TOO_MANY_SESSIONS: 429,
  // envd answers 507 Insufficient Storage when an upload fills the disk; the SDK raises NotEnoughSpaceError.
  DISK_FULL: 507,
  SANDBOX_NOT_READY: 409, SANDBOX_DEAD: 409, SESSION_EXITED: 409,
  // E2B answers 400 for a network option it cannot apply; one the template does not allow is that too.
  NETWORK_POLICY_WIDENED: 400,
  NOT_SUPPORTED: 400, IS_A_DIRECTORY: 400, NOT_A_DIRECTORY: 400, DIRECTORY_NOT_EMPTY: 400, FILE_OPERATION_FAILED: 400,
  PROVIDER_UNAVAILABLE: 503, PROVIDER_FAILED: 503, SHUTTING_DOWN: 503, LIMITS_UNAVAILABLE: 503, NODE_UNAVAILABLE: 503, EGRESS_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** HTTP status and message for any failure; unknown ones are 500 without details (they are logged). */
export function httpErrorOf(err: unknown): { status: number; message: string; code?: string } {
  if (err instanceof E2bHttpError) return { status: err.status, message: err.message };
  if (err instanceof GodelError) {
    // Every INVALID_* and REQUEST_TOO_LARGE code is a request the client got wrong.
    const status = HTTP_STATUS[err.code] ?? (err.grpcStatus === 3 ? 400 : 500);
    return { status, message: err.message, code: err.code };
  }
  const sys = (err as NodeJS.ErrnoException | undefined)?.code;
  if (sys === 'ENOSPC' || sys === 'EDQUOT') return { status: 507, message: 'no space left on the disk', code: 'DISK_FULL' };
  return { status: 500, message: 'internal error in godeld; see its log', code: 'INTERNAL' };
}

const CONNECT_CODE: Partial<Record<ErrorCode, Code>> = {
  SANDBOX_NOT_FOUND: Code.NotFound, SESSION_NOT_FOUND: Code.NotFound, FILE_NOT_FOUND: Code.NotFound,
  // A process that has ended is, to envd, a process that is not there.
  SESSION_EXITED: Code.NotFound,
  FILE_EXISTS: Code.AlreadyExists, SESSION_TAG_IN_USE: Code.AlreadyExists,
  PATH_OUTSIDE_SANDBOX: Code.PermissionDenied, FILE_PERMISSION_DENIED: Code.PermissionDenied, READ_ONLY_PATH: Code.PermissionDenied,
  TOO_MANY_SESSIONS: Code.ResourceExhausted, DISK_FULL: Code.ResourceExhausted,
  IS_A_DIRECTORY: Code.InvalidArgument, NOT_A_DIRECTORY: Code.InvalidArgument, DIRECTORY_NOT_EMPTY: Code.FailedPrecondition,
  NOT_SUPPORTED: Code.Unimplemented,
  SANDBOX_NOT_READY: Code.Unavailable, SANDBOX_DEAD: Code.Unavailable, SHUTTING_DOWN: Code.Unavailable,
};

/** The ConnectError a Connect handler throws for a failure; unknown ones are Internal without details. */
export function connectErrorOf(err: unknown): ConnectError {
  if (err instanceof ConnectError) return err;
  if (err instanceof GodelError) {
    const code = CONNECT_CODE[err.code] ?? (err.grpcStatus === 3 ? Code.InvalidArgument : Code.FailedPrecondition);
    return new ConnectError(err.message, code);
  }
  return new ConnectError('internal error in godeld; see its log', Code.Internal);
}
