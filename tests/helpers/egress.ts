// What egress tests reach, all on this machine: a DNS server (a small one speaking the real wire format,
// A records only) that the daemon's egress proxy is pointed at, and HTTP and HTTPS servers on loopback
// addresses with a certificate from a test CA made with the openssl CLI.
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';

export interface DnsServer {
  address: string;
  close(): void;
}

/** Answers A queries from `names`; other types get an empty answer, unknown names NXDOMAIN. */
export async function startDns(host: string, port: number, names: Record<string, string>): Promise<DnsServer> {
  const sock: UdpSocket = createSocket('udp4');
  sock.on('message', (msg, from) => {
    if (msg.length < 12) return;
    let off = 12;
    const labels: string[] = [];
    while (off < msg.length && msg[off] !== 0) {
      const len = msg[off]!;
      labels.push(msg.subarray(off + 1, off + 1 + len).toString('latin1'));
      off += len + 1;
    }
    const qEnd = off + 5;
    if (qEnd > msg.length) return;
    const qtype = msg.readUInt16BE(off + 1);
    const name = labels.join('.').toLowerCase();
    const ip = names[name];
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    const answer = ip && qtype === 1;
    header.writeUInt16BE(0x8180 | (ip ? 0 : 3), 2); // Response, recursion available; rcode 3 = NXDOMAIN.
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answer ? 1 : 0, 6);
    const question = msg.subarray(12, qEnd);
    const parts = [header, question];
    if (answer) {
      const rr = Buffer.alloc(16);
      rr.writeUInt16BE(0xc00c, 0); // The name: a pointer to the question's.
      rr.writeUInt16BE(1, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(5, 6);
      rr.writeUInt16BE(4, 10);
      ip.split('.').forEach((b, i) => rr.writeUInt8(Number(b), 12 + i));
      parts.push(rr);
    }
    sock.send(Buffer.concat(parts), from.port, from.address);
  });
  await new Promise<void>((resolve) => sock.bind(port, host, resolve));
  return { address: `${host}:${port}`, close: () => sock.close() };
}

/** A CA and a certificate for `names` signed by it, made in `dir`. */
export function makeCertificates(dir: string, names: string[]): { ca: string; cert: string; key: string } {
  const run = (args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' }); };
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=godel egress test CA']);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${names[0]}`]);
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\n`);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf']);
  return { ca: readFileSync(join(dir, 'ca.pem'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8'), key: readFileSync(join(dir, 'server.key'), 'utf8') };
}

/**
 * What the test web servers answer: /hello names the server, /bytes/N sends N zero bytes, /slow sends a
 * line every 300 ms for 3 s, /held sends one line and the rest only once the test releases it (`held`), and anything under /git/ is a file of `gitRoot` (git's "dumb" HTTP protocol).
 */
export function webHandler(label: string, gitRoot: string, held?: Set<ServerResponse>) {
  const zeros = Buffer.alloc(1024 * 1024);
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/hello') {
      res.end(`hello from ${label} (host header ${req.headers.host})\n`);
    } else if (url.pathname.startsWith('/bytes/')) {
      let left = Number(url.pathname.slice(7));
      res.writeHead(200, { 'content-length': left, 'content-type': 'application/octet-stream' });
      const more = (): void => {
        while (left > 0) {
          const n = Math.min(left, zeros.length);
          left -= n;
          if (!res.write(zeros.subarray(0, n))) { res.once('drain', more); return; }
        }
        res.end();
      };
      more();
    } else if (url.pathname === '/held' && held) {
      res.write('line 1\n');
      held.add(res);
      res.on('close', () => held.delete(res));
    } else if (url.pathname === '/slow') {
      let i = 0;
      const timer = setInterval(() => {
        res.write(`line ${++i}\n`);
        if (i === 10) { clearInterval(timer); res.end('done\n'); }
      }, 300);
      res.on('close', () => clearInterval(timer));
    } else if (url.pathname.startsWith('/git/')) {
      const file = normalize(join(gitRoot, url.pathname.slice(5)));
      if (!file.startsWith(gitRoot) || !existsSync(file) || !statSync(file).isFile()) { res.writeHead(404).end(); return; }
      res.end(readFileSync(file));
    } else {
      res.writeHead(404).end('not found\n');
    }
  };
}

export async function listen(server: Server, host: string, port: number): Promise<Server> {
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, host, resolve); });
  return server;
}

export async function startWeb(host: string, label: string, tls: { cert: string; key: string }, gitRoot: string): Promise<{ http: Server; https: Server; release(): void; close(): Promise<void> }> {
  const held = new Set<ServerResponse>();
  const handler = webHandler(label, gitRoot, held);
  const http = await listen(createHttpServer(handler), host, 8080);
  const https = await listen(createHttpsServer({ cert: tls.cert, key: tls.key }, handler), host, 8443);
  return {
    http, https,
    /** Ends every /held response: "done". */
    release: () => {
      for (const res of held) res.end('done\n');
    },
    close: async () => {
      for (const s of [http, https]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}
