// Exec service handlers. Run streams started, then stdout/stderr as they come (pausing the command when
// the client reads slower than it writes), then exited.
import type { ExecHandlers } from '../../../ipc/generated/godel/v1/Exec.js';
import type { ExecEvent } from '../../../ipc/generated/godel/v1/ExecEvent.js';
import type { RunRequest__Output } from '../../../ipc/generated/godel/v1/RunRequest.js';
import type { ExecManager } from '../../exec/exec-manager.js';
import type { Logger } from '../../log.js';
import { validateArgv, validateEnv, validateId, validateSandboxPath, validateTimeout } from '../../validation.js';
import { serverStream, writeWithBackpressure } from '../respond.js';
import type * as grpc from '@grpc/grpc-js';
import type { Readable } from 'node:stream';

export function execHandlers(exec: ExecManager, log: Logger): ExecHandlers {
  return {
    Run: serverStream(log, 'Exec.Run', async (call: grpc.ServerWritableStream<RunRequest__Output, ExecEvent>) => {
      const req = call.request;
      const run = exec.start({
        sandboxId: validateId(req.sandboxId),
        argv: validateArgv(req.argv),
        env: validateEnv(req.env),
        cwd: req.cwd ? validateSandboxPath(req.cwd, 'INVALID_CWD') : '',
        timeoutMs: validateTimeout(req.timeout),
      });
      const { command } = run;
      call.on('cancelled', () => command.kill('SIGKILL'));
      command.stdin.end();
      // Output is read from the first instant (an unread pipe is discarded when the process exits) but
      // only sent after `started`.
      const started = command.pid.then((pid) => writeWithBackpressure(call, { started: { pid, sessionId: '' } }));
      await Promise.all([pump(call, command.stdout, 'stdout', started), pump(call, command.stderr!, 'stderr', started)]);
      await started;
      const r = await run.result;
      await writeWithBackpressure(call, { exited: { exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut } });
    }, (req) => req.sandboxId),
  };
}

/** Forwards one output stream, pausing it while the client's buffer is full. */
async function pump(call: grpc.ServerWritableStream<RunRequest__Output, ExecEvent>, stream: Readable, kind: 'stdout' | 'stderr', after: Promise<unknown>): Promise<void> {
  for await (const chunk of stream) {
    await after;
    if (!(await writeWithBackpressure(call, { [kind]: chunk as Buffer }))) {
      stream.destroy();
      return;
    }
  }
}
