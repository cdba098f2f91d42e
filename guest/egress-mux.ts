// The framing that carries a microvm sandbox's connections over its egress port (virtio-serial
// "godel.egress") between the guest (guest/egress.ts) and the egress proxy on the host
// (daemon/egress/vm-channel.ts): many connections over one byte stream, each frame
// [type u8][stream u32][length u32][payload].
export const EGRESS_PORT_NAME = 'godel.egress';

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
      if (type < OPEN || type > CLOSE || len > MAX_PAYLOAD) throw new Error(`bad egress frame (type ${type}, length ${len})`);
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
