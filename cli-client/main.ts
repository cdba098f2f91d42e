#!/usr/bin/env node
// godelctl: the thin command-line client of godeld, with docker-like habits.
import { Command, Option } from 'commander';
import { constants } from 'node:os';
import { GodelClient, GodelClientError, toClientError } from '../ipc/client.js';
import { VERSION } from '../daemon/version.js';
import { formatTime, printTable, parsePairs, type OutputFormat } from './format.js';
import { registerFederationCommands } from './federation.js';
import { registerAgentCommands } from './agents.js';
import type { ExecEvent, FileChunk, FileEvent, FileInfo, Pool, Sandbox, SandboxEvent, SessionInfo, Snapshot } from '../ipc/client.js';
import { copy, parseGitSource, parseLocation, seedWorkspace, type SandboxPath } from './copy.js';
import { interact, localSize, parseDetachKeys } from './interactive.js';
import { separateCommandArguments } from './argv.js';

interface ExecOptions {
  interactive?: boolean;
  tty?: boolean;
  env: string[];
  workdir: string;
  timeout: string;
  tag: string;
  detachKeys: string;
}

interface GlobalOptions {
  socket?: string;
  output: OutputFormat;
}

/** Exit code for failures of godelctl or the daemon (as opposed to the remote command's own code). */
const EXIT_ERROR = 1;
const EXIT_EXEC_ERROR = 125;

const program = new Command('godelctl')
  .description('Command-line client of godeld, the Godel sandbox daemon')
  .version(VERSION)
  .option('--socket <path>', 'daemon socket (env GODEL_SOCKET)')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

function globals(): GlobalOptions {
  return program.opts<GlobalOptions>();
}

function client(): GodelClient {
  return new GodelClient({ socket: globals().socket });
}

function json(value: unknown): void {
  // Timestamps ({seconds, nanos}) print as ISO strings, as people and jq expect.
  const replacer = (_key: string, v: unknown): unknown => {
    if (v && typeof v === 'object' && 'seconds' in v && 'nanos' in v && Object.keys(v).length === 2) return formatTime(v as never);
    return v;
  };
  process.stdout.write(`${JSON.stringify(value, replacer, 2)}\n`);
}

/** Runs a command body with a client, closing it after; errors become a one-line message and exit code. */
function action<A extends unknown[]>(fn: (c: GodelClient, ...args: A) => Promise<number | void>, errorExit = EXIT_ERROR) {
  return async (...args: A): Promise<void> => {
    const c = client();
    try {
      const code = await fn(c, ...args);
      process.exitCode = code ?? 0;
    } catch (err) {
      const e = err instanceof GodelClientError ? err : undefined;
      process.stderr.write(`godelctl: ${e ? `${e.message} (${e.code})` : (err as Error).message}\n`);
      process.exitCode = errorExit;
    } finally {
      c.close();
    }
  };
}

