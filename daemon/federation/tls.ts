// Mutual TLS between peers. Every peer presents a certificate signed by the federation's CA, in both
// directions; a node's name is the one in its certificate (subject CN, else its first DNS name), never what
// it says of itself. Files are re-read when they change (grpc-js's file watcher), so certificates rotate
// without a restart.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { FederationTls } from '../config/config.js';
import { GodelError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';

/** How often the certificate files are checked for a change. */
const REFRESH_MS = 5_000;
/** How often this node's own certificate is checked for expiry (and a warning logged ahead of it). */
const EXPIRY_CHECK_MS = 60_000;
const EXPIRY_WARNING_MS = 7 * 24 * 3600 * 1000;

/** The node name a certificate carries. */
export function nameOfCertificate(cert: Pick<PeerCertificate, 'subject' | 'subjectaltname'> | undefined): string | undefined {
  const cn = cert?.subject?.CN;
  if (typeof cn === 'string' && cn) return cn;
  const dns = cert?.subjectaltname?.split(', ').find((s) => s.startsWith('DNS:'));
  return dns?.slice(4) || undefined;
}

function nameOfPem(pem: string): string | undefined {
  const x = new X509Certificate(pem);
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(x.subject)?.[1];
  return cn ?? x.subjectAltName?.split(', ').find((s) => s.startsWith('DNS:'))?.slice(4);
}

export class PeerTls {
  private readonly provider: grpc.experimental.FileWatcherCertificateProvider;
  private expiryTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly files: FederationTls, readonly node: string, private readonly log: Logger) {
    this.provider = new grpc.experimental.FileWatcherCertificateProvider({
      caCertificateFile: files.ca, certificateFile: files.cert, privateKeyFile: files.key, refreshIntervalMs: REFRESH_MS,
    });
  }

  /**
   * Reads the files once to learn this node's name and fail early on a missing or unreadable file, then
   * waits for the watcher's first read: until then grpc-js refuses every handshake.
   */
  static async load(files: FederationTls, log: Logger): Promise<PeerTls> {
    let node: string | undefined;
    for (const [what, path] of Object.entries(files)) {
      try {
        const text = readFileSync(path, 'utf8');
        if (what === 'cert') node = nameOfPem(text);
      } catch (err) {
        throw new GodelError('INVALID_ARGUMENT', `federation.tls.${what}: cannot read ${path}: ${errorMessage(err)}`);
      }
    }
    if (!node) throw new GodelError('INVALID_ARGUMENT', `federation.tls.cert ${files.cert} names no node (no subject CN and no DNS name)`);
    const tls = new PeerTls(files, node, log);
    await tls.firstRead();
    tls.checkExpiry();
    tls.expiryTimer = setInterval(() => tls.checkExpiry(), EXPIRY_CHECK_MS);
    tls.expiryTimer.unref();
    return tls;
  }

  /** Server side: a client without a certificate from the CA is refused in the handshake. */
  serverCredentials(): grpc.ServerCredentials {
    return grpc.experimental.createCertificateProviderServerCredentials(this.provider, this.provider, true);
  }

  /**
   * Client side, for one peer address. The chain is verified against the CA by TLS itself; the host name
   * is not, since a seed is an address and the name is learnt from the certificate, which `onCertificate`
   * hears with its expiry.
   */
  channelCredentials(onCertificate: (name: string | undefined, validTo: number | undefined) => void): grpc.ChannelCredentials {
    return grpc.experimental.createCertificateProviderChannelCredentials(this.provider, this.provider, {
      checkServerIdentity: (_host, cert) => {
        const validTo = Date.parse(cert.valid_to);
        onCertificate(nameOfCertificate(cert), Number.isFinite(validTo) ? validTo : undefined);
        return undefined;
      },
    });
  }

  close(): void {
    clearInterval(this.expiryTimer);
  }

  private firstRead(): Promise<void> {
    return new Promise((resolve) => {
      const listener = (update: unknown): void => {
        if (!update) return;
        this.provider.removeIdentityCertificateListener(listener);
        resolve();
      };
      this.provider.addIdentityCertificateListener(listener);
    });
  }

  private checkExpiry(): void {
    try {
      const x = new X509Certificate(readFileSync(this.files.cert));
      const left = Date.parse(x.validTo) - Date.now();
      if (left <= 0) this.log.error({ cert: this.files.cert, validTo: x.validTo }, 'this node\'s federation certificate has expired: peers refuse it until it is renewed');
      else if (left < EXPIRY_WARNING_MS) this.log.warn({ cert: this.files.cert, validTo: x.validTo }, 'this node\'s federation certificate expires soon');
    } catch (err) {
      this.log.error({ cert: this.files.cert, err: errorMessage(err) }, 'cannot read this node\'s federation certificate');
    }
  }
}
