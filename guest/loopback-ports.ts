// Loopback listeners in a microvm guest whose connections are carried to the host over a virtio-serial
// port (framing in port-mux.ts). The guest has no network device, so this is how it reaches what the host
// serves for it: the egress proxy ("godel.egress", on the same ports as a process sandbox's forwarder, so
// the same HTTP_PROXY and ALL_PROXY work in both) and the model gateway for its agents ("godel.gateway",
// the same loopback ports as in a process sandbox). QEMU connects the egress port to the egress proxy's
// socket for this sandbox (not the daemon, so connections outlive daemon restarts), and the gateway port to
// a socket the daemon connects to when an agent starts. The host decides everything; this only carries
// bytes. Without the port (a sandbox whose template has no allow list, an image without agents) it does nothing.
import { openSync, read, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { CLOSE, DATA, END, FrameReader, OPEN, dataFrames, frame } from './port-mux.js';
import { PortWriter } from './port-writer.js';

/** Bytes waiting for the port beyond which the guest's connections stop being read. */
const HIGH_WATER = 1024 * 1024;

function portPath(name: string): string | undefined {
  for (const dev of readdirSync('/sys/class/virtio-ports')) {
    if (readFileSync(`/sys/class/virtio-ports/${dev}/name`, 'utf8').trim() === name) return `/dev/${dev}`;
  }
  return undefined;
}

/** Listens on 127.0.0.1 on each of `ports` and carries their connections over the port named `name`. */
export function serveLoopbackPorts(name: string, ports: readonly number[], log: (line: string) => void): void {
  const path = portPath(name);
  if (!path) return;
  const fd = openSync(path, 'r+');
  const streams = new Map<number, Socket>();
  let nextId = 1;
  let paused = false;
  // No host: its connections are gone with it (reset below when reads see it), and so is what was queued.
  const writer = new PortWriter(fd, () => {
    const over = writer.queued > HIGH_WATER;
    if (over === paused) return;
    paused = over;
    for (const s of streams.values()) if (over) s.pause(); else s.resume();
  });
  const send = (...frames: Buffer[]): void => writer.send(...frames);
  for (const port of ports) {
    const server = createServer((sock) => {
      const id = nextId++;
      streams.set(id, sock);
      if (paused) sock.pause();
      const portBytes = Buffer.alloc(2);
      portBytes.writeUInt16BE(port);
      send(frame(OPEN, id, portBytes));
      sock.on('data', (d: Buffer) => send(...dataFrames(id, d)));
      sock.on('end', () => { if (streams.has(id)) send(frame(END, id)); });
      sock.on('error', () => sock.destroy());
      sock.on('close', () => {
        if (streams.delete(id)) send(frame(CLOSE, id));
      });
    });
    server.on('error', (err) => log(`godel-agent: ${name} cannot listen on 127.0.0.1:${port}: ${err.message}`));
    server.listen(port, '127.0.0.1');
  }
  const reader = new FrameReader();
  const buf = Buffer.alloc(256 * 1024);
  const readMore = (): void => {
    read(fd, buf, 0, buf.length, null, (err, n) => {
      if (err || n === 0) {
        // No host end connected (the proxy or the daemon restarts): what was open through it is gone.
        reader.reset();
        for (const s of streams.values()) s.destroy();
        streams.clear();
        setTimeout(readMore, 100);
        return;
      }
      let blocked: Socket | undefined;
      try {
        reader.push(Buffer.from(buf.subarray(0, n)), (type, id, payload) => {
          const s = streams.get(id);
          if (!s) return;
          if (type === DATA && !s.write(payload)) blocked = s;
          else if (type === END) s.end();
          else if (type === CLOSE) {
            streams.delete(id);
            s.destroy();
          }
        });
      } catch (e) {
        log(`godel-agent: ${(e as Error).message}`);
        reader.reset();
      }
      // A connection that does not keep up holds the port's reads (and so the others) until it drains.
      if (blocked && !blocked.destroyed) blocked.once('drain', readMore).once('close', readMore);
      else readMore();
    });
  };
  readMore();
}