/** A whole, non-negative number of seconds from a flag. */
function seconds(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number of seconds, not "${value}"`);
  return n;
}

/** The earlier of the TTL and the maximum-lifetime deadlines. */
function expiry(s: Sandbox): string {
  const deadlines = [s.expiresAt, s.maxLifetimeAt].filter((t): t is NonNullable<typeof t> => !!t).sort((a, b) => Number(a.seconds) - Number(b.seconds));
  return deadlines[0] ? formatTime(deadlines[0]) : '-';
}

function sandboxRows(list: Sandbox[]): string[][] {
  return list.map((s) => [
    s.id, s.node || '-', s.template, s.state, s.fromWarmPool ? 'warm' : 'cold', formatTime(s.createdAt),
    expiry(s),
    Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(',') || '-',
  ]);
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

program.command('create')
  .description('create a sandbox (from the warm pool when one is idle) and print its id')
  .option('-t, --template <name>', 'template', 'default')
  .option('-l, --label <key=value>', 'label (repeatable)', collect, [])
  .option('-e, --env <KEY=VALUE>', 'environment variable for every command in the sandbox (repeatable)', collect, [])
  .option('--ttl <seconds>', 'delete the sandbox this many seconds from now', '0')
  .option('--idle-timeout <seconds>', 'expire after this long with no command running and no session attached', '0')
  .option('--max-lifetime <seconds>', 'expire this long after creation, whatever happens', '0')
  .addOption(new Option('--on-expiry <policy>', 'what expiry does: delete, or stop (keep the files)').choices(['delete', 'stop']))
  .option('-w, --workspace <source>', 'start /workspace from a host directory, a .tar file, or git:/path/to/repo[#ref] (a worktree on branch godel/<id>)')
  .option('--placement <where>', 'in a federation: local (this node), any (a warm sandbox anywhere first), or a node\'s name', 'local')
  .option('--allow <host>', 'narrow the template\'s network allow list to these hosts, IPs or CIDRs (repeatable; each within the template\'s list)', collect, [])
  .option('--deny <host>', 'add to the template\'s network deny list (repeatable)', collect, [])
  .addOption(new Option('--network <mode>', 'none: no network at all (loopback only, no proxy), whatever the template\'s').choices(['none']))
  .action(action(async (c, opts: { template: string; label: string[]; env: string[]; ttl: string; workspace?: string; idleTimeout: string; maxLifetime: string; onExpiry?: string; placement: string; allow: string[]; deny: string[]; network?: string }) => {
    const ttl = seconds(opts.ttl, '--ttl');
    const git = opts.workspace?.startsWith('git:') ? parseGitSource(opts.workspace) : undefined;
    const s = await c.createSandbox({
      template: opts.template, labels: parsePairs(opts.label, '--label'), env: parsePairs(opts.env, '--env'), ttlSeconds: ttl,
      idleTimeoutSeconds: seconds(opts.idleTimeout, '--idle-timeout'), maxLifetimeSeconds: seconds(opts.maxLifetime, '--max-lifetime'),
      ...(opts.onExpiry ? { expiryPolicy: opts.onExpiry === 'stop' ? 'STOP' as const : 'DELETE' as const } : {}),
      ...(git ? { workspace: { git } } : {}),
      placement: opts.placement,
      ...(opts.allow.length || opts.deny.length || opts.network ? { network: { allow: opts.allow, deny: opts.deny, mode: opts.network ?? '' } } : {}),
    });
    if (opts.workspace && !git) {
      // A directory or tar on this side is read with godelctl's own permissions and streamed in.
      try {
        await seedWorkspace(c, s.id, opts.workspace);
      } catch (err) {
        await c.deleteSandbox(s.id).catch(() => undefined);
        throw err;
      }
    }
    if (globals().output === 'json') json(s);
    else process.stdout.write(`${s.id}\n`);
  }));

program.command('ttl')
  .description('set a sandbox to expire this many seconds from now (0: never)')
  .argument('<id>')
  .argument('<seconds>')
  .action(action(async (c, id: string, secs: string) => {
    const s = await c.setTtl(id, seconds(secs, 'seconds'));
    if (globals().output === 'json') json(s);
    else process.stdout.write(`${s.id}: ${s.expiresAt ? `expires at ${formatTime(s.expiresAt)}` : 'no ttl'}\n`);
  }));

program.command('ls')
  .alias('list')
  .description('list sandboxes')
  .option('-l, --label <key=value>', 'only sandboxes with this label (repeatable)', collect, [])
  .option('-t, --template <name>', 'only sandboxes of this template', '')
  .option('-q, --quiet', 'print ids only')
  .option('--node <name>', 'only sandboxes of this node of the federation', '')
  .action(action(async (c, opts: { label: string[]; template: string; quiet?: boolean; node: string }) => {
    const res = await c.listSandboxesWithNodes({ labelSelector: parsePairs(opts.label, '--label'), template: opts.template, node: opts.node });
    const list = res.sandboxes;
    if (globals().output === 'json') json(list);
    else if (opts.quiet) for (const s of list) process.stdout.write(`${s.id}\n`);
    else printTable(['ID', 'NODE', 'TEMPLATE', 'STATE', 'SOURCE', 'CREATED', 'EXPIRES', 'LABELS'], sandboxRows(res.sandboxes));
    if (res.unreachableNodes.length) process.stderr.write(`godelctl: unreachable, their sandboxes shown as last seen (UNKNOWN): ${res.unreachableNodes.join(', ')}\n`);
  }));

program.command('inspect')
  .description('show sandboxes in detail (JSON)')
  .argument('<id...>')
  .action(action(async (c, ids: string[]) => {
    json(await Promise.all(ids.map((id) => c.getSandbox(id))));
  }));

program.command('rm')
  .alias('delete')
  .description('delete sandboxes: kill their processes and remove their files')
  .argument('<id...>')
  .action(action(async (c, ids: string[]) => {
    let failed = 0;
    for (const id of ids) {
      try {
        await c.deleteSandbox(id);
        process.stdout.write(`${id}\n`);
      } catch (err) {
        failed++;
        const e = err as GodelClientError;
        process.stderr.write(`godelctl: ${id}: ${e.message} (${e.code})\n`);
      }
    }
    return failed ? EXIT_ERROR : 0;
  }));

program.command('exec')
  .description('run a command in a sandbox; exits with the command\'s exit code')
  .argument('<id>')
  .argument('<command...>', 'the command and its arguments (everything after the id, options included)')
  .option('-i, --interactive', 'forward stdin (closed at end of input)')
  .option('-t, --tty', 'run on a terminal; with -i from a terminal, like docker exec -it')
  .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collect, [])
  .option('-w, --workdir <dir>', 'working directory inside the sandbox', '')
  .option('--timeout <seconds>', 'kill the command after this many seconds (not with -i/-t)', '0')
  .option('--tag <name>', 'name the session, to attach to it by name (with -i/-t)', '')
  .option('--detach-keys <keys>', 'key sequence that detaches from a session', 'ctrl-p,ctrl-q')
  .action(action(async (c, id: string, argv: string[], opts: ExecOptions) => {
    const env = parsePairs(opts.env, '--env');
    if (opts.interactive || opts.tty) {
      const size = localSize();
      return await interact(c, {
        start: { sandboxId: id, argv, env, cwd: opts.workdir, tty: !!opts.tty, cols: size.cols, rows: size.rows, tag: opts.tag },
      }, { stdin: !!opts.interactive, detachKeys: parseDetachKeys(opts.detachKeys), sandboxId: id });
    }
    const timeout = Number(opts.timeout);
    if (!Number.isFinite(timeout) || timeout < 0) throw new Error(`--timeout must be a number of seconds, not "${opts.timeout}"`);
    return await new Promise<number>((resolve, reject) => {
      let code = EXIT_EXEC_ERROR;
      const stream = c.run({
        sandboxId: id, argv, env, cwd: opts.workdir,
        timeout: timeout ? { seconds: Math.floor(timeout), nanos: Math.round((timeout % 1) * 1e9) } : null,
      });
      stream.on('data', (ev: ExecEvent) => {
        if (ev.stdout) process.stdout.write(ev.stdout);
        else if (ev.stderr) process.stderr.write(ev.stderr);
        else if (ev.exited) {
          if (ev.exited.timedOut) process.stderr.write(`godelctl: command killed after its timeout of ${timeout} s\n`);
          code = ev.exited.signal ? 128 + signalNumber(ev.exited.signal) : ev.exited.exitCode;
        }
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(code));
    }).catch((err: unknown) => { throw toClientError(err, c.socket); });
  }, EXIT_EXEC_ERROR));

program.command('attach')
  .description('attach to a running session (replays its recent output); the detach keys leave it running')
  .argument('<id>', 'sandbox id')
  .argument('<session>', 'session id (ss-...) or tag')
  .option('--no-replay', 'do not replay recent output')
  .option('--no-stdin', 'do not forward stdin')
  .option('--detach-keys <keys>', 'key sequence that detaches', 'ctrl-p,ctrl-q')
  .action(action(async (c, id: string, ref: string, opts: { replay: boolean; stdin: boolean; detachKeys: string }) => {
    const attach = ref.startsWith('ss-') ? { sessionId: ref, noReplay: !opts.replay } : { sandboxId: id, tag: ref, noReplay: !opts.replay };
    return await interact(c, { attach }, { stdin: opts.stdin, detachKeys: parseDetachKeys(opts.detachKeys), sandboxId: id });
  }, EXIT_EXEC_ERROR));

program.command('sessions')
  .description('list a sandbox\'s sessions, running and recently finished')
  .argument('<id>')
  .action(action(async (c, id: string) => {
    const list = await c.listSessions(id);
    if (globals().output === 'json') { json(list); return; }
    printTable(['SESSION', 'TAG', 'PID', 'TTY', 'STATE', 'ATTACHED', 'STARTED', 'COMMAND'], list.map((s: SessionInfo) => [
      s.sessionId, s.tag || '-', String(s.pid), s.tty ? `${s.cols}x${s.rows}` : '-',
      s.running ? 'running' : s.signal ? `killed (${s.signal})` : `exited (${s.exitCode})`, String(s.attached), formatTime(s.startedAt),
      s.argv.join(' '),
    ]));
  }));

program.command('cp')
  .description('copy files or directories between the host and a sandbox (ID:/path on one side), like docker cp')
  .argument('<src>')
  .argument('<dest>')
  .action(action(async (c, src: string, dest: string) => { await copy(c, src, dest); }));

const fs = program.command('fs').description('look at and change files in a sandbox (paths as ID:/path)');

function location(arg: string): SandboxPath {
  const loc = parseLocation(arg);
  if (!loc) throw new Error(`"${arg}" is not a sandbox path: write it as ID:/path`);
  return loc;
}

fs.command('ls')
  .description('list a directory')
  .argument('<location>', 'ID:/path')
  .option('-l, --long', 'type, mode, size and modification time')
  .option('-d, --depth <n>', 'levels to descend', '1')
  .action(action(async (c, arg: string, opts: { long?: boolean; depth: string }) => {
    const { sandboxId, path } = location(arg);
    const entries = await c.listFiles(sandboxId, path, Number(opts.depth) || 1);
    if (globals().output === 'json') { json(entries); return; }
    if (!opts.long) { for (const e of entries) process.stdout.write(`${e.path}\n`); return; }
    printTable(['TYPE', 'MODE', 'SIZE', 'MODIFIED', 'PATH'], entries.map((e: FileInfo) => [
      e.type.toLowerCase(), e.mode.toString(8).padStart(4, '0'), String(e.size), formatTime(e.modifiedAt),
      e.linkTarget ? `${e.path} -> ${e.linkTarget}` : e.path,
    ]));
  }));

fs.command('cat')
  .description('print a file')
  .argument('<location>', 'ID:/path')
  .action(action(async (c, arg: string) => {
    const { sandboxId, path } = location(arg);
    await new Promise<void>((resolve, reject) => {
      const s = c.files.read({ sandboxId, path, offset: 0, length: 0 });
      s.on('data', (ch: FileChunk) => { if (!process.stdout.write(ch.data)) { s.pause(); process.stdout.once('drain', () => s.resume()); } });
      s.on('end', resolve);
      s.on('error', (err) => reject(toClientError(err, c.socket)));
    });
  }));

fs.command('stat')
  .description('show a file\'s type, size, mode and owner')
  .argument('<location>', 'ID:/path')
  .action(action(async (c, arg: string) => {
    const { sandboxId, path } = location(arg);
    json(await c.stat(sandboxId, path));
  }));

fs.command('mkdir')
  .description('make a directory')
  .argument('<location>', 'ID:/path')
  .option('-p, --parents', 'make parent directories as needed')
  .action(action(async (c, arg: string, opts: { parents?: boolean }) => {
    const { sandboxId, path } = location(arg);
    await c.makeDir(sandboxId, path, !!opts.parents);
  }));

fs.command('rm')
  .description('remove a file or an empty directory')
  .argument('<location>', 'ID:/path')
  .option('-r, --recursive', 'remove a directory and everything in it')
  .action(action(async (c, arg: string, opts: { recursive?: boolean }) => {
    const { sandboxId, path } = location(arg);
    await c.removeFile(sandboxId, path, !!opts.recursive);
  }));

fs.command('watch')
  .description('print changes under a directory as they happen (Ctrl-C stops)')
  .argument('<location>', 'ID:/path')
  .action(action(async (c, arg: string) => {
    const { sandboxId, path } = location(arg);
    await new Promise<void>((resolve, reject) => {
      const s = c.files.watch({ sandboxId, path, ready: true });
      s.on('data', (e: FileEvent) => {
        if (globals().output === 'json') process.stdout.write(`${JSON.stringify(e)}\n`);
        else if (e.type === 'ready') process.stderr.write(`watching ${e.path}\n`);
        else process.stdout.write(`${e.type.padEnd(6)} ${e.from ? `${e.from} -> ` : ''}${e.path}${e.fileType === 'DIRECTORY' ? '/' : ''}\n`);
      });
      s.on('end', resolve);
      s.on('error', (err) => reject(toClientError(err, c.socket)));
      process.once('SIGINT', () => { s.cancel(); resolve(); });
    });
  }));

program.command('pause')
  .description('stop every vCPU of a sandbox (microvm): nothing runs, its memory is kept')
  .argument('<id...>')
  .action(action(async (c, ids: string[]) => {
    for (const id of ids) await c.pauseSandbox(id);
  }));

program.command('resume')
  .description('let a paused sandbox run again')
  .argument('<id...>')
  .action(action(async (c, ids: string[]) => {
    for (const id of ids) await c.resumeSandbox(id);
  }));

program.command('events')
  .description('show stored lifecycle events and the audit log (who did what), oldest first; -f follows new ones')
  .option('-f, --follow', 'keep printing events as they happen (Ctrl-C stops)')
  .option('--sandbox <id>', 'only events of this sandbox')
  .option('-n, --tail <count>', 'how many stored events to show first (of each node)', '100')
  .option('--node <name>', 'only this node\'s events (default: every node of the federation)', '')
  .action(action(async (c, opts: { follow?: boolean; sandbox?: string; tail: string; node: string }) => {
    const limit = Number(opts.tail);
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`--tail takes a positive number, not "${opts.tail}"`);
    await new Promise<void>((resolve, reject) => {
      const s = c.events({ sandboxId: opts.sandbox ?? '', follow: !!opts.follow, limit, node: opts.node });
      s.on('data', (e: SandboxEvent) => {
        if (globals().output === 'json') json(e);
        else process.stdout.write(`${formatEvent(e)}\n`);
      });
      s.on('end', resolve);
      s.on('error', (err) => reject(toClientError(err, c.socket)));
      process.once('SIGINT', () => { s.cancel(); resolve(); });
    });
  }));

/** One line per event: time, sandbox, type, then what happened (or, for an audit record, who did what). */
function formatEvent(e: SandboxEvent): string {
  const detail = e.type === 'request'
    ? `${e.method} ${e.status}${e.errorCode ? ` (${e.errorCode})` : ''} by uid=${e.actor?.uid} gid=${e.actor?.gid} pid=${e.actor?.pid}${e.actor?.viaNode ? ` via ${e.actor.viaNode}` : ''}`
    : `${e.state}${e.message ? `: ${e.message}` : ''}`;
  return `${formatTime(e.time)}  ${(e.node || '-').padEnd(8)}  ${(e.sandboxId || '-').padEnd(12)}  ${e.type.padEnd(9)}  ${detail}`;
}

const snapshot = program.command('snapshot').description('keep a sandbox\'s filesystem at one point in time');

snapshot.command('create')
  .description('snapshot a sandbox and print the snapshot id')
  .argument('<id>', 'sandbox id')
  .option('-n, --name <name>', 'a name for people', '')
  .option('-l, --label <key=value>', 'label (repeatable)', collect, [])
  .option('--memory', 'also capture memory and processes (microvm sandboxes only)')
  .action(action(async (c, id: string, opts: { name: string; label: string[]; memory?: boolean }) => {
    const snap = await c.createSnapshot({ sandboxId: id, name: opts.name, labels: parsePairs(opts.label, '--label'), memory: !!opts.memory });
    if (globals().output === 'json') json(snap);
    else process.stdout.write(`${snap.id}\n`);
  }));

snapshot.command('ls')
  .description('list snapshots')
  .option('-s, --sandbox <id>', 'only snapshots of this sandbox', '')
  .option('-l, --label <key=value>', 'only snapshots with this label (repeatable)', collect, [])
  .option('--node <name>', 'only this node\'s snapshots (default: every node of the federation)', '')
  .action(action(async (c, opts: { sandbox: string; label: string[]; node: string }) => {
    const list = await c.listSnapshots({ sandboxId: opts.sandbox, labelSelector: parsePairs(opts.label, '--label'), node: opts.node });
    if (globals().output === 'json') { json(list); return; }
    printTable(['SNAPSHOT', 'NODE', 'NAME', 'SANDBOX', 'TEMPLATE', 'KIND', 'SIZE', 'FROZEN', 'CREATED'], list.map((x: Snapshot) => [
      x.id, x.node || '-', x.name, x.sandboxId, x.template, x.kind, `${(Number(x.sizeBytes) / 2 ** 20).toFixed(1)} MiB`, `${(x.frozenSeconds * 1000).toFixed(0)} ms`, formatTime(x.createdAt),
    ]));
  }));

snapshot.command('rm')
  .description('delete snapshots')
  .argument('<snapshot...>')
  .action(action(async (c, ids: string[]) => {
    for (const id of ids) {
      await c.deleteSnapshot(id);
      process.stdout.write(`${id}\n`);
    }
  }));

program.command('restore')
  .description('make a new sandbox from a snapshot and print its id')
  .argument('<snapshot>')
  .option('-l, --label <key=value>', 'label (repeatable)', collect, [])
  .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collect, [])
  .option('--ttl <seconds>', 'delete the sandbox this many seconds from now', '0')
  .action(action(async (c, snap: string, opts: { label: string[]; env: string[]; ttl: string }) => {
    const s = await c.restoreSnapshot({ snapshotId: snap, labels: parsePairs(opts.label, '--label'), env: parsePairs(opts.env, '--env'), ttlSeconds: Number(opts.ttl) || 0 });
    if (globals().output === 'json') json(s);
    else process.stdout.write(`${s.id}\n`);
  }));

program.command('fork')
  .description('make N new sandboxes from one consistent point of a sandbox; prints their ids')
  .argument('<id>')
  .option('-c, --count <n>', 'how many', '1')
  .option('-l, --label <key=value>', 'label for the new sandboxes (repeatable)', collect, [])
  .action(action(async (c, id: string, opts: { count: string; label: string[] }) => {
    const res = await c.fork({ sandboxId: id, count: Number(opts.count), labels: parsePairs(opts.label, '--label') });
    if (globals().output === 'json') json(res);
    else for (const s of res.sandboxes) process.stdout.write(`${s.id}\n`);
  }));

const pool = program.command('pool').description('show and tune warm pools');

pool.command('ls')
  .description('list the warm pool of each template (of every node of the federation)')
  .option('--node <name>', 'only this node\'s pools', '')
  .action(action(async (c, opts: { node: string }) => {
    const res = await c.listPoolsWithNodes({ node: opts.node });
    const pools = res.pools;
    if (globals().output === 'json') json(pools);
    else printTable(['NODE', 'TEMPLATE', 'PROVIDER', 'IDLE', 'BOOTING', 'CLAIMED', 'MIN_IDLE', 'MAX_TOTAL', 'MAX_AGE', 'HEALTH', 'LAST_ERROR'],
      pools.map((p: Pool) => [p.node || '-', p.template, p.provider, String(p.idle), String(p.booting), String(p.claimed), String(p.minIdle),
        String(p.maxTotal), p.maxAgeSeconds ? `${p.maxAgeSeconds}s` : '-', p.health, p.lastError || '-']));
  }));

pool.command('set')
  .description('change a pool\'s targets (persists across daemon restarts)')
  .argument('<template>')
  .option('--min-idle <n>', 'idle sandboxes to keep booted')
  .option('--max-total <n>', 'upper bound on all sandboxes of the template')
  .option('--max-age <seconds>', 'recycle idle sandboxes older than this (0: never)')
  .action(action(async (c, template: string, opts: { minIdle?: string; maxTotal?: string; maxAge?: string }) => {
    const num = (v: string | undefined, flag: string): number | undefined => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a whole number, not "${v}"`);
      return n;
    };
    const req = { template, minIdle: num(opts.minIdle, '--min-idle'), maxTotal: num(opts.maxTotal, '--max-total'), maxAgeSeconds: num(opts.maxAge, '--max-age') };
    if (req.minIdle === undefined && req.maxTotal === undefined && req.maxAgeSeconds === undefined) {
      throw new Error('give at least one of --min-idle, --max-total, --max-age');
    }
    const p = await c.setPool(req);
    if (globals().output === 'json') json(p);
    else process.stdout.write(`${p.template}: min_idle=${p.minIdle} max_total=${p.maxTotal} max_age=${p.maxAgeSeconds}s\n`);
  }));

