// The host side of a guest agent's virtio-serial port (guest/protocol.ts): one connection to the QEMU
// chardev socket per VM, multiplexing every command run in it. A command is a RunningCommand like a
// process sandbox's, so sessions, Files and the API work the same on both providers.
import { connect, type Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineReader } from '../../../guest/lines.js';
import { AckBatcher, FLOW_WINDOW, type GuestMessage, type HostMessage } from '../../../guest/protocol.js';
import { GodelError } from '../../errors.js';
import type { ExecRequest, RunningCommand } from '../provider.js';

interface Pending {
  onMessage(m: GuestMessage): void;
  onClose(): void;
}

export class AgentClient {
  private socket: Socket | undefined;
  private connecting: Promise<Socket> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** Output taken by commands' readers, acknowledged once per command per turn of the event loop. */
  private readonly read = new AckBatcher((id, n) => { if (this.pending.has(id)) this.send({ t: 'output-read', id, n }); });

  constructor(private readonly path: string) {}

  /**
   * Waits until the agent answers a ping (the VM has booted to it); returns the guest's kernel. `problem`
   * names a reason to give up early (the VM exited, its boot hung), or undefined.
   */
  async waitReady(timeoutMs: number, problem: () => string | undefined): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const why = problem();
      if (why) throw new GodelError('PROVIDER_FAILED', why);
      try {
        const pong = await this.request({ t: 'ping', id: 0 }, 'pong', 500);
        return pong.kernel;
      } catch {
        await sleep(100); // Not up yet: the agent starts seconds into the boot under TCG.
      }
    }
    throw new GodelError('PROVIDER_FAILED', `the guest agent did not answer within ${timeoutMs} ms`);
  }

  /** The guest's clock from the host's, and fresh entropy, so that clones of one VM differ; waits for the guest. */
  async sync(entropy: Buffer, timeoutMs = 5000): Promise<void> {
    await this.request({ t: 'sync', id: 0, timeMs: Date.now(), entropy: entropy.toString('base64') }, 'synced', timeoutMs);
  }

  /**
   * The same, without waiting: the agent holds every later message until the sync is done, so nothing
   * the new owner runs sees the old clock or generator. `onFailure` hears if the guest reports a failure.
   */
  syncInOrder(entropy: Buffer, onFailure: (err: Error) => void): void {
    this.sync(entropy, 30_000).catch(onFailure);
  }

  exec(req: ExecRequest): RunningCommand {
    return new AgentCommand(this, req);
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    for (const p of this.pending.values()) p.onClose();
    this.pending.clear();
  }

  /** Registers a command's listener and returns its id. */
  open(p: Pending): number {
    const id = this.nextId++;
    this.pending.set(id, p);
    return id;
  }

  forget(id: number): void {
    this.pending.delete(id);
  }

  /** A command's reader took `n` bytes of its output: the agent may send that many more (FLOW_WINDOW). */
  outputRead(id: number, n: number): void {
    this.read.add(id, n);
  }

  send(m: HostMessage): void {
    void this.connection().then(
      (s) => { s.write(`${JSON.stringify(m)}\n`); },
      () => this.pending.get(m.id)?.onClose(),
    );
  }

  private async request<T extends GuestMessage['t']>(m: HostMessage, reply: T, timeoutMs: number): Promise<Extract<GuestMessage, { t: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.forget(id); reject(new Error(`no ${reply} from the guest agent`)); }, timeoutMs);
      const id = this.open({
        onMessage: (g) => {
          if (g.t !== reply && g.t !== 'error') return;
          clearTimeout(timer);
          this.forget(id);
          if (g.t === 'error') reject(new Error(g.message));
          else resolve(g as Extract<GuestMessage, { t: T }>);
        },
        onClose: () => { clearTimeout(timer); this.forget(id); reject(new Error('the connection to the guest agent closed')); },
      });
      this.send({ ...m, id } as HostMessage);
    });
  }

  private connection(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    if (this.closed) return Promise.reject(new Error('closed'));
    this.connecting ??= new Promise<Socket>((resolve, reject) => {
      const s = connect(this.path);
      s.once('connect', () => {
        this.socket = s;
        this.connecting = undefined;
        resolve(s);
      });
      s.once('error', (err) => {
        this.connecting = undefined;
        reject(err);
      });
      const lines = new LineReader();
      s.on('data', (d: Buffer) => lines.push(d, (line) => {
        let m: GuestMessage;
        try {
          m = JSON.parse(line) as GuestMessage;
        } catch {
          return; // A partial line from before a reconnect.
        }
        this.pending.get(m.id)?.onMessage(m);
      }));
      s.on('close', () => {
        if (this.socket === s) this.socket = undefined;
        // Commands in flight lose their stream: they are reported as ended with the connection.
        for (const p of [...this.pending.values()]) p.onClose();
      });
    });
    return this.connecting;
  }
}

