// One call of a public service carried to the node that owns its sandbox, over a Federation.Relay stream.
//
// grpc-js reads everything a peer sends whether or not its reader keeps up (it buffers the unread
// messages), so HTTP/2 flow control stops at each hop. The relay has flow control of its own, in bytes:
// each side may send while the other has granted room (RELAY_WINDOW to start, then as many bytes as the
// other side has passed on; one message always goes, however large), so a slow reader at one end holds back
// the writer at the other, and a forward holds about a window (plus one message) in each direction.
//
// On the owner, a relayed call is served by the very handlers that serve its Unix socket: RelayedCall
// looks to them like a grpc-js server call (write with backpressure and 'drain', 'cancelled', end, an
// 'error' carrying the status), so nothing about a call changes with the hop it took.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { MetadataEntry, MetadataEntry__Output } from '../../ipc/generated/godel/v1/MetadataEntry.js';
import type { RelayFrame, RelayFrame__Output } from '../../ipc/generated/godel/v1/RelayFrame.js';
import type { RelayStart__Output } from '../../ipc/generated/godel/v1/RelayStart.js';
import { ERROR_CODE_METADATA_KEY } from '../../ipc/errors.js';

/** Bytes one side may send ahead of the other's grants. */
export const RELAY_WINDOW = 2 * 1024 * 1024;
/** Grants are sent in batches of this many bytes, so a stream of small messages is not doubled by its acks. */
const GRANT_BATCH = RELAY_WINDOW / 4;
/** Messages the handler may queue on a relayed call before its writes report backpressure. */
const QUEUED_MESSAGES = 16;

// Handlers and definitions are typed per method elsewhere; a relay carries any of them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMethod = grpc.MethodDefinition<any, any>;
export type MethodKind = 'unary' | 'serverStream' | 'clientStream' | 'bidi';

export function kindOf(def: AnyMethod): MethodKind {
  if (def.requestStream) return def.responseStream ? 'bidi' : 'clientStream';
  return def.responseStream ? 'serverStream' : 'unary';
}

/** Keys grpc-js sets itself on every call: forwarding them would duplicate or contradict its own. */
const TRANSPORT_KEYS = new Set(['user-agent', 'content-type', 'te', 'grpc-accept-encoding', 'grpc-encoding', 'grpc-timeout', 'authority']);

export function metadataToEntries(md: grpc.Metadata | undefined): MetadataEntry[] {
  const out: MetadataEntry[] = [];
  for (const key of Object.keys(md?.getMap() ?? {})) {
    if (TRANSPORT_KEYS.has(key) || key.startsWith(':')) continue;
    for (const v of md!.get(key)) out.push({ key, value: typeof v === 'string' ? Buffer.from(v) : v });
  }
  return out;
}

export function entriesToMetadata(entries: MetadataEntry__Output[]): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const e of entries) {
    if (e.key.endsWith('-bin')) md.add(e.key, e.value);
    else md.add(e.key, e.value.toString());
  }
  return md;
}

export interface CallStatus {
  code: grpc.status;
  details: string;
  metadata: grpc.Metadata;
}

export function statusWithCode(code: grpc.status, godelCode: string, details: string): CallStatus {
  const metadata = new grpc.Metadata();
  metadata.set(ERROR_CODE_METADATA_KEY, godelCode);
  return { code, details, metadata };
}

/** Marks a response write that is really the call's end with an error, so it leaves after the messages before it. */
class EndWithStatus {
  constructor(readonly status: CallStatus) {}
}

/** Where a relayed call's frames go: the Relay stream back to the caller's node, or a consumer in this process. */
export interface RelaySink {
  readonly cancelled: boolean;
  write(frame: RelayFrame): unknown;
  end(): void;
  getDeadline(): grpc.Deadline;
}

/** The owner's side of a relayed call, handed to the local handler as if it were a grpc-js server call. */
export class RelayedCall extends Duplex {
  request: unknown;
  cancelled = false;
  readonly metadata: grpc.Metadata;
  private credit: number;
  private pending: { frame: Buffer; done: () => void } | undefined;
  private granted = 0;
  private owed = 0;
  private finished = false;

