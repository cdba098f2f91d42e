// Validation of client input shared by the handlers. Each failure is a GodelError with its own code.
import { GodelError } from './errors.js';

export const LIMITS = {
  labels: 64,
  labelKeyLength: 253,
  labelValueLength: 256,
  envEntries: 256,
  envBytes: 128 * 1024,
  argvEntries: 4096,
  argvBytes: 256 * 1024,
  pathLength: 4096,
  ttlSeconds: 365 * 24 * 3600,
  timeoutSeconds: 7 * 24 * 3600,
} as const;

const ID_RE = /^[a-z0-9][a-z0-9-]{0,63}$/; // Sandbox (sb-), session (ss-) and snapshot (snap-) ids.
const NAME_RE = /^[a-z0-9]([a-z0-9._-]{0,62})$/;
const LABEL_KEY_RE = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function validateId(id: string | undefined): string {
  if (!id) throw new GodelError('INVALID_ID', 'a sandbox id is required');
  if (!ID_RE.test(id)) throw new GodelError('INVALID_ID', `"${truncate(id)}" is not a sandbox id (ids look like sb-0123456789abcdef)`);
  return id;
}

export function validateTemplateName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new GodelError('TEMPLATE_NOT_FOUND', `"${truncate(name)}" is not a valid template name (lowercase letters, digits, . _ -)`);
  }
  return name;
}

export function validateLabels(labels: Record<string, string> | undefined, what = 'label'): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Object.entries(labels ?? {});
  if (entries.length > LIMITS.labels) {
    throw new GodelError('REQUEST_TOO_LARGE', `too many ${what}s: ${entries.length} (at most ${LIMITS.labels})`);
  }
  for (const [k, v] of entries) {
    if (k.length > LIMITS.labelKeyLength || !LABEL_KEY_RE.test(k)) {
      throw new GodelError('INVALID_LABEL', `${what} key "${truncate(k)}" is invalid: use letters, digits and . _ / -, starting and ending with a letter or digit, at most ${LIMITS.labelKeyLength} characters`);
    }
    if (v.length > LIMITS.labelValueLength || /[\u0000-\u001f]/.test(v)) {
      throw new GodelError('INVALID_LABEL', `${what} "${k}" has an invalid value: at most ${LIMITS.labelValueLength} characters, no control characters`);
    }
    out[k] = v;
  }
  return out;
}

export function validateEnv(env: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Object.entries(env ?? {});
  if (entries.length > LIMITS.envEntries) {
    throw new GodelError('REQUEST_TOO_LARGE', `too many environment variables: ${entries.length} (at most ${LIMITS.envEntries})`);
  }
  let bytes = 0;
  for (const [k, v] of entries) {
    if (!ENV_NAME_RE.test(k)) {
      throw new GodelError('INVALID_ENV', `environment variable name "${truncate(k)}" is invalid: use letters, digits and _, not starting with a digit`);
    }
    if (v.includes('\0')) throw new GodelError('INVALID_ENV', `environment variable ${k} contains a NUL byte`);
    bytes += k.length + v.length + 2;
    out[k] = v;
  }
  if (bytes > LIMITS.envBytes) {
    throw new GodelError('REQUEST_TOO_LARGE', `environment is ${bytes} bytes (at most ${LIMITS.envBytes})`);
  }
  return out;
}

export function validateArgv(argv: string[] | undefined): string[] {
  if (!argv || argv.length === 0 || argv[0] === '') {
    throw new GodelError('INVALID_ARGV', 'argv is empty: give the program to run and its arguments');
  }
  if (argv.length > LIMITS.argvEntries) {
    throw new GodelError('REQUEST_TOO_LARGE', `argv has ${argv.length} entries (at most ${LIMITS.argvEntries})`);
  }
  let bytes = 0;
  for (const a of argv) {
    if (a.includes('\0')) throw new GodelError('INVALID_ARGV', 'an argument contains a NUL byte');
    bytes += Buffer.byteLength(a) + 1;
  }
  if (bytes > LIMITS.argvBytes) throw new GodelError('REQUEST_TOO_LARGE', `argv is ${bytes} bytes (at most ${LIMITS.argvBytes})`);
  return argv;
}

/** A working directory inside the sandbox: absolute, no NUL, no `..` component. */
export function validateSandboxPath(path: string, code: 'INVALID_CWD'): string {
  if (!path.startsWith('/') || path.includes('\0') || path.length > LIMITS.pathLength || path.split('/').includes('..')) {
    throw new GodelError(code, `"${truncate(path)}" is not an absolute path inside the sandbox`);
  }
  return path;
}

/**
 * A path inside the sandbox for the Files API: absolute, normalized, and without `..` components (which
 * could only be an attempt to leave a directory). Symlinks are resolved later, inside the sandbox.
 */
export function validateFilePath(path: string | undefined): string {
  if (!path) throw new GodelError('INVALID_PATH', 'a path is required');
  if (path.includes('\0') || path.length > LIMITS.pathLength) throw new GodelError('INVALID_PATH', 'the path contains a NUL byte or is too long');
  if (!path.startsWith('/')) throw new GodelError('INVALID_PATH', `"${truncate(path)}" is not absolute: paths start at the sandbox's root, e.g. /workspace/file`);
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) {
    throw new GodelError('PATH_OUTSIDE_SANDBOX', `"${truncate(path)}" has a ".." component; give the path without it`);
  }
  return `/${parts.join('/')}`;
}

export function validateTtl(seconds: number | undefined, field = 'ttl_seconds'): number {
  const s = seconds ?? 0;
  if (!Number.isInteger(s) || s < 0 || s > LIMITS.ttlSeconds) {
    throw new GodelError('INVALID_ARGUMENT', `${field} must be between 0 and ${LIMITS.ttlSeconds}`);
  }
  return s;
}

export function validateTimeout(timeout: { seconds?: number | string; nanos?: number } | null | undefined): number {
  if (!timeout) return 0;
  const ms = Number(timeout.seconds ?? 0) * 1000 + Math.floor((timeout.nanos ?? 0) / 1e6);
  if (!Number.isFinite(ms) || ms < 0 || ms > LIMITS.timeoutSeconds * 1000) {
    throw new GodelError('INVALID_TIMEOUT', `timeout must be between 0 and ${LIMITS.timeoutSeconds} seconds`);
  }
  return ms;
}

function truncate(s: string, n = 80): string {
  return s.length > n ? `${s.slice(0, n)}...` : s;
}
