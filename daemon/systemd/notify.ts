// systemd notifications: READY=1 once the socket is served and the store reconciled, WATCHDOG=1 at half
// the watchdog interval while the event loop runs, STOPPING=1 on the way out. Sent through
// godel-notify (a long-lived child), since Node has no Unix datagram sockets.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.js';

const HELPER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native', 'godel-notify');

export class SystemdNotifier {
  private watchdog: NodeJS.Timeout | undefined;

  private constructor(private readonly helper: ChildProcess, private readonly log: Logger) {}

  /** A notifier when the daemon runs under systemd with Type=notify; undefined otherwise. */
  static fromEnv(log: Logger, env: NodeJS.ProcessEnv = process.env): SystemdNotifier | undefined {
    if (!env.NOTIFY_SOCKET) return undefined;
    if (!existsSync(HELPER)) {
      log.error({ helper: HELPER }, 'NOTIFY_SOCKET is set but godel-notify is missing (npm run build): systemd will not hear that godeld is ready');
      return undefined;
    }
    const helper = spawn(HELPER, [], { stdio: ['pipe', 'ignore', 'inherit'], env: { NOTIFY_SOCKET: env.NOTIFY_SOCKET } });
    helper.on('error', (err) => log.error({ err: err.message }, 'godel-notify failed'));
    helper.stdin!.on('error', (err) => log.error({ err: err.message }, 'godel-notify went away'));
    const notifier = new SystemdNotifier(helper, log);
    const usec = Number(env.WATCHDOG_USEC);
    const forUs = !env.WATCHDOG_PID || Number(env.WATCHDOG_PID) === process.pid;
    if (usec > 0 && forUs) {
      notifier.watchdog = setInterval(() => notifier.send('WATCHDOG=1'), Math.max(1, Math.floor(usec / 2000)));
      notifier.watchdog.unref();
    }
    return notifier;
  }

  ready(status: string): void {
    this.send(`READY=1\nSTATUS=${status}`);
  }

  /** Says the daemon is stopping and releases the helper. */
  stopping(): void {
    clearInterval(this.watchdog);
    this.send('STOPPING=1');
    this.helper.stdin!.end();
  }

  private send(message: string): void {
    // One line per datagram: a multi-field message goes as consecutive lines, each on its own.
    for (const line of message.split('\n')) this.helper.stdin!.write(`${line}\n`);
    this.log.debug({ message }, 'systemd notified');
  }
}