  constructor(
    private readonly relay: RelaySink,
    private readonly def: AnyMethod,
    start: Pick<RelayStart__Output, 'metadata' | 'credit'>,
    private readonly peerToken: string,
    private readonly onFinished: () => void,
  ) {
    super({ objectMode: true, writableHighWaterMark: QUEUED_MESSAGES, readableHighWaterMark: QUEUED_MESSAGES });
    this.metadata = entriesToMetadata(start.metadata);
    this.credit = start.credit || RELAY_WINDOW;
    // The handler's status for a failed call arrives as an 'error' event, as it does on a grpc-js call.
    this.on('error', (err: Partial<grpc.StatusObject>) => {
      const status = { code: err.code ?? grpc.status.INTERNAL, details: err.details ?? 'internal error', metadata: err.metadata ?? new grpc.Metadata() };
      if (this.writableEnded || this.cancelled) this.finish(status);
      else this.write(new EndWithStatus(status));
    });
  }

  getPeer(): string {
    return this.peerToken;
  }

  getDeadline(): grpc.Deadline {
    return this.relay.getDeadline();
  }

  getPath(): string {
    return this.def.path;
  }

  sendMetadata(): void {
    // The relay carries no response headers: the public API sends everything in messages and trailers.
  }

  /** A request message from the caller's side. */
  deliver(message: Buffer): void {
    if (this.push(this.def.requestDeserialize(message))) this.grant(message.length);
    else this.owed += message.length;
  }

  /** The caller may take `n` more bytes of responses. */
  creditFromPeer(n: number): void {
    this.credit += n;
    if (this.pending && this.credit > 0) {
      const { frame, done } = this.pending;
      this.pending = undefined;
      this.credit -= frame.length;
      this.relay.write({ message: frame });
      done();
    }
  }

  inputEnded(): void {
    this.push(null);
  }

  /** The caller went away (or its deadline passed): the handler sees 'cancelled', as on a grpc-js call. */
  cancel(): void {
    if (this.cancelled || this.finished) return;
    this.cancelled = true;
    const pending = this.pending;
    this.pending = undefined;
    pending?.done();
    this.emit('cancelled', 'cancelled');
    this.finish({ code: grpc.status.CANCELLED, details: 'cancelled', metadata: new grpc.Metadata() });
  }

  /** Ends a unary or client-streaming call the way a grpc-js callback would. */
  callback(err: Partial<grpc.StatusObject> | null, value?: unknown): void {
    if (err) {
      this.emit('error', err);
      return;
    }
    this.write(value);
    this.end();
  }

  override _read(): void {
    if (this.owed) {
      this.grant(this.owed);
      this.owed = 0;
    }
  }

  override _write(chunk: unknown, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.cancelled || this.finished) {
      done();
      return;
    }
    if (chunk instanceof EndWithStatus) {
      this.finish(chunk.status);
      done();
      return;
    }
    const frame = this.def.responseSerialize(chunk) as Buffer;
    if (this.credit > 0) {
      this.credit -= frame.length;
      this.relay.write({ message: frame });
      done();
    } else {
      this.pending = { frame, done };
    }
  }

  override _final(done: (err?: Error | null) => void): void {
    this.finish({ code: grpc.status.OK, details: '', metadata: new grpc.Metadata() });
    done();
  }

  private grant(n: number): void {
    this.granted += n;
    if (this.granted >= GRANT_BATCH || this.readableLength === 0) {
      if (!this.finished) this.relay.write({ credit: this.granted });
      this.granted = 0;
    }
  }

  private finish(status: CallStatus): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.relay.cancelled) {
      this.relay.write({ status: { code: status.code, details: status.details, metadata: metadataToEntries(status.metadata) } });
      this.relay.end();
    }
    this.onFinished();
  }
}

/**
 * The caller's side of a relayed call. Emits 'message' for each response with its size in bytes (the
 * consumer calls `ack(size)` once it has passed it on), 'drain' when it may send again, and 'status' once,
 * at the end.
 */
export class RelayClientCall extends EventEmitter {
  private credit = RELAY_WINDOW;
  private readonly queue: Buffer[] = [];
  private acks = 0;
  private over = false;
  private halfClosed = false;

  constructor(
    private readonly stream: grpc.ClientDuplexStream<RelayFrame, RelayFrame__Output>,
    private readonly def: AnyMethod,
    private readonly lost: (err: grpc.ServiceError) => CallStatus,
  ) {
    super();
    stream.on('data', (f: RelayFrame__Output) => this.frame(f));
    stream.on('error', (err: grpc.ServiceError) => this.end(err.code === grpc.status.CANCELLED || err.code === grpc.status.DEADLINE_EXCEEDED
      ? { code: err.code, details: err.details, metadata: err.metadata ?? new grpc.Metadata() }
      : this.lost(err)));
    stream.on('end', () => this.end(this.lost(Object.assign(new Error('the relay ended without a status'), { code: grpc.status.UNAVAILABLE, details: 'the relay ended without a status', metadata: new grpc.Metadata() }))));
  }

