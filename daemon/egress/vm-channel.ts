// The host end of a microvm sandbox's egress port: QEMU connects the guest's "godel.egress" port to
// this sandbox's vm.sock, and each connection the guest carries over it (guest/egress.ts) becomes a
// connection to the sandbox's own HTTP or SOCKS socket here, so the same policy, bound and records apply
// as to a process sandbox's.
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { CLOSE, DATA, END, FrameReader, OPEN, dataFrames, frame } from '../../guest/egress-mux.js';
import { HTTP_SOCKET, SOCKS_SOCKET } from './protocol.js';

const SOCKET_OF_PORT: Record<number, string> = { 3128: HTTP_SOCKET, 1080: SOCKS_SOCKET };

/** Serves one connection from QEMU until it closes; `dir` holds the sandbox's proxy sockets. */
export function serveVmChannel(qemu: Socket, dir: string): void {
  const streams = new Map<number, Socket>();
  const reader = new FrameReader();
  let blocked = false;
  const send = (frames: Buffer[]): void => {
    let ok = true;
    for (const f of frames) ok = qemu.write(f) && ok;
    if (!ok && !blocked) {
      // The guest does not keep up: stop reading the sandbox's connections until it does.
      blocked = true;
      for (const s of streams.values()) s.pause();
      qemu.once('drain', () => {
        blocked = false;
        for (const s of streams.values()) s.resume();
      });
    }
  };
  qemu.on('data', (chunk: Buffer) => {
    try {
      reader.push(chunk, (type, id, payload) => {
        if (type === OPEN) {
          const name = SOCKET_OF_PORT[payload.length === 2 ? payload.readUInt16BE(0) : 0];
          if (!name || streams.has(id)) {
            send([frame(CLOSE, id)]);
            return;
          }
          const local = connect(join(dir, name));
          streams.set(id, local);
          if (blocked) local.pause();
          local.on('data', (d: Buffer) => send(dataFrames(id, d)));
          local.on('end', () => { if (streams.has(id)) send([frame(END, id)]); });
          local.on('error', () => local.destroy());
          local.on('close', () => { if (streams.delete(id)) send([frame(CLOSE, id)]); });
          return;
        }
        const s = streams.get(id);
        if (!s) return;
        if (type === DATA && !s.write(payload)) {
          qemu.pause();
          s.once('drain', () => qemu.resume()).once('close', () => qemu.resume());
        } else if (type === END) {
          s.end();
        } else if (type === CLOSE) {
          streams.delete(id);
          s.destroy();
        }
      });
    } catch {
      qemu.destroy(); // Not this protocol: the guest's agent starts again with a fresh stream.
    }
  });
  qemu.on('error', () => qemu.destroy());
  qemu.on('close', () => {
    for (const s of streams.values()) s.destroy();
    streams.clear();
  });
}
