// A test-side handle on an Exec.Session or Exec.Attach call: collects output, waits for text, sends input.
import type * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Test as Tap } from 'tap';
import type { ExecEvent, GodelClient, SessionInput } from '../../ipc/client.js';
import { GodelClientError, toClientError } from '../../ipc/client.js';

export class TestSession {
  readonly call: grpc.ClientDuplexStream<SessionInput, ExecEvent>;
  output = Buffer.alloc(0);
  stderr = Buffer.alloc(0);
  sessionId = '';
  pid = 0;
  tty = false;
  readonly started: Promise<void>;
  /** Resolves with the exit status, or with the error status the call ended with. */
  readonly ended: Promise<{ exitCode: number; signal: string } | GodelClientError>;
  private waiters: Array<() => void> = [];

  constructor(client: GodelClient, first: SessionInput, kind: 'session' | 'attach' = 'session') {
    this.call = kind === 'session' ? client.session() : client.attach();
    let exit: { exitCode: number; signal: string } | undefined;
    this.started = new Promise((resolve) => {
      this.call.on('data', (ev: ExecEvent) => {
        if (ev.started) {
          this.sessionId = ev.started.sessionId;
          this.pid = ev.started.pid;
          this.tty = ev.started.tty;
          resolve();
        } else if (ev.stdout) this.output = Buffer.concat([this.output, ev.stdout]);
        else if (ev.stderr) this.stderr = Buffer.concat([this.stderr, ev.stderr]);
        else if (ev.exited) exit = { exitCode: ev.exited.exitCode, signal: ev.exited.signal };
        for (const w of this.waiters) w();
      });
    });
    this.ended = new Promise((resolve) => {
      this.call.on('error', (err) => resolve(toClientError(err, client.socket)));
      this.call.on('end', () => resolve(exit ?? new GodelClientError('ended without an exit status', 'INTERNAL', 13)));
    });
    this.call.write(first);
  }

  get text(): string {
    return this.output.toString('latin1');
  }

  send(input: SessionInput): void {
    this.call.write(input);
  }

  type(text: string): void {
    this.call.write({ stdin: Buffer.from(text, 'latin1') });
  }

  /** Waits until the output matches. */
  waitFor(re: RegExp, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (re.test(this.text)) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== onData);
          resolve();
          return true;
        }
        return false;
      };
      const onData = (): void => { check(); };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== onData);
        reject(new Error(`timed out waiting for ${re} in output: ${JSON.stringify(this.text.slice(-500))}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(onData);
    });
  }

  /** Goes away without ending the session, as a client that crashed or lost its connection. */
  disconnect(): void {
    this.call.cancel();
  }
}

/** A process's resident memory, in bytes. */
export function rssOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

/**
 * Flow control of a session, both ways, as users rely on it with any provider: output behind a client
 * that stops reading pauses the command rather than growing the daemon, and input faster than the
 * command reads holds the client back rather than growing the daemon, with every byte arriving.
 * `daemonPid` is the godeld whose memory is watched (loosely: garbage not yet collected counts, so the
 * stall of the producer is the precise check); `bytes` sizes the flood (a VM moves bytes slowly).
 */
export async function sessionFlowChecks(t: Tap, client: GodelClient, sandboxId: string, daemonPid: number, bytes: number): Promise<void> {
  t.test('a slow reader does not grow the daemon without bound', async (t) => {
    const before = rssOf(daemonPid);
    const s = new TestSession(client, { start: { sandboxId, argv: ['/bin/sh', '-c', `exec head -c ${bytes} /dev/zero`] } });
    await s.started;
    s.call.pause(); // The client stops reading.
    // What the producer has written (its wchar, read inside the sandbox by the pid the session reported,
    // checked to be the producer): it stalls, short of the end, once what is in flight fills up. A
    // second apart, up to 20 s (a VM under TCG fills its window at a few MB/s).
    const written = async (): Promise<number> => {
      const script = `p=/proc/${s.pid}; [ "$(tr '\\0' ' ' < $p/cmdline)" = "head -c ${bytes} /dev/zero " ] && sed -n 's/^wchar: //p' $p/io`;
      return Number((await client.runCollect({ sandboxId, argv: ['/bin/sh', '-c', script] })).stdout.toString().trim());
    };
    let last = -1;
    let now = await written();
    for (let i = 0; i < 20 && now !== last; i++) {
      await sleep(1000);
      [last, now] = [now, await written()];
    }
    t.equal(now, last, `the producer stalls while nobody reads (at ${Math.round(now / 2 ** 20)} MiB)`);
    t.ok(now > 0 && now < bytes, `short of the end (${Math.round(bytes / 2 ** 20)} MiB)`);
    const during = rssOf(daemonPid);
    t.ok(during - before < 64 * 2 ** 20, `daemon RSS grew by ${Math.round((during - before) / 2 ** 20)} MiB while ${Math.round(bytes / 2 ** 20)} MiB waited behind a paused reader`);
    const sessions = await client.listSessions(sandboxId);
    t.equal(sessions.find((x) => x.sessionId === s.sessionId)!.running, true, 'the producer is paused, not finished');
    const other = await client.runCollect({ sandboxId, argv: ['echo', 'others carry on'] });
    t.equal(other.stdout.toString(), 'others carry on\n');
    s.send({ signal: 'KILL' });
    s.call.resume();
    await s.ended;
  });

  t.test('a fast writer into a command that is not reading is held back, and every byte arrives', async (t) => {
    const before = rssOf(daemonPid);
    // The command reads nothing for 3 s, then counts what it is given.
    const s = new TestSession(client, { start: { sandboxId, argv: ['/bin/sh', '-c', 'sleep 3; exec wc -c'] } });
    await s.started;
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    let accepted = 0;
    let acceptedWhileAsleep = -1;
    const asleep = sleep(2000).then(() => { acceptedWhileAsleep = accepted; });
    // A client that keeps to its call's backpressure, as a well-behaved one does.
    while (accepted < bytes) {
      const more = s.call.write({ stdin: chunk.subarray(0, Math.min(chunk.length, bytes - accepted)) });
      accepted += Math.min(chunk.length, bytes - accepted);
      if (!more) await new Promise((resolve) => s.call.once('drain', resolve));
    }
    await asleep;
    const during = rssOf(daemonPid);
    s.send({ closeStdin: true });
    t.same(await s.ended, { exitCode: 0, signal: '' });
    // Held back, not stopped at once: grpc-js keeps up to 16 messages queued on each side of a call (8 MiB
    // of these), and a VM's channel has its window in flight.
    t.ok(acceptedWhileAsleep < 24 * 2 ** 20, `the client got ${Math.round(acceptedWhileAsleep / 2 ** 20)} MiB in while the command was not reading`);
    t.ok(during - before < 40 * 2 ** 20, `daemon RSS grew by ${Math.round((during - before) / 2 ** 20)} MiB while the client pushed`);
    t.equal(s.text.trim(), String(bytes), 'the command read every byte');
  });
}
