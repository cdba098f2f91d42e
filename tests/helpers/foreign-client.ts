// A client of another uid: started as root, it loads everything it needs, drops to the uid and gids
// given on its command line (so the test tree need not be readable by that user), then calls the daemon
// and prints the outcome as JSON. SO_PEERCRED records the credentials at connect time: the drop comes first.
//
// What it does, by its fifth argument: "list" (the default) lists sandboxes; "collect:TICKET" asks for
// the descriptor of a ticket issued to someone else; "borrow:ID:PATH" borrows a file of a sandbox
// (Files.Open) and prints its contents.
import { readFileSync } from 'node:fs';
import { GodelClient, GodelClientError } from '../../ipc/client.js';
import { descriptorRequest, parseDescriptorReply } from '../../ipc/descriptor-protocol.js';
import { loadUnixAddon } from '../../ipc/unix-addon.js';

const [socket, uid, gid, groups, action = 'list'] = process.argv.slice(2);
const client = new GodelClient({ socket: socket! });
const addon = loadUnixAddon();
process.setgroups!(groups ? groups.split(',').map(Number) : []);
process.setgid!(Number(gid));
process.setuid!(Number(uid));
try {
  if (action.startsWith('collect:')) {
    const got = await addon.receiveDescriptor(socket!, descriptorRequest(action.slice('collect:'.length)), 5000);
    process.stdout.write(JSON.stringify({ ok: got.fd >= 0, reply: parseDescriptorReply(got.reply) }));
  } else if (action.startsWith('borrow:')) {
    const [, sandboxId, path] = action.split(':');
    const f = await client.openFile({ sandboxId: sandboxId!, path: path!, access: 'READ' });
    const content = readFileSync(f.fd, 'utf8');
    await f.close();
    process.stdout.write(JSON.stringify({ ok: true, content }));
  } else {
    const list = await client.listSandboxes();
    process.stdout.write(JSON.stringify({ ok: true, sandboxes: list.length }));
  }
} catch (err) {
  const e = err as GodelClientError;
  process.stdout.write(JSON.stringify({ ok: false, grpcCode: e.grpcCode, code: e.code, message: e.message }));
} finally {
  client.close();
}