program.command('info')
  .description('show what the daemon is and what it runs')
  .action(action(async (c) => {
    const i = await c.info();
    if (globals().output === 'json') { json(i); return; }
    const lines = [
      `Node:       ${i.node}`, `Version:    ${i.version}`, `PID:        ${i.pid}`, `Socket:     ${i.socket}`, `State dir:  ${i.stateDir}`,
      `Started:    ${formatTime(i.startedAt)}`,
      `Sandboxes:  ${Object.entries(i.sandboxesByState).map(([k, v]) => `${k}=${v}`).join(' ') || 'none'}`,
      'Providers:', ...i.providers.map((p) => `  ${p.name}: ${p.available ? 'available' : `unavailable (${p.message})`} [${p.capabilities.join(', ')}]`),
      'Templates:', ...i.templates.map((t) => `  ${t.name} (${t.provider}, spec ${t.specHash})`),
      'Agents:', ...i.agentRuntimes.map((r) => `  ${r.name}: ${r.installed ? `installed, default model ${r.defaultModel}` : r.message}`),
      `Models:     ${i.models.join(', ') || 'none (configure models.providers)'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }));

registerFederationCommands(program, { action, json, output: () => globals().output });
registerAgentCommands(program, { action, json, output: () => globals().output });

program.command('version')
  .description('show client and daemon versions')
  .action(action(async (c) => {
    const v = await c.version();
    if (globals().output === 'json') json({ client: VERSION, daemon: v });
    else process.stdout.write(`Client: ${VERSION}\nDaemon: ${v.version} (api ${v.api}, node ${v.nodeVersion})\n`);
  }));

/** Like a shell, a command killed by signal N exits 128 + N. */
function signalNumber(name: string): number {
  return (constants.signals as Record<string, number>)[name] ?? 0;
}

program.parseAsync(separateCommandArguments(separateCommandArguments(process.argv, program, 'exec'), program, ['swarm', 'exec'])).catch((err: unknown) => {
  process.stderr.write(`godelctl: ${(err as Error).message}\n`);
  process.exitCode = EXIT_ERROR;
});