class AgentCommand implements RunningCommand {
  readonly stdout = new PassThrough();
  readonly stderr: PassThrough | null;
  readonly stdin: Writable;
  readonly pid: Promise<number>;
  readonly exited: Promise<{ exitCode: number; signal: string }>;
  private readonly id: number;
  private ended = false;
  /**
   * Whether the agent keeps to FLOW_WINDOW: unknown until it says in `started` (an agent of version 1
   * does not), and held to the window meanwhile.
   */
  private flow: boolean | undefined;
  /** Input sent to the agent and not yet written into the command. */
  private unwritten = 0;
  /** The writer's callback for its last chunk, held while `unwritten` is at the window. */
  private held: (() => void) | undefined;

  constructor(private readonly agent: AgentClient, req: ExecRequest) {
    this.stderr = req.tty ? null : new PassThrough();
    let setPid: (pid: number) => void = () => undefined;
    let setExit: (r: { exitCode: number; signal: string }) => void = () => undefined;
    this.pid = new Promise((resolve) => { setPid = resolve; });
    this.exited = new Promise((resolve) => { setExit = resolve; });
    const finish = (r: { exitCode: number; signal: string }): void => {
      if (this.ended) return;
      this.ended = true;
      agent.forget(this.id);
      setPid(0);
      this.release(); // Input for a command that has ended goes nowhere, as into a closed pipe.
      this.stdout.end();
      this.stderr?.end();
      setExit(r);
    };
    this.id = agent.open({
      onMessage: (m) => {
        if (m.t === 'out') this.output(m.stream === 'stderr' && this.stderr ? this.stderr : this.stdout, Buffer.from(m.data, 'base64'));
        else if (m.t === 'stdin-written') this.written(m.n);
        else if (m.t === 'started') {
          this.flow = m.flow === true;
          if (!this.flow) this.release();
          setPid(m.pid);
        } else if (m.t === 'exited') finish({ exitCode: m.exitCode, signal: m.signal });
        else if (m.t === 'error') this.stderr?.write(`godel-agent: ${m.message}\n`);
      },
      onClose: () => finish({ exitCode: -1, signal: 'SIGKILL' }),
    });
    const id = this.id;
    this.stdin = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        agent.send({ t: 'stdin', id, data: chunk.toString('base64') });
        if (this.ended || this.flow === false) {
          cb();
          return;
        }
        this.unwritten += chunk.length;
        if (this.unwritten < FLOW_WINDOW) cb();
        else this.held = cb;
      },
      final(cb) {
        agent.send({ t: 'close-stdin', id });
        cb();
      },
    });
    agent.send({ t: 'exec', id, argv: req.argv, env: req.env, cwd: req.cwd, flow: true, ...(req.tty ? { tty: req.tty } : {}) });
  }

  /**
   * The PassThrough calls a write's callback once its reader has room (at once while it does), so the
   * acknowledgement follows the reader: one that stops reading stops the command, as a full pipe would.
   */
  private output(stream: PassThrough, data: Buffer): void {
    if (this.flow) stream.write(data, () => this.agent.outputRead(this.id, data.length));
    else stream.write(data);
  }

  private written(n: number): void {
    this.unwritten = Math.max(0, this.unwritten - n);
    if (this.unwritten < FLOW_WINDOW) this.release();
  }

  private release(): void {
    const cb = this.held;
    this.held = undefined;
    cb?.();
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.ended) this.agent.send({ t: 'signal', id: this.id, signal, group: true });
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.ended) this.agent.send({ t: 'signal', id: this.id, signal, group: false });
  }

  resize(cols: number, rows: number): void {
    if (!this.ended) this.agent.send({ t: 'resize', id: this.id, cols, rows });
  }
}
