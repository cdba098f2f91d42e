// godelctl nodes and godelctl swarm: the federation as people see it. Nothing here is configured on the
// client: it asks its own node, which answers for the federation.
import { Option, type Command } from 'commander';
import { toClientError, type GodelClient, type NodeInfo, type SwarmExecEvent } from '../ipc/client.js';
import { formatTime, parsePairs, printTable } from './format.js';

type Action = <A extends unknown[]>(fn: (c: GodelClient, ...args: A) => Promise<number | void>, errorExit?: number) => (...args: A) => Promise<void>;

interface Io {
  action: Action;
  json: (v: unknown) => void;
  output: () => 'table' | 'json';
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function count(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number of at least 1, not "${value}"`);
  return n;
}

function nodeRows(nodes: NodeInfo[]): string[][] {
  return nodes.map((n) => [
    `${n.name || '?'}${n.self ? ' (self)' : ''}`, n.address || '-', n.reachable ? 'reachable' : 'UNREACHABLE', n.version || '-',
    n.capacity ? `${n.capacity.cpus} cpu, ${Math.round(Number(n.capacity.memoryBytes) / 2 ** 30)} GiB, load ${Number(n.capacity.load1).toFixed(2)}` : '-',
    String(n.capacity?.sandboxesRunning ?? '-'),
    n.pools.map((p) => `${p.template}:${p.idle}`).join(',') || '-',
    n.self ? '-' : formatTime(n.lastSeen), n.breaker || '-', n.error || '-',
  ]);
}

export function registerFederationCommands(program: Command, io: Io): void {
  program.command('nodes')
    .description('list the nodes of the federation as this node sees them: reachability, capacity, warm pools')
    .action(io.action(async (c) => {
      const nodes = await c.nodes();
      if (io.output() === 'json') io.json(nodes);
      else printTable(['NODE', 'ADDRESS', 'STATE', 'VERSION', 'CAPACITY', 'SANDBOXES', 'IDLE', 'LAST_SEEN', 'BREAKER', 'ERROR'], nodeRows(nodes));
    }));

  const swarm = program.command('swarm').description('many sandboxes over the federation, as one');

  swarm.command('spawn')
    .description('place COUNT sandboxes over the nodes (warm pools first) and print the swarm id')
    .argument('<count>')
    .option('-t, --template <name>', 'template', 'default')
    .option('-l, --label <key=value>', 'label for every member (repeatable)', collect, [])
    .option('-e, --env <KEY=VALUE>', 'environment variable for every member (repeatable)', collect, [])
    .option('--ttl <seconds>', 'delete each member this many seconds from now', '0')
    .addOption(new Option('--strategy <name>', 'where cold sandboxes go').choices(['spread', 'binpack']).default('spread'))
    .option('--all-or-nothing', 'leave nothing behind when the swarm cannot be placed whole')
    .action(io.action(async (c, n: string, opts: { template: string; label: string[]; env: string[]; ttl: string; strategy: string; allOrNothing?: boolean }) => {
      const total = count(n, 'count');
      const progress = process.stderr.isTTY && io.output() !== 'json';
      let placed = 0;
      const members: unknown[] = [];
      const done = await new Promise<NonNullable<Awaited<ReturnType<GodelClient['spawnSwarmCollect']>>['done']>>((resolve, reject) => {
        const s = c.spawnSwarm({
          template: opts.template, count: total, labels: parsePairs(opts.label, '--label'), env: parsePairs(opts.env, '--env'),
          ttlSeconds: opts.ttl === '0' ? 0 : count(opts.ttl, '--ttl'),
          strategy: opts.strategy === 'binpack' ? 'BINPACK' : 'SPREAD', allOrNothing: !!opts.allOrNothing,
        });
        let result: unknown;
        s.on('data', (e) => {
          if (e.placed) {
            placed++;
            members.push(e.placed);
            if (progress) process.stderr.write(`\rplaced ${placed}/${total}`);
          }
          if (e.done) result = e.done;
        });
        s.on('end', () => resolve(result as never));
        s.on('error', (err) => reject(err));
      }).catch((err: unknown) => {
        if (progress) process.stderr.write('\n');
        throw toClientError(err, c.socket);
      });
      if (progress) process.stderr.write('\n');
      if (io.output() === 'json') { io.json({ ...done, sandboxes: members }); return; }
      process.stdout.write(`${done.swarmId}\n`);
      process.stderr.write(`${done.count} sandboxes: ${done.placements.map((p) => `${p.node} ${p.count} (${p.warm} warm)`).join(', ')}${done.message ? `; ${done.message}` : ''}\n`);
    }));

  swarm.command('ls')
    .description('list swarms over the whole federation')
    .action(io.action(async (c) => {
      const res = await c.listSwarms();
      if (io.output() === 'json') { io.json(res); return; }
      printTable(['SWARM', 'TEMPLATE', 'COUNT', 'NODES', 'STATES', 'CREATED'], res.swarms.map((w) => [
        w.swarmId, w.template, String(w.count), w.placements.map((p) => `${p.node}:${p.count}`).join(','),
        Object.entries(w.states).map(([k, v]) => `${k}=${v}`).join(','), formatTime(w.createdAt),
      ]));
      if (res.unreachableNodes.length) process.stderr.write(`godelctl: unreachable, their members shown as last seen: ${res.unreachableNodes.join(', ')}\n`);
    }));

  swarm.command('rm')
    .description('delete every member of a swarm, on every node')
    .argument('<swarm>')
    .action(io.action(async (c, id: string) => {
      const res = await c.deleteSwarm(id);
      if (io.output() === 'json') { io.json(res); return 0; }
      process.stdout.write(`${id}: ${res.deleted} deleted\n`);
      for (const [sb, why] of Object.entries(res.failed)) process.stderr.write(`godelctl: ${sb}: ${why}\n`);
      return Object.keys(res.failed).length ? 1 : 0;
    }));

  swarm.command('exec')
    .description('run a command in every member at once; output lines are prefixed by sandbox, like pdsh')
    .argument('<swarm>')
    .argument('<command...>')
    .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside each sandbox', '')
    .option('--timeout <seconds>', 'kill each member\'s command after this many seconds', '0')
    .action(io.action(async (c, id: string, argv: string[], opts: { env: string[]; workdir: string; timeout: string }) => {
      const partial = new Map<string, { out: string; err: string }>();
      const results: Record<string, { exitCode?: number; signal?: string; error?: string; node: string }> = {};
      const flush = (sb: string, kind: 'out' | 'err', text: string, final = false): void => {
        const p = partial.get(sb) ?? { out: '', err: '' };
        const lines = (p[kind] + text).split('\n');
        p[kind] = final ? '' : lines.pop()!;
        partial.set(sb, p);
        const sink = kind === 'out' ? process.stdout : process.stderr;
        for (const l of final ? lines.filter((x, i) => x || i < lines.length - 1) : lines) sink.write(`${sb}: ${l}\n`);
      };
      await new Promise<void>((resolve, reject) => {
        const s = c.swarmExec({ swarmId: id, argv, env: parsePairs(opts.env, '--env'), cwd: opts.workdir, timeout: Number(opts.timeout) || 0 });
        s.on('data', (e: SwarmExecEvent) => {
          const r = results[e.sandboxId] ??= { node: e.node };
          if (e.error) r.error = `${e.error.message} (${e.error.code})`;
          if (e.exec?.exited) { r.exitCode = e.exec.exited.exitCode; r.signal = e.exec.exited.signal; }
          if (io.output() === 'json') return;
          if (e.exec?.stdout) flush(e.sandboxId, 'out', e.exec.stdout.toString());
          if (e.exec?.stderr) flush(e.sandboxId, 'err', e.exec.stderr.toString());
          if (e.exec?.exited || e.error) {
            flush(e.sandboxId, 'out', '', true);
            flush(e.sandboxId, 'err', '', true);
            if (e.error) process.stderr.write(`${e.sandboxId}: godelctl: ${r.error}\n`);
          }
        });
        s.on('end', () => resolve());
        s.on('error', (err) => reject(toClientError(err, c.socket)));
      });
      if (io.output() === 'json') io.json(results);
      const failed = Object.values(results).filter((r) => r.error || r.exitCode !== 0).length;
      if (io.output() !== 'json') process.stderr.write(`${Object.keys(results).length} members, ${failed} failed\n`);
      return failed ? 1 : 0;
    }));
}

