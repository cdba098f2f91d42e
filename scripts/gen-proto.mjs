// Regenerates the typed TypeScript for ipc/proto into ipc/generated (or the directory given as argv[2]).
// The same options are used to load the protos at run time (ipc/proto.ts), so types and runtime agree.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(root, 'ipc', 'generated');
const opts = JSON.parse(readFileSync(join(root, 'ipc', 'proto-options.json'), 'utf8'));
const protoDir = join(root, 'ipc', 'proto');
const files = readdirSync(join(protoDir, 'godel', 'v1')).filter((f) => f.endsWith('.proto')).sort()
  .map((f) => `godel/v1/${f}`);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const flags = [`--longs=${opts.longs}`, `--enums=${opts.enums}`, '--grpcLib=@grpc/grpc-js', '--importFileExtension=.js',
  '--includeComments', '-I', protoDir, '-O', out];
if (opts.keepCase) flags.push('--keepCase');
if (opts.defaults) flags.push('--defaults');
if (opts.oneofs) flags.push('--oneofs');
execFileSync(join(root, 'node_modules', '.bin', 'proto-loader-gen-types'), [...flags, ...files], { stdio: 'inherit' });

// The generator writes the absolute path of each .proto into its output; make it relative so the committed
// files do not depend on where the repository is checked out.
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]);
for (const file of walk(out)) {
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.split(protoDir + '/').join('ipc/proto/'));
}
