// Benchmark: a sandbox's HTTPS through the egress proxy (forwarder inside, proxy on the host) against the
// same client connecting directly from the host, in one run: time to first byte of a small request on a
// new connection (TCP, CONNECT, TLS, GET), and throughput of a 200 MiB download with curl. Servers and
// names on this machine only (127.0.30.20, a DNS server on 127.0.30.1).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withDaemon, runBenchmark } from './harness.js';
import { machine, summarize, type Summary } from './stats.js';
import { makeCertificates, startDns, startWeb } from '../tests/helpers/egress.js';

const REQUESTS = Number(process.env.BENCH_EGRESS_REQUESTS ?? 200);
const DOWNLOAD_MIB = Number(process.env.BENCH_EGRESS_MIB ?? 200);
const HOST = '127.0.30.20';
/** Asynchronous: the servers measured against run in this process's event loop. */
const exec = promisify(execFile);

/**
 * The client, the same on both sides: N requests, each on a new connection, timed from the first connect
 * to the first byte of the response. Through HTTPS_PROXY when it is set (inside the sandbox).
 */
const CLIENT = `
const http = require('http'), tls = require('tls'), fs = require('fs');
const [n, host, ip] = process.argv.slice(2);
const ca = fs.readFileSync(process.env.CA_FILE);
const proxy = process.env.HTTPS_PROXY ? new URL(process.env.HTTPS_PROXY) : undefined;
function socketTo(cb) {
  if (!proxy) return cb(require('net').connect(8443, ip));
  if (process.env.CONNECT_BY_HAND) {
    // The CONNECT written and its answer read on a plain socket, as small clients do, without Node's HTTP client.
    const s = require('net').connect(Number(proxy.port), proxy.hostname, () => s.write('CONNECT ' + host + ':8443 HTTP/1.1\\r\\nHost: ' + host + ':8443\\r\\n\\r\\n'));
    let got = Buffer.alloc(0);
    const onData = (d) => {
      got = Buffer.concat([got, d]);
      const end = got.indexOf('\\r\\n\\r\\n');
      if (end < 0) return;
      s.off('data', onData);
      if (!got.subarray(0, 12).toString().startsWith('HTTP/1.1 200')) { process.stderr.write('CONNECT: ' + got); process.exit(1); }
      cb(s);
    };
    return s.on('data', onData);
  }
  http.request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: host + ':8443' })
    .on('connect', (res, s, head) => { if (res.statusCode !== 200) { process.stderr.write('CONNECT ' + res.statusCode + ': ' + head); process.exit(1); } cb(s); }).end();
}
function once() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    socketTo((raw) => {
      const s = tls.connect({ socket: raw, servername: host, ca }, () => s.write('GET /hello HTTP/1.1\\r\\nHost: ' + host + '\\r\\nConnection: close\\r\\n\\r\\n'));
      s.once('data', () => { resolve(Number(process.hrtime.bigint() - t0) / 1e6); s.destroy(); });
      s.on('error', reject);
    });
  });
}
(async () => { const out = []; for (let i = 0; i < 20; i++) await once(); for (let i = 0; i < Number(n); i++) out.push(await once()); console.log(JSON.stringify(out)); })();
`;

function report(name: string, s: Summary | Record<string, number>, unit = 'ms'): void {
  process.stdout.write(`${JSON.stringify({ bench: name, unit, ...s })}\n`);
}

