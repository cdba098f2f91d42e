// The framing that carries a microvm sandbox's loopback connections over a virtio-serial port between the
// guest (guest/loopback-ports.ts) and the host (daemon/providers/microvm/port-channel.ts): many connections
// over one byte stream, each frame [type u8][stream u32][length u32][payload]. Two ports use it: the
// egress port (to the egress proxy) and the gateway port (to the model gateway's listeners for agents).
export const EGRESS_PORT_NAME = 'godel.egress';
/** The guest's egress listeners: the HTTP proxy and SOCKS5 ports of a process sandbox's forwarder. */
export const EGRESS_PORTS = [3128, 1080];
export const GATEWAY_PORT_NAME = 'godel.gateway';
/** Loopback ports for agents' model gateways, one per agent running at once in a sandbox (both providers). */
export const FIRST_GATEWAY_PORT = 4100;
export const MAX_AGENTS_PER_SANDBOX = 16;
export const GATEWAY_PORTS = Array.from({ length: MAX_AGENTS_PER_SANDBOX }, (_, i) => FIRST_GATEWAY_PORT + i);

/** A connection the guest accepted, to one of the proxy's ports (payload: the port, u16). */
export const OPEN = 1;
export const DATA = 2;
/** The sender's side of the stream ended (a half-close); the other direction may go on. */
export const END = 3;
/** The stream is gone, both ways. */
export const CLOSE = 4;

const HEADER = 9;
/** Larger payloads are split: no frame makes the other side buffer much before it can act. */
export const MAX_PAYLOAD = 64 * 1024;

export function frame(type: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(HEADER);
  h.writeUInt8(type, 0);
  h.writeUInt32BE(stream, 1);
  h.writeUInt32BE(payload.length, 5);
  return Buffer.concat([h, payload]);
}

/** DATA frames for a chunk of any size. */
export function dataFrames(stream: number, data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += MAX_PAYLOAD) out.push(frame(DATA, stream, data.subarray(off, off + MAX_PAYLOAD)));
  return out;
}

/** Turns a byte stream back into frames; throws on a frame no sender of this protocol makes. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer, onFrame: (type: number, stream: number, payload: Buffer) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= HEADER) {
      const type = this.buf.readUInt8(0);
      const stream = this.buf.readUInt32BE(1);
      const len = this.buf.readUInt32BE(5);
      if (type < OPEN || type > CLOSE || len > MAX_PAYLOAD) throw new Error(`bad port frame (type ${type}, length ${len})`);
      if (this.buf.length < HEADER + len) return;
      const payload = this.buf.subarray(HEADER, HEADER + len);
      this.buf = this.buf.subarray(HEADER + len);
      onFrame(type, stream, payload);
    }
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
  }
}
