// Access control: the daemon reads each client's uid and groups from the kernel (SO_PEERCRED) and
// refuses anyone who is neither root nor in the socket's group, even when the socket's mode is loosened.
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { status } from '@grpc/grpc-js';
import { GODELCTL, startDaemon, waitFor } from './helpers/daemon.js';
import type { SandboxEvent } from '../ipc/client.js';

const FOREIGN_CLIENT = join(dirname(fileURLToPath(import.meta.url)), 'helpers', 'foreign-client.js');
const NOBODY = 65534;
const USERS_GID = 100; // Debian's "users" group, used as the socket group here.

async function callAs(socket: string, uid: number, gid: number, groups: number[] = [], action = 'list'): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, [FOREIGN_CLIENT, socket, String(uid), String(gid), groups.join(','), action]);
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
    const [refusal] = await d.logged('it refused a client', (l) => !!l.msg?.toString().startsWith('refusing a client'));
    t.match(refusal, { peer: { uid: NOBODY, gid: NOBODY, allowed: false } });
    const res = await fetch(`http://${d.metricsAddress()}/metrics`);
    t.match(await res.text(), /^godel_connections_refused_total 1$/m);
  });

  t.test('the audit log records who did what to which sandbox, and events -f follows it', async (t) => {
    const c = d.client;
    const followed: SandboxEvent[] = [];
    const follow = c.events({ follow: true, limit: 1 });
    follow.on('data', (e: SandboxEvent) => followed.push(e));
    follow.on('error', () => undefined); // Cancelled below.
    const sb = await c.createSandbox({});
    await c.runCollect({ sandboxId: sb.id, argv: ['true'] });
    await c.deleteSandbox(sb.id);

    const history = await c.listEvents({ sandboxId: sb.id });
    const requests = history.filter((e) => e.type === 'request');
    t.same(requests.map((e) => e.method), ['Sandboxes.Create', 'Exec.Run', 'Sandboxes.Delete']);
    for (const e of requests) t.match(e, { status: 'OK', actor: { uid: 0, pid: process.pid } });
    t.ok(history.some((e) => e.type === 'deleted'), 'lifecycle events are in the same history');
    const seqs = history.map((e) => Number(e.seq));
    t.same(seqs, [...seqs].sort((a, b) => a - b), 'oldest first, one sequence for both');

    const refused = (await c.listEvents({ limit: 1000 })).find((e) => e.method === 'connect');
    t.match(refused, { type: 'request', status: 'PERMISSION_DENIED', errorCode: 'PEER_NOT_ALLOWED', actor: { uid: NOBODY } });

    await waitFor('the follower to see the delete', () => followed.find((e) => e.method === 'Sandboxes.Delete' && e.sandboxId === sb.id));
    t.ok(followed.some((e) => e.type === 'claimed' && e.sandboxId === sb.id), 'live lifecycle events are followed too');
    follow.cancel();

    const out = spawnSync(process.execPath, [GODELCTL, '--socket', d.socket, 'events', '--sandbox', sb.id], { encoding: 'utf8' });
    t.equal(out.status, 0, out.stderr);
    t.match(out.stdout, new RegExp(`${sb.id}\\s+request\\s+Exec.Run OK by uid=0 gid=0 pid=${process.pid}`));
    t.match(out.stdout, /deleted/);
  });

  t.test('a lent file: a group member may borrow one, but never collect a ticket issued to another uid', async (t) => {
    const sb = await d.client.createSandbox({});
    await d.client.writeFile({ sandboxId: sb.id, path: '/workspace/shared.txt' }, Buffer.from('for the group'));
    t.same(await callAs(d.socket, NOBODY, USERS_GID, [], `borrow:${sb.id}:/workspace/shared.txt`), { ok: true, content: 'for the group' });
    t.match(await callAs(d.socket, NOBODY, NOBODY, [], `borrow:${sb.id}:/workspace/shared.txt`), { ok: false, code: 'PEER_NOT_ALLOWED' });

    // Root's ticket, held open while other users try it.
    const call = d.client.files.open();
    const ticket = await new Promise<string>((resolve, reject) => {
      call.on('data', (r: { ticket?: { ticket: string } }) => { if (r.ticket) resolve(r.ticket.ticket); });
      call.on('error', reject);
      call.write({ header: { sandboxId: sb.id, path: '/workspace/shared.txt' } });
    });
    t.match(await callAs(d.socket, NOBODY, USERS_GID, [], `collect:${ticket}`), { ok: false, reply: { ok: false, code: 'TICKET_NOT_FOUND' } });
    t.match(await callAs(d.socket, NOBODY, NOBODY, [], `collect:${ticket}`), { ok: false, reply: { ok: false, code: 'PEER_NOT_ALLOWED' } });
    call.end();
    await d.client.deleteSandbox(sb.id);
  });
});
