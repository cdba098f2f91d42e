// Docker's habit for exec: everything after the sandbox id is the command, options included, so
// `godelctl exec ID ls -la` runs `ls -la`. Commander would take -la for an option of godelctl's own;
// a `--` inserted after the id tells it not to. Which options take a value comes from the commands'
// own definitions, so the two cannot drift apart.
import type { Command } from 'commander';

interface ValueFlags {
  short: Set<string>;
  long: Set<string>;
}

function valueFlags(commands: Command[]): ValueFlags {
  const flags: ValueFlags = { short: new Set(), long: new Set() };
  for (const c of commands) {
    for (const o of c.options) {
      if (!o.required && !o.optional) continue;
      if (o.short) flags.short.add(o.short.slice(1));
      if (o.long) flags.long.add(o.long);
    }
  }
  return flags;
}

/** How many tokens the option at argv[i] spans (1, or 2 when its value is the next token). */
function optionSpan(token: string, flags: ValueFlags): number {
  if (token.startsWith('--')) return token.includes('=') || !flags.long.has(token) ? 1 : 2;
  // A cluster of short flags (-it, -ew/tmp): a flag that takes a value takes the rest, or the next token.
  for (let j = 1; j < token.length; j++) {
    if (flags.short.has(token[j]!)) return j === token.length - 1 ? 2 : 1;
  }
  return 1;
}

/**
 * process.argv with a `--` after the first argument of subcommand `path` (the sandbox or swarm id), unless
 * one is there. `path` names a subcommand, or a nested one: ['swarm', 'exec'].
 */
export function separateCommandArguments(argv: string[], program: Command, path: string | string[]): string[] {
  const names = typeof path === 'string' ? [path] : path;
  let sub: Command | undefined = program;
  for (const n of names) sub = sub?.commands.find((c) => c.name() === n);
  if (!sub) return argv;
  const globalFlags = valueFlags([program]);
  let i = 2;
  while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '--') i += optionSpan(argv[i]!, globalFlags);
  for (let k = 0; k < names.length - 1; k++, i++) if (argv[i] !== names[k]) return argv;
  if (argv[i] !== names.at(-1)) return argv;
  const flags = valueFlags([program, sub]);
  for (i++; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return argv;
    if (token.startsWith('-') && token !== '-') {
      i += optionSpan(token, flags) - 1;
      continue;
    }
    // The sandbox id: the command starts after it.
    if (i + 1 >= argv.length || argv[i + 1] === '--') return argv;
    return [...argv.slice(0, i + 1), '--', ...argv.slice(i + 1)];
  }
  return argv;
}
