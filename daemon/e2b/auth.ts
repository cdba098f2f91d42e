// Who may use the E2B endpoint: API keys on the control plane (X-API-KEY), and a per-sandbox access token
// on envd (X-Access-Token, or a signed /files URL). Keys are compared by their SHA-256, so a config may
// hold only hashes; a key is known to the rest of the daemon only by a short fingerprint (audit records,
// the owner label). Access tokens are an HMAC of the sandbox id under a secret kept in the state dir: they
// survive restarts without being stored anywhere a sandbox or `godelctl ls` could read them.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface Caller {
  /** First 16 hex digits of SHA-256(SHA-256(key)): stable, and no use to anyone who sees it. */
  fingerprint: string;
}

/** The label that names the key (by its fingerprint) an E2B sandbox or snapshot belongs to. */
export const OWNER_LABEL = 'e2b.dev/owner';

const SECRET_FILE = 'e2b-token-secret';

export class E2bAuth {
  private readonly keys = new Map<string, Buffer>();

  constructor(apiKeys: readonly string[], private readonly secret: Buffer) {
    for (const k of apiKeys) {
      const digest = k.startsWith('sha256:') ? Buffer.from(k.slice(7), 'hex') : sha256(Buffer.from(k, 'utf8'));
      this.keys.set(digest.toString('hex'), digest);
    }
  }

  /** Loads the token secret from the state dir, making it (mode 0600) the first time. */
  static open(apiKeys: readonly string[], stateDir: string): E2bAuth {
    const path = join(stateDir, SECRET_FILE);
    let secret: Buffer;
    try {
      secret = readFileSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      secret = randomBytes(32);
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, secret);
      } finally {
        closeSync(fd);
      }
    }
    if (secret.length < 32) throw new Error(`${path} holds fewer than 32 bytes; remove it to have a new one made (access tokens change)`);
    return new E2bAuth(apiKeys, secret);
  }

  /** The caller an API key belongs to, or undefined for a missing or unknown key. */
  caller(apiKey: string | undefined): Caller | undefined {
    if (!apiKey) return undefined;
    const digest = sha256(Buffer.from(apiKey, 'utf8'));
    const known = this.keys.get(digest.toString('hex'));
    if (!known || !timingSafeEqual(known, digest)) return undefined;
    return { fingerprint: sha256(digest).toString('hex').slice(0, 16) };
  }

  accessToken(sandboxId: string): string {
    return createHmac('sha256', this.secret).update(`envd-access:${sandboxId}`).digest('base64url');
  }

  tokenMatches(sandboxId: string, token: string | undefined): boolean {
    if (!token) return false;
    const want = Buffer.from(this.accessToken(sandboxId));
    const got = Buffer.from(token);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  /**
   * Checks a signed /files URL as the SDK makes one: "v1_" + base64(SHA-256("path:operation:user:token"
   * [":expiration"])) without padding; an expiration (unix seconds) in the past fails.
   */
  signatureMatches(sandboxId: string, q: { path: string; operation: 'read' | 'write'; user: string; signature: string; expiration?: string }, nowMs = Date.now()): boolean {
    if (q.expiration !== undefined) {
      if (!/^\d{1,12}$/.test(q.expiration) || Number(q.expiration) * 1000 < nowMs) return false;
    }
    const raw = `${q.path}:${q.operation}:${q.user}:${this.accessToken(sandboxId)}${q.expiration !== undefined ? `:${q.expiration}` : ''}`;
    const want = Buffer.from(`v1_${sha256(Buffer.from(raw, 'utf8')).toString('base64').replace(/=+$/, '')}`);
    const got = Buffer.from(q.signature);
    return want.length === got.length && timingSafeEqual(want, got);
  }
}

function sha256(b: Buffer): Buffer {
  return createHash('sha256').update(b).digest();
}
