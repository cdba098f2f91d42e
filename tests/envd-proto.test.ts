// The committed TypeScript in daemon/e2b/generated must be what daemon/e2b/proto generates today, and
// the services must have the methods the e2b SDK calls.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Process } from '../daemon/e2b/generated/process/process_pb.js';
import { Filesystem } from '../daemon/e2b/generated/filesystem/filesystem_pb.js';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

t.test('generated envd code matches the .proto files', async (t) => {
  const out = t.testdir({ proto: {} });
  const bin = join(root, 'node_modules', '.bin');
  // buf.gen.yaml writes to ../generated, relative to the output base given here.
  execFileSync(join(bin, 'buf'), ['generate', '-o', join(out, 'proto')], {
    cwd: join(root, 'daemon', 'e2b', 'proto'), stdio: 'pipe', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
  });
  const fresh = join(out, 'generated');
  const committed = join(root, 'daemon', 'e2b', 'generated');
  const files = walk(fresh).map((f) => relative(fresh, f)).sort();
  t.same(walk(committed).map((f) => relative(committed, f)).sort(), files, 'same files');
  for (const f of files) t.equal(readFileSync(join(committed, f), 'utf8'), readFileSync(join(fresh, f), 'utf8'), `${f} is up to date (run npm run gen)`);
});

t.test('the methods the SDK calls, at the paths it calls them', async (t) => {
  t.equal(Process.typeName, 'process.Process');
  t.same(Process.methods.map((m) => m.name).sort(), ['CloseStdin', 'Connect', 'List', 'SendInput', 'SendSignal', 'Start', 'StreamInput', 'Update']);
  t.equal(Filesystem.typeName, 'filesystem.Filesystem');
  t.same(Filesystem.methods.map((m) => m.name).sort(), ['ListDir', 'MakeDir', 'Move', 'Remove', 'Stat', 'WatchDir']);
});
