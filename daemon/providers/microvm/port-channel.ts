// The host end of a microvm guest's loopback ports (guest/loopback-ports.ts): each connection the guest
// carries over a virtio-serial port becomes a connection to a Unix socket here, the one that a process
// sandbox's forwarder would reach for the same loopback port, so the same servers, policies and records
// apply to both kinds of sandbox. The egress proxy serves the egress port (QEMU connects it to the
// sandbox's vm.sock); the microvm provider serves the gateway port (it connects to QEMU's socket).
import { connect, type Socket } from 'node:net';
import { CLOSE, DATA, END, FrameReader, OPEN, dataFrames, frame } from '../../../guest/port-mux.js';

/**
 * Serves one connection to QEMU's end of a port until it closes. `socketOf` names the Unix socket a
 * guest loopback port leads to (undefined: the port leads nowhere, and the guest's connection is closed).
 */
export function servePortChannel(qemu: Socket, socketOf: (port: number) => string | undefined): void {
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
          const path = payload.length === 2 ? socketOf(payload.readUInt16BE(0)) : undefined;
          if (!path || streams.has(id)) {
            send([frame(CLOSE, id)]);
            return;
          }
          const local = connect(path);
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
