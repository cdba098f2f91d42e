// A minimal QMP client (QEMU's JSON control protocol on a Unix socket): one command at a time, each
// on a fresh connection, which is all the provider needs (pause, resume, quit, save state) and keeps
// nothing open across a daemon restart.
import { connect } from 'node:net';
import { GodelError } from '../../errors.js';

export async function qmp(path: string, command: string, args?: Record<string, unknown>, timeoutMs = 10_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    let buffered = '';
    let stage: 'greeting' | 'capabilities' | 'command' = 'greeting';
    const timer = setTimeout(() => { s.destroy(); reject(new GodelError('PROVIDER_FAILED', `QMP ${command} timed out`)); }, timeoutMs);
    const done = (err: Error | undefined, value?: unknown): void => {
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    s.on('error', (err) => done(new GodelError('PROVIDER_FAILED', `QMP ${command}: ${err.message}`)));
    s.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        const msg = JSON.parse(line) as { QMP?: unknown; return?: unknown; error?: { desc: string }; event?: string };
        if (msg.event) continue;
        if (stage === 'greeting' && msg.QMP) {
          stage = 'capabilities';
          s.write(`${JSON.stringify({ execute: 'qmp_capabilities' })}\n`);
        } else if (stage === 'capabilities') {
          stage = 'command';
          s.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}) })}\n`);
        } else if (stage === 'command') {
          if (msg.error) done(new GodelError('PROVIDER_FAILED', `QMP ${command}: ${msg.error.desc}`));
          else done(undefined, msg.return);
        }
      }
    });
    s.on('close', () => done(new GodelError('PROVIDER_FAILED', `QMP ${command}: the VM closed its control socket`)));
  });
}
