// Runs the FAKE model server on its own, for benchmarks and for trying an agent CLI by hand:
//   node dist/tests/helpers/fake-models/main.js --listen 127.0.0.2:0 --script FILE [--repeat]
// FILE holds a JSON list of turns (or {"turns": [...], "repeat": true}); see fake-models.ts for a turn's
// fields. Prints one JSON line {"url": ...} on stdout once listening; stops on SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { startFakeModels, type FakeTurn } from './fake-models.js';

const { values } = parseArgs({
  options: {
    listen: { type: 'string', default: '127.0.0.2:0' },
    script: { type: 'string' },
    repeat: { type: 'boolean', default: false },
  },
});
const [host, port] = values.listen!.split(':');
const fake = await startFakeModels({ host: host!, port: Number(port ?? 0) });
if (values.script) {
  const parsed = JSON.parse(readFileSync(values.script, 'utf8')) as FakeTurn[] | { turns: FakeTurn[]; repeat?: boolean };
  const turns = Array.isArray(parsed) ? parsed : parsed.turns;
  fake.setScript(turns, { repeat: values.repeat || (!Array.isArray(parsed) && parsed.repeat === true) });
}
process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
process.stderr.write(`fake model server at ${fake.url} (a FAKE: it answers from a script)\n`);
const stop = (): void => void fake.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
