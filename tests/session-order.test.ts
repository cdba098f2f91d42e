// A session's promise to the client attached at its start: `started`, then every byte the command wrote in
// order, then `exited`, however late the pid is known. A remote provider (an E2B sandbox, a pod's exec
// stream) learns the pid from the far end, and a process sandbox's report can be read after the first
// output; the ring alone holds only RING_BYTES, so output must not wait for the pid in the ring. (The E2B
// provider's contract test lost the front of a 3 MiB download this way under CI load.) The command here
// is streams under the provider interface, so that the pid can be made to come late on purpose.
import t from 'tap';
import { PassThrough } from 'node:stream';
import type { RunningCommand } from '../daemon/providers/provider.js';
import { RING_BYTES, Session, type SessionEvent } from '../daemon/exec/session.js';

function lateCommand(): { command: RunningCommand; reportPid: (pid: number) => void; exit: (code: number) => void } {
  let reportPid!: (pid: number) => void;
  let exit!: (code: number) => void;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const command: RunningCommand = {
    stdout, stderr, stdin: new PassThrough(),
    pid: new Promise((r) => { reportPid = r; }),
    exited: new Promise((r) => {
      exit = (code) => {
        stdout.end();
        stderr.end();
        r({ exitCode: code, signal: '' });
      };
    }),
    kill: () => undefined, signal: () => undefined, resize: () => undefined,
  };
  return { command, reportPid, exit };
}

function recorder(): { events: SessionEvent[]; ended: Promise<void>; attachment: { send: (e: SessionEvent, done: () => void) => void; end: () => void } } {
  const events: SessionEvent[] = [];
  let end!: () => void;
  const ended = new Promise<void>((r) => { end = r; });
  return { events, ended, attachment: { send: (e, done) => { events.push(e); setImmediate(done); }, end } };
}

const spec = { id: 'ss-1', sandboxId: 'sb-1', tag: '', argv: ['cat'], tty: false, cols: 0, rows: 0 };
const bytesOf = (events: SessionEvent[]): Buffer => Buffer.concat(events.flatMap((e) => ('stdout' in e ? [e.stdout] : [])));
const chunk = (i: number): Buffer => Buffer.alloc(64 * 1024, i % 251);

t.test('output that comes before the pid is neither lost nor sent before `started`', async (t) => {
  const { command, reportPid, exit } = lateCommand();
  const session = new Session(spec, command);
  const r = recorder();
  const attached = session.attach(r.attachment, true);
  // Four times what the ring keeps, written while the pid is unknown.
  const chunks = Array.from({ length: (4 * RING_BYTES) / (64 * 1024) }, (_, i) => chunk(i));
  for (const c of chunks) command.stdout.emit('data', c);
  t.equal(r.events.length, 0, 'nothing reaches the client before its `started`');
  reportPid(42);
  await attached;
  exit(0);
  await r.ended;
  t.same(r.events[0], { started: { pid: 42, sessionId: 'ss-1', tty: false } });
  t.ok(bytesOf(r.events).equals(Buffer.concat(chunks)), 'every byte, in order');
  t.same(r.events.at(-1), { exited: { exitCode: 0, signal: '', timedOut: false } });
});

t.test('a command that exits before its pid is known still ends its client after all its output', async (t) => {
  const { command, reportPid, exit } = lateCommand();
  const session = new Session(spec, command);
  const r = recorder();
  const attached = session.attach(r.attachment, true);
  command.stdout.emit('data', Buffer.from('last words'));
  exit(3);
  await session.done;
  reportPid(0);
  await attached;
  await r.ended;
  t.same(r.events.map((e) => Object.keys(e)[0]), ['started', 'stdout', 'exited']);
  t.same(r.events.at(-1), { exited: { exitCode: 3, signal: '', timedOut: false } });
});

t.test('a client attached with replay after output began gets the ring, then live output, once each', async (t) => {
  const { command, reportPid, exit } = lateCommand();
  reportPid(7);
  const session = new Session(spec, command);
  command.stdout.emit('data', Buffer.from('before '));
  const r = recorder();
  const attached = session.attach(r.attachment, true);
  command.stdout.emit('data', Buffer.from('after'));
  await attached;
  exit(0);
  await r.ended;
  t.equal(bytesOf(r.events).toString(), 'before after');
  const late = recorder();
  await session.attach(late.attachment, true);
  await late.ended;
  t.equal(bytesOf(late.events).toString(), 'before after', 'a client attached after the exit gets the ring and the exit');
  t.same(late.events.at(-1), { exited: { exitCode: 0, signal: '', timedOut: false } });
});