  /** Queues a request message; false when the owner has not granted room for it yet (wait for 'drain'). */
  send(message: unknown): boolean {
    if (this.over) return true;
    this.queue.push(this.def.requestSerialize(message) as Buffer);
    this.flush();
    return this.queue.length === 0;
  }

  halfClose(): void {
    this.halfClosed = true;
    this.flush();
  }

  /** The consumer passed on `n` bytes of responses: the owner may send as many more. */
  ack(n: number): void {
    this.acks += n;
    if (this.acks >= GRANT_BATCH && !this.over) {
      this.stream.write({ credit: this.acks });
      this.acks = 0;
    }
  }

  cancel(): void {
    if (this.over) return;
    this.stream.cancel();
  }

  get ended(): boolean {
    return this.over;
  }

  private flush(): void {
    while (this.queue.length && this.credit > 0 && !this.over) {
      const m = this.queue.shift()!;
      this.credit -= m.length;
      this.stream.write({ message: m });
    }
    if (this.queue.length === 0) {
      if (this.halfClosed && !this.over) {
        this.stream.write({ halfClose: true });
        this.halfClosed = false;
      }
      this.emit('drain');
    }
  }

  private frame(f: RelayFrame__Output): void {
    switch (f.frame) {
      case 'message':
        this.emit('message', this.def.responseDeserialize(f.message!), f.message!.length);
        break;
      case 'credit':
        this.credit += f.credit!;
        this.flush();
        break;
      case 'status':
        this.end({ code: f.status!.code, details: f.status!.details, metadata: entriesToMetadata(f.status!.metadata) });
        break;
      default:
        break;
    }
  }

  private end(status: CallStatus): void {
    if (this.over) return;
    this.over = true;
    this.stream.end();
    this.emit('status', status);
  }
}

/** What the status of a call looks like to a grpc-js callback or stream 'error'. */
export function serviceError(s: CallStatus): grpc.ServiceError {
  return Object.assign(new Error(`${s.code} ${grpc.status[s.code]}: ${s.details}`), { code: s.code, details: s.details, metadata: s.metadata });
}

type AnyServerCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerReadableStream<unknown, unknown>
  | grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

/**
 * Wires a server call of this node to a relayed call to the owner, for any kind of method: requests go
 * out as the owner grants room (the client's stream paused meanwhile), responses come back as fast as
 * this node's client takes them, and the owner's status (its details and trailers, `godel-error-code`
 * included) is the client's. `first` is a request message already read from a client stream.
 */
export function pipeToRelay(
  kind: MethodKind,
  call: AnyServerCall,
  rc: RelayClientCall,
  callback: ((err: grpc.ServiceError | null, value?: unknown) => void) | undefined,
  first?: unknown,
): void {
  const streamCall = call as grpc.ServerDuplexStream<unknown, unknown>;
  streamCall.on('cancelled', () => rc.cancel());
  if (kind === 'unary' || kind === 'serverStream') {
    rc.send((call as grpc.ServerUnaryCall<unknown, unknown>).request);
    rc.halfClose();
  } else {
    if (first !== undefined) rc.send(first);
    streamCall.on('data', (m: unknown) => {
      if (!rc.send(m)) streamCall.pause();
    });
    rc.on('drain', () => streamCall.isPaused() && streamCall.resume());
    streamCall.on('end', () => rc.halfClose());
    streamCall.on('error', () => rc.cancel());
    streamCall.resume();
  }
  let response: unknown;
  // Bytes written to the client that wait for its 'drain' before they are acknowledged to the owner.
  let owed = 0;
  const onDrain = (): void => {
    const n = owed;
    owed = 0;
    rc.ack(n);
  };
  rc.on('message', (m: unknown, size: number) => {
    if (kind === 'unary' || kind === 'clientStream') {
      response = m;
      rc.ack(size);
      return;
    }
    if (streamCall.cancelled) return;
    if (streamCall.write(m) && owed === 0) {
      rc.ack(size);
      return;
    }
    if (owed === 0) streamCall.once('drain', onDrain);
    owed += size;
  });
  rc.on('status', (s: CallStatus) => {
    if (kind === 'unary' || kind === 'clientStream') {
      if (s.code === grpc.status.OK) callback!(null, response);
      else callback!(serviceError(s));
      return;
    }
    if (streamCall.cancelled) return;
    if (s.code === grpc.status.OK) streamCall.end();
    else streamCall.emit('error', serviceError(s));
  });
}
