#!/usr/bin/env node
// godeld: the Godel sandbox daemon.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { daemonSocketPath } from '../ipc/socket-path.js';
import { ConfigError, loadConfig } from './config/config.js';
import { Daemon } from './daemon.js';
import { createLogger } from './log.js';
import { SocketInUseError } from './server/socket.js';
import { StateDirLockedError } from './store/store.js';
import { VERSION } from './version.js';

function defaultStateDir(): string {
  if (process.getuid?.() === 0) return '/var/lib/godel';
  return join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'godel');
}

const program = new Command('godeld')
  .description('Godel sandbox daemon: warm pools of sandboxes behind a gRPC API on a Unix socket')
  .version(VERSION)
  .option('--socket <path>', 'Unix socket to serve (env GODEL_SOCKET)')
  .option('--state-dir <dir>', 'state directory: database and sandbox workspaces (env GODEL_STATE_DIR)')
  .option('--config <file>', 'JSON config file with templates and pool targets (env GODEL_CONFIG)')
  .option('--metrics-addr <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics; "" turns it off', process.env.GODEL_METRICS_ADDR ?? '127.0.0.1:9464')
  .option('--log-level <level>', 'pino log level', process.env.GODEL_LOG_LEVEL ?? 'info')
  .parse();

const flags = program.opts<{ socket?: string; stateDir?: string; config?: string; logLevel: string; metricsAddr: string }>();
const log = createLogger(flags.logLevel);

async function main(): Promise<void> {
  const config = loadConfig(flags.config ?? process.env.GODEL_CONFIG);
  const daemon = new Daemon({
    socket: daemonSocketPath(flags.socket),
    metricsAddr: flags.metricsAddr,
    stateDir: flags.stateDir ?? process.env.GODEL_STATE_DIR ?? defaultStateDir(),
    config,
    log,
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    daemon.stop().then(() => process.exit(0), (err: unknown) => {
      log.error({ err }, 'unclean stop');
      process.exit(1);
    });
  };
  // A bug that leaves a promise rejected must not take down the daemon that holds everyone's sandboxes
  // (they would survive, but every call in flight would fail): log it loudly and keep serving.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection (a bug): the daemon keeps serving'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await daemon.start();
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof SocketInUseError || err instanceof StateDirLockedError;
  const message = err instanceof Error ? err.message : String(err);
  if (known) log.error(message);
  else log.error({ err }, 'godeld failed to start');
  process.stderr.write(`godeld: ${message}\n`);
  process.exit(1);
});
