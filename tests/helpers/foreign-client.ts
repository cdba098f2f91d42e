// A client of another uid: started as root, it loads everything it needs, drops to the uid and gids
// given on its command line (so the test tree need not be readable by that user), then calls the daemon
// and prints the outcome as JSON. SO_PEERCRED records the credentials at connect time: the drop comes first.
import { GodelClient, GodelClientError } from '../../ipc/client.js';

const [socket, uid, gid, groups] = process.argv.slice(2);
const client = new GodelClient({ socket: socket! });
process.setgroups!(groups ? groups.split(',').map(Number) : []);
process.setgid!(Number(gid));
process.setuid!(Number(uid));
try {
  const list = await client.listSandboxes();
  process.stdout.write(JSON.stringify({ ok: true, sandboxes: list.length }));
} catch (err) {
  const e = err as GodelClientError;
  process.stdout.write(JSON.stringify({ ok: false, grpcCode: e.grpcCode, code: e.code, message: e.message }));
} finally {
  client.close();
}