async function main(): Promise<void> {
  await withDaemon({}, async (d, dir) => {
    const tls = makeCertificates(dir, ['bench.test']);
    writeFileSync(join(dir, 'ca.pem'), tls.ca);
    const dns = await startDns('127.0.30.1', 5354, { 'bench.test': HOST });
    const web = await startWeb(HOST, 'bench', tls, dir);
    try {
      writeFileSync(d.configPath!, JSON.stringify({
        egress: { dns_servers: [dns.address] },
        templates: { default: { pool: { min_idle: 0 } }, web: { network: { allow: ['bench.test', HOST] }, pool: { min_idle: 1 } },
          // The control: a sandbox on the host's network, so that what being in a sandbox costs the client
          // (its namespaces, seccomp filter, cgroup) is told apart from what the proxy costs.
          hostnet: { network: 'host', pool: { min_idle: 1 } } },
      }));
      await d.start();
      const c = d.client;
      const { id } = await c.createSandbox({ template: 'web' });
      const { id: hostnetId } = await c.createSandbox({ template: 'hostnet' });
      const inSandbox = async (script: string, env: Record<string, string> = {}, sandboxId = id): Promise<string> => {
        const r = await c.runCollect({ sandboxId, argv: ['/bin/sh', '-c', script], env });
        if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr.toString()}`);
        return r.stdout.toString();
      };
      for (const sandboxId of [id, hostnetId]) {
        await inSandbox('printf %s "$CA" > /workspace/ca.pem && printf %s "$JS" > /workspace/client.js', { CA: tls.ca, JS: CLIENT }, sandboxId);
      }
      writeFileSync(join(dir, 'client.js'), CLIENT);
      const check = await inSandbox('curl -sS http://bench.test:8080/hello');
      if (!check.startsWith('hello from bench')) throw new Error(`the proxy does not let the sandbox through: ${check}`);

      // Interleaved, in rounds, so that the two sides see the same machine.
      const proxied: number[] = [];
      const direct: number[] = [];
      const sandboxDirect: number[] = [];
      const proxiedByHand: number[] = [];
      const env: NodeJS.ProcessEnv = { ...process.env, CA_FILE: join(dir, 'ca.pem'), NODE_OPTIONS: '' };
      delete env.HTTPS_PROXY;
      for (let round = 0; round < 4; round++) {
        const n = String(Math.ceil(REQUESTS / 4));
        proxied.push(...JSON.parse(await inSandbox(`CA_FILE=/workspace/ca.pem node /workspace/client.js ${n} bench.test ${HOST}`)) as number[]);
        proxiedByHand.push(...JSON.parse(await inSandbox(`CONNECT_BY_HAND=1 CA_FILE=/workspace/ca.pem node /workspace/client.js ${n} bench.test ${HOST}`)) as number[]);
        direct.push(...JSON.parse((await exec(process.execPath, [join(dir, 'client.js'), n, 'bench.test', HOST], { env })).stdout) as number[]);
        sandboxDirect.push(...JSON.parse(await inSandbox(`unset HTTPS_PROXY; CA_FILE=/workspace/ca.pem node /workspace/client.js ${n} bench.test ${HOST}`, {}, hostnetId)) as number[]);
      }
      const p = summarize(proxied);
      const q = summarize(direct);
      report('egress_ttfb_https_proxied', p);
      report('egress_ttfb_https_direct', q);
      const ph = summarize(proxiedByHand);
      report('egress_ttfb_https_proxied_connect_by_hand', ph);
      const sq = summarize(sandboxDirect);
      report('egress_ttfb_https_direct_from_host_network_sandbox', sq);

      // The same first byte as curl sees it (what curl, git and pip do: CONNECT in C, not in Node's HTTP
      // client), from curl's own clock: its start to the response's first byte, process start-up excluded.
      const curlLoop = (n: number, extra: string): string =>
        `i=0; while [ $i -lt ${n} ]; do curl -sS --fail -o /dev/null -w '%{time_starttransfer}\\n' ${extra} https://bench.test:8443/hello || exit 1; i=$((i+1)); done`;
      const msFromSeconds = (out: string): number[] => out.trim().split('\n').map((l) => Number(l) * 1000);
      const curlProxied: number[] = [];
      const curlDirect: number[] = [];
      for (let round = 0; round < 4; round++) {
        const n = Math.ceil(REQUESTS / 4);
        curlProxied.push(...msFromSeconds(await inSandbox(curlLoop(n, '--cacert /workspace/ca.pem'))));
        curlDirect.push(...msFromSeconds((await exec('/bin/sh', ['-c', curlLoop(n, `--cacert ${join(dir, 'ca.pem')} --resolve bench.test:8443:${HOST}`)], { env })).stdout));
      }
      const cp = summarize(curlProxied);
      const cq = summarize(curlDirect);
      report('egress_ttfb_curl_proxied', cp);
      report('egress_ttfb_curl_direct', cq);

      // Throughput: curl in both places, the same server, the download discarded.
      const url = `https://bench.test:8443/bytes/${DOWNLOAD_MIB * 1024 * 1024}`;
      const curlArgs = ['-sS', '--fail', '-o', '/dev/null', '-w', '%{speed_download}', '--cacert'];
      const speeds = { proxied: [] as number[], direct: [] as number[] };
      for (let round = 0; round < 3; round++) {
        speeds.proxied.push(Number(await inSandbox(`curl ${curlArgs.join(' ')} /workspace/ca.pem ${url}`)));
        speeds.direct.push(Number((await exec('curl', [...curlArgs, join(dir, 'ca.pem'), '--resolve', `bench.test:8443:${HOST}`, url])).stdout));
      }
      const mibs = (xs: number[]): number => Math.round((xs.sort((a, b) => a - b)[1]! / 2 ** 20) * 10) / 10;
      const viaProxy = mibs(speeds.proxied);
      const viaDirect = mibs(speeds.direct);
      report('egress_download_proxied', { mib_per_s: viaProxy, mib: DOWNLOAD_MIB, runs: 3 }, 'MiB/s');
      report('egress_download_direct', { mib_per_s: viaDirect, mib: DOWNLOAD_MIB, runs: 3 }, 'MiB/s');
      await c.deleteSandbox(id);
      await c.deleteSandbox(hostnetId);
      process.stdout.write(`${JSON.stringify({ summary: {
        machine: machine(),
        ratios: {
          ttfb_p50_proxied_minus_direct_ms: Math.round((p.p50 - q.p50) * 1000) / 1000,
          ttfb_p99_proxied_over_direct: Math.round((p.p99 / q.p99) * 100) / 100,
          ttfb_connect_by_hand_p50_proxied_minus_direct_ms: Math.round((ph.p50 - q.p50) * 1000) / 1000,
          ttfb_p50_host_network_sandbox_minus_direct_ms: Math.round((sq.p50 - q.p50) * 1000) / 1000,
          ttfb_curl_p50_proxied_minus_direct_ms: Math.round((cp.p50 - cq.p50) * 1000) / 1000,
          ttfb_curl_p99_proxied_over_direct: Math.round((cp.p99 / cq.p99) * 100) / 100,
          download_proxied_over_direct: Math.round((viaProxy / viaDirect) * 100) / 100,
        },
        bars: {
          ttfb_p50_within_2ms_of_direct: p.p50 - q.p50 <= 2,
          ttfb_curl_p50_within_2ms_of_direct: cp.p50 - cq.p50 <= 2,
          download_at_least_half_of_direct: viaProxy >= viaDirect / 2,
        },
      } })}\n`);
    } finally {
      dns.close();
      await web.close();
    }
  });
}

runBenchmark(main);
