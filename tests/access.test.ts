// Access control: the daemon reads each client's uid and groups from the kernel (SO_PEERCRED) and
// refuses anyone who is neither root nor in the socket's group, even when the socket's mode is loosened.
import { execFile } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { status } from '@grpc/grpc-js';
import { startDaemon } from './helpers/daemon.js';

const FOREIGN_CLIENT = join(dirname(fileURLToPath(import.meta.url)), 'helpers', 'foreign-client.js');
const NOBODY = 65534;
const USERS_GID = 100; // Debian's "users" group, used as the socket group here.

async function callAs(socket: string, uid: number, gid: number, groups: number[] = []): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, [FOREIGN_CLIENT, socket, String(uid), String(gid), groups.join(',')]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

t.test('SO_PEERCRED access control', async (t) => {
  const d = await startDaemon(t, { config: { socket_group: 'users', templates: { default: { provider: 'process', pool: { min_idle: 0 } } } } });
  // Loosen everything a file mode can: the daemon must still tell who is calling.
  chmodSync(d.socket, 0o666);
  chmodSync(dirname(d.socket), 0o755);

  t.test('a client of a foreign uid is refused with PEER_NOT_ALLOWED', async (t) => {
    const r = await callAs(d.socket, NOBODY, NOBODY);
    t.equal(r.ok, false);
    t.equal(r.grpcCode, status.PERMISSION_DENIED);
    t.equal(r.code, 'PEER_NOT_ALLOWED');
    t.match(String(r.message), /uid 65534 may not use godeld/);
  });

  t.test('a member of the socket group is served, by primary or supplementary group', async (t) => {
    t.same(await callAs(d.socket, NOBODY, USERS_GID), { ok: true, sandboxes: 0 });
    t.same(await callAs(d.socket, NOBODY, NOBODY, [USERS_GID]), { ok: true, sandboxes: 0 });
  });

  t.test('root is served, the refusal is logged and counted, and the daemon carries on', async (t) => {
    t.equal(await d.client.healthCheck(), 'SERVING');
    const refusal = d.logs().find((l) => l.msg?.toString().startsWith('refusing a client'));
    t.match(refusal, { peer: { uid: NOBODY, gid: NOBODY, allowed: false } });
    const res = await fetch(`http://${d.metricsAddress()}/metrics`);
    t.match(await res.text(), /^godel_connections_refused_total 1$/m);
  });
});
