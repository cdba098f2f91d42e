// The daemon's typed error: a stable code from the registry in ipc/errors.ts and a message a user can act on.
// Handlers map it to a gRPC status plus the `godel-error-code` trailer (daemon/server/respond.ts).
import { ErrorCodes, type ErrorCode } from '../ipc/errors.js';

export class GodelError extends Error {
  readonly grpcStatus: number;

  constructor(readonly code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GodelError';
    this.grpcStatus = ErrorCodes[code];
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
