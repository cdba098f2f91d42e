// The egress proxy's own process, started detached by the daemon (egress-manager.ts) so that it, and the
// connections it carries, outlive daemon restarts as the sandboxes do. The daemon drives it over a
// control socket in its directory with JSON lines: it registers and unregisters sandboxes (with their
// policies) and receives a record of every connection. Records made while no daemon is connected wait
// here (up to a bound) for the next one.
//
// usage: node proxy-main.js --dir DIR
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { EgressProxy, type ConnectionRecord } from './proxy.js';
import { CONTROL_SOCKET, sandboxSocketDir, type ControlMessage, type ControlRequest } from './protocol.js';

/** Records kept for a daemon that is not connected; beyond, they are counted and the count is reported. */
const MAX_PENDING = 10_000;
/** How often the proxy checks that its directory still exists: with it gone, its daemon's install is gone. */
const ORPHAN_CHECK_MS = 2000;

function main(): void {
  const i = process.argv.indexOf('--dir');
  const dir = i > 0 ? process.argv[i + 1] : undefined;
  if (!dir || !dir.startsWith('/')) {
    process.stderr.write('usage: proxy-main.js --dir ABSOLUTE_DIR\n');
    process.exit(2);
  }
  let daemon: Socket | undefined;
  const pending: ConnectionRecord[] = [];
  let dropped = 0;
  const send = (m: ControlMessage): boolean => {
    if (!daemon || daemon.destroyed) return false;
    daemon.write(`${JSON.stringify(m)}\n`);
    return true;
  };
  const proxy = new EgressProxy((record) => {
    if (send({ record })) return;
    if (pending.length < MAX_PENDING) pending.push(record);
    else dropped++;
  });
  const handle = async (req: ControlRequest): Promise<void> => {
    switch (req.op) {
      case 'configure': proxy.configure(req.settings); break;
      case 'register': await proxy.register(req.sandbox, sandboxSocketDir(dir, req.sandbox), req.policy); break;
      case 'unregister': await proxy.unregister(req.sandbox); break;
      case 'sync': {
        const keep = new Set(req.sandboxes);
        for (const id of proxy.ids()) if (!keep.has(id)) await proxy.unregister(id);
        break;
      }
    }
  };
  const control = createServer((s) => {
    // One daemon at a time: a new connection is the daemon after a restart.
    daemon?.destroy();
    daemon = s;
    s.setEncoding('utf8');
    let text = '';
    let queue = Promise.resolve();
    s.on('data', (d: string) => {
      text += d;
      const lines = text.split('\n');
      text = lines.pop()!;
      for (const line of lines) {
        if (!line) continue;
        let req: ControlRequest;
        try {
          req = JSON.parse(line) as ControlRequest;
        } catch {
          s.destroy(); // Not a daemon speaking this protocol.
          return;
        }
        // In order: a register must be done before the unregister that follows it.
        queue = queue.then(() => handle(req)).then(
          () => { send({ reply: req.id }); },
          (err: unknown) => { send({ reply: req.id, error: err instanceof Error ? err.message : String(err) }); },
        );
      }
    });
    s.on('error', () => s.destroy());
    s.on('close', () => { if (daemon === s) daemon = undefined; });
    for (const record of pending.splice(0)) send({ record });
    if (dropped) {
      send({ dropped });
      dropped = 0;
    }
  });
  const controlPath = join(dir, CONTROL_SOCKET);
  rmSync(controlPath, { force: true });
  control.listen(controlPath, () => {
    // Only its daemon (root, or the user both run as) may drive it.
    chmodSync(controlPath, 0o600);
    process.stdout.write(`egress proxy ${process.pid} serving ${controlPath}\n`);
  });
  const stop = (): void => {
    control.close();
    void proxy.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  setInterval(() => {
    if (!existsSync(controlPath)) stop();
  }, ORPHAN_CHECK_MS).unref();
  // Keeps the process alive while no sandbox is registered yet.
  control.ref();
}

main();
