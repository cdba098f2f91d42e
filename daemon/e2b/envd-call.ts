// What every envd call carries, checked by the server before a handler runs: the sandbox (E2b-Sandbox-Id)
// and the user (Authorization: Basic base64("user:")). E2B's two users, `user` and `root`, are both the
// sandbox's one unprivileged user (uid 1000 inside, no capabilities: a godel sandbox has no root), and
// E2B's home directory is godel's /workspace: relative paths and a missing cwd resolve there.
import { Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import { WORKSPACE } from '../providers/process/process-provider.js';
import { GodelError } from '../errors.js';
import { validateFilePath } from '../validation.js';
import { connectErrorOf } from './errors.js';

/** Reports each envd call (log line, metrics, audit); `err` is set for a failure. */
export type OnCall = (method: string, sandboxId: string, err?: unknown) => void;

export const E2B_USERS = ['user', 'root'] as const;

/** The sandbox (which the server checked before routing the call here) and the user of an envd call. */
export function envdCall(ctx: HandlerContext): { sandboxId: string; user: string } {
  try {
    return { sandboxId: ctx.requestHeader.get('e2b-sandbox-id') ?? '', user: userOf(ctx.requestHeader.get('authorization')) };
  } catch (err) {
    throw new ConnectError((err as Error).message, Code.InvalidArgument);
  }
}

/** The user named by a Basic authorization header ('' when none), or an error for one the sandbox does not have. */
export function userOf(authorization: string | null): string {
  if (!authorization) return '';
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization);
  const user = m ? Buffer.from(m[1]!, 'base64').toString('utf8').replace(/:.*$/s, '') : undefined;
  if (user === undefined || (user && !(E2B_USERS as readonly string[]).includes(user))) {
    throw new GodelError('INVALID_ARGUMENT', `unknown user: a godel sandbox has the users ${E2B_USERS.join(' and ')} (both run as its one unprivileged user)`);
  }
  return user;
}

/** A path as envd takes it: absolute, or relative to the home directory (/workspace). */
export function resolvePath(path: string): string {
  if (!path) throw new ConnectError('a path is required', Code.InvalidArgument);
  return validateFilePath(path.startsWith('/') ? path : `${WORKSPACE}/${path}`);
}

/** Runs a unary method's body, reporting it and turning a failure into the Connect error the SDK expects. */
export async function unaryCall<T>(method: string, ctx: HandlerContext, onCall: OnCall, fn: (sandboxId: string) => T | Promise<T>): Promise<T> {
  const { sandboxId } = envdCall(ctx);
  try {
    const res = await fn(sandboxId);
    onCall(method, sandboxId);
    return res;
  } catch (err) {
    onCall(method, sandboxId, err);
    throw connectErrorOf(err);
  }
}
